//! Money: an exact decimal amount in one ISO-4217 currency.
//!
//! Arithmetic is checked: adding two currencies or overflowing the 96-bit
//! mantissa is an error, never a silent wrap or a float round-trip.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::LedgerError;

/// An ISO-4217 alphabetic code: three ASCII capitals. We check the shape, not
/// the registry, so a newly issued code never needs a release.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "ts", ts(type = "string"))]
pub struct Currency([u8; 3]);

impl Currency {
    pub const USD: Currency = Currency(*b"USD");

    pub fn as_str(&self) -> &str {
        // Constructed only from ASCII capitals.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl FromStr for Currency {
    type Err = LedgerError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        if b.len() == 3 && b.iter().all(|c| c.is_ascii_uppercase()) {
            Ok(Currency([b[0], b[1], b[2]]))
        } else {
            Err(LedgerError::invalid(
                "currency",
                format!("'{s}' is not an ISO-4217 code (three capital letters, e.g. USD)"),
            ))
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = LedgerError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.as_str().to_string()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An exact amount of money. Serialised as `{"amount": "6000000000.00", "currency": "USD"}`
/// (the amount a decimal string, as OCF's Monetary type does).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Money {
        Money { amount, currency }
    }

    pub fn zero(currency: Currency) -> Money {
        Money::new(Decimal::ZERO, currency)
    }

    /// The same amount written with no trailing zeros beyond the cents:
    /// 1500000000.00000 becomes 1500000000.00; 0.12345 stays 0.12345.
    pub fn tidy(self) -> Money {
        let mut amount = self.amount.normalize();
        if amount.scale() < 2 {
            amount.rescale(2);
        }
        Money::new(amount, self.currency)
    }

    pub fn is_positive(&self) -> bool {
        self.amount > Decimal::ZERO
    }

    fn same_currency(&self, other: &Money) -> Result<(), LedgerError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(LedgerError::invalid(
                "currency",
                format!("cannot combine {} with {}", self.currency, other.currency),
            ))
        }
    }

    pub fn checked_add(self, other: Money) -> Result<Money, LedgerError> {
        self.same_currency(&other)?;
        let amount = self.amount.checked_add(other.amount).ok_or_else(overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, LedgerError> {
        self.same_currency(&other)?;
        let amount = self.amount.checked_sub(other.amount).ok_or_else(overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// Money times a plain number (a share count, a multiple).
    pub fn checked_mul(self, factor: Decimal) -> Result<Money, LedgerError> {
        let amount = self.amount.checked_mul(factor).ok_or_else(overflow)?;
        Ok(Money::new(amount, self.currency))
    }

    /// The ratio of two amounts in the same currency, e.g. pre-money over post-money.
    pub fn checked_ratio(self, other: Money) -> Result<Decimal, LedgerError> {
        self.same_currency(&other)?;
        if other.amount.is_zero() {
            return Err(LedgerError::invalid("amount", "division by a zero amount"));
        }
        self.amount.checked_div(other.amount).ok_or_else(overflow)
    }

    /// Parses "6000000000", "6000000000.00" or "USD 6000000000" in the given default currency.
    pub fn parse(
        field: &'static str,
        text: &str,
        currency: Currency,
    ) -> Result<Money, LedgerError> {
        let text = text.trim();
        let (cur, num) = match text.split_once(' ') {
            Some((c, n)) => (c.parse::<Currency>()?, n.trim()),
            None => (currency, text),
        };
        if cur != currency {
            return Err(LedgerError::invalid(
                field,
                format!("the book keeps {currency}; '{text}' is in {cur}"),
            ));
        }
        Ok(Money::new(parse_decimal(field, num)?, cur))
    }
}

/// Serde for `Option<Decimal>` as a decimal string or null. rust_decimal's own
/// `str_option` cannot read a null back inside an internally tagged enum (such as
/// `ConvertibleTerms`), which would leave a stored SAFE without a discount unreadable.
pub mod opt_decimal_str {
    use rust_decimal::Decimal;
    use serde::{de, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.serialize_some(&d.to_string()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|s| Decimal::from_str_exact(&s).map_err(de::Error::custom))
            .transpose()
    }
}

/// A decimal the user typed: plain digits with at most one point (no exponent, no sign but a
/// leading minus), and at most 28 significant digits, which every decimal holds exactly.
pub fn parse_decimal(field: &'static str, text: &str) -> Result<Decimal, LedgerError> {
    let body = plain(field, text)?;
    // A 29th digit fits only below 7.9e28, so a decimal that takes it is refused as any other
    // 29-digit one is (the documented bound). Leading zeros and a fraction's trailing ones add
    // no digit.
    let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
    let digits = whole.trim_start_matches('0').len() + fraction.trim_end_matches('0').len();
    if digits > 28 {
        return Err(too_many_digits(field, text));
    }
    exact(field, text)
}

/// A decimal the book stored: what the program computed (a conversion ratio carries all 29
/// digits a decimal holds), read back exactly.
pub fn read_stored_decimal(field: &'static str, text: &str) -> Result<Decimal, LedgerError> {
    plain(field, text)?;
    exact(field, text)
}

/// The text's digits, checked for the plain form; the sign left off.
fn plain<'t>(field: &'static str, text: &'t str) -> Result<&'t str, LedgerError> {
    let t = text.trim();
    let body = t.strip_prefix('-').unwrap_or(t);
    let well_formed = !body.is_empty()
        && body.chars().all(|c| c.is_ascii_digit() || c == '.')
        && body.chars().filter(|&c| c == '.').count() <= 1
        && body.chars().any(|c| c.is_ascii_digit());
    if !well_formed {
        return Err(LedgerError::invalid(
            field,
            format!("'{text}' is not a decimal number (write e.g. 6000000000 or 15.25)"),
        ));
    }
    Ok(body)
}

fn exact(field: &'static str, text: &str) -> Result<Decimal, LedgerError> {
    Decimal::from_str_exact(text.trim()).map_err(|_| too_many_digits(field, text))
}

fn too_many_digits(field: &'static str, text: &str) -> LedgerError {
    LedgerError::invalid(
        field,
        format!("'{text}' has more digits than an exact decimal can hold (28)"),
    )
}

fn overflow() -> LedgerError {
    LedgerError::invalid("amount", "the amount is too large to compute exactly")
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}",
            self.currency,
            group_thousands(&self.amount.to_string())
        )
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, self.amount)
    }
}

/// "1234567.5" -> "1,234,567.5". Works on the decimal string, never on a float.
pub fn group_thousands(s: &str) -> String {
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", s),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn adds_exactly_where_floats_do_not() {
        let a = Money::new(dec!(0.1), Currency::USD);
        let b = Money::new(dec!(0.2), Currency::USD);
        assert_eq!(a.checked_add(b).unwrap().amount, dec!(0.3));
    }

    #[test]
    fn refuses_mixed_currencies() {
        let a = Money::new(dec!(1), Currency::USD);
        let b = Money::new(dec!(1), "EUR".parse().unwrap());
        let err = a.checked_add(b).unwrap_err();
        assert_eq!(err.field(), Some("currency"));
    }

    /// The docs promise a decimal of more than 28 digits is refused; Decimal::MAX has 29 and
    /// used to be taken.
    #[test]
    fn a_decimal_of_more_than_28_digits_is_refused() {
        let max = "79228162514264337593543950335";
        let e = parse_decimal("price_per_share", max).unwrap_err();
        assert_eq!(e.field(), Some("price_per_share"));
        assert!(e.to_string().contains("28"), "{e}");
        assert!(parse_decimal("x", "9999999999999999999999999999").is_ok());
        // Leading zeros and trailing zeros in the fraction add no digits.
        assert!(parse_decimal("x", "000123.4500").is_ok());
        assert!(parse_decimal("x", "0.1234567890123456789012345678").is_ok());
        assert!(parse_decimal("x", "1.1234567890123456789012345678").is_err());
    }

    #[test]
    fn overflow_is_an_error() {
        let a = Money::new(Decimal::MAX, Currency::USD);
        assert!(a.checked_add(a).is_err());
        assert!(a.checked_mul(dec!(2)).is_err());
    }

    #[test]
    fn serialises_amount_as_a_string() {
        let m = Money::new(dec!(6000000000.00), Currency::USD);
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"amount":"6000000000.00","currency":"USD"}"#);
        let back: Money = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn parses_plain_decimals_only() {
        assert_eq!(parse_decimal("x", "15.25").unwrap(), dec!(15.25));
        assert_eq!(parse_decimal("x", "-5").unwrap(), dec!(-5));
        for bad in [
            "", "1e9", "1,000", "1.2.3", "abc", ".", "--1", "0x10", "NaN",
        ] {
            let e = parse_decimal("pre_money", bad).unwrap_err();
            assert_eq!(e.field(), Some("pre_money"), "{bad}");
        }
        assert!(parse_decimal("x", "123456789012345678901234567890").is_err());
    }

    #[test]
    fn parses_money_in_the_book_currency() {
        let m = Money::parse("amount", "USD 6000000000", Currency::USD).unwrap();
        assert_eq!(m.amount, dec!(6000000000));
        assert!(Money::parse("amount", "EUR 5", Currency::USD).is_err());
        assert!("usd".parse::<Currency>().is_err());
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(group_thousands("24000000000.00"), "24,000,000,000.00");
        assert_eq!(group_thousands("-1234.5"), "-1,234.5");
        assert_eq!(group_thousands("999"), "999");
    }
}
