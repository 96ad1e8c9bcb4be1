//! Numbers as a finance reader reads them: "$24.0B" in headlines and on chart axes, the exact
//! amount ("$24,000,000,000.00") in tables. Every money figure is formatted from a Decimal;
//! only chart tick labels start from a float, because ticks are chart coordinates.

use roundbook_ledger::money::group_thousands;
use roundbook_ledger::{Currency, Money};
use rust_decimal::prelude::FromPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

/// The symbol a reader expects before an amount; other currencies keep their ISO code.
pub fn currency_prefix(currency: Currency) -> String {
    match currency.as_str() {
        "USD" => "$".into(),
        "EUR" => "€".into(),
        "GBP" => "£".into(),
        "JPY" => "¥".into(),
        code => format!("{code} "),
    }
}

/// The exact amount with thousands separators and at least the cents: "$24,000,000,000.00".
/// Amounts with more places (a price per share of 1.12500) keep them.
pub fn exact_money(m: Money) -> String {
    signed(m.amount, &currency_prefix(m.currency), |a| {
        group_thousands(&Money::new(a, m.currency).tidy().amount.to_string())
    })
}

/// Three significant figures and a unit: $24.0B, $1.35B, $135M, $950. Rounds half away from
/// zero, and carries into the next unit ($999.96M is $1.00B).
pub fn short_money(amount: Decimal, currency: Currency) -> String {
    signed(amount, &currency_prefix(currency), short_magnitude)
}

/// Whole shares with thousands separators.
pub fn shares(n: u64) -> String {
    group_thousands(&n.to_string())
}

/// A percentage already in percent (as the cap table gives it), to `places` decimals.
pub fn percent(p: Decimal, places: u32) -> String {
    let mut r = p.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(places);
    format!("{r}%")
}

/// A probability in 0..=1 (a simulation statistic) as a percentage with one decimal.
pub fn probability(p: f64) -> String {
    if p.is_finite() {
        format!("{:.1}%", p * 100.0)
    } else {
        "n/a".into()
    }
}

/// An axis tick (a chart coordinate) as a short amount.
pub fn tick_money(value: f64, currency: Currency) -> String {
    match Decimal::from_f64(value) {
        Some(d) => short_money(d, currency),
        None => String::new(),
    }
}

fn signed(amount: Decimal, prefix: &str, body: impl Fn(Decimal) -> String) -> String {
    if amount.is_sign_negative() && !amount.is_zero() {
        format!("-{prefix}{}", body(-amount))
    } else {
        format!("{prefix}{}", body(amount.abs()))
    }
}

const UNITS: [(u32, &str); 4] = [(12, "T"), (9, "B"), (6, "M"), (3, "K")];

fn short_magnitude(a: Decimal) -> String {
    if a.is_zero() {
        return "0".into();
    }
    if a < Decimal::ONE_HUNDRED {
        // Small amounts in dollars and cents: $12.50.
        let mut r = a.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        r.rescale(2);
        return r.to_string();
    }
    // Three significant figures: r in 100..=999 times 10^(digits - 3).
    let mut digits = a.trunc().to_string().len() as u32;
    let mut r = (a / pow10(digits - 3))
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .trunc();
    if r >= Decimal::from(1000) {
        // 999.6 rounds to 1000: one more digit, and maybe the next unit.
        r = Decimal::ONE_HUNDRED;
        digits += 1;
    }
    let Some((exp, unit)) = UNITS.iter().find(|(exp, _)| *exp < digits) else {
        return r.to_string();
    };
    // The value in its unit is r x 10^(digits - 3 - exp), with 0 to 2 decimals.
    let shift = digits as i64 - 3 - *exp as i64;
    let shown = if shift >= 0 {
        r * pow10(shift as u32)
    } else {
        let mut v = r / pow10((-shift) as u32);
        v.rescale((-shift) as u32);
        v
    };
    format!("{shown}{unit}")
}

fn pow10(n: u32) -> Decimal {
    Decimal::from_i128_with_scale(10i128.pow(n), 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn usd(s: &str) -> Money {
        Money::new(Decimal::from_str_exact(s).unwrap(), Currency::USD)
    }

    #[test]
    fn headline_amounts_read_as_a_finance_reader_writes_them() {
        // xAI's public Series B figures: $6B at $18B pre-money, $24B post-money.
        let cases = [
            ("24000000000", "$24.0B"),
            ("18000000000", "$18.0B"),
            ("6000000000", "$6.00B"),
            ("1350000000", "$1.35B"),
            ("135000000", "$135M"),
            ("999960000", "$1.00B"),
            ("999400000", "$999M"),
            ("12500", "$12.5K"),
            ("950", "$950"),
            ("0", "$0"),
            ("12.345", "$12.35"),
            ("2.5", "$2.50"),
            ("-2500000", "-$2.50M"),
            ("72000000000000", "$72.0T"),
            ("1234567000000000", "$1230T"),
        ];
        for (amount, shown) in cases {
            assert_eq!(
                short_money(Decimal::from_str_exact(amount).unwrap(), Currency::USD),
                shown,
                "{amount}"
            );
        }
    }

    #[test]
    fn exact_amounts_keep_every_digit() {
        assert_eq!(exact_money(usd("24000000000")), "$24,000,000,000.00");
        assert_eq!(exact_money(usd("1.12500")), "$1.125");
        assert_eq!(exact_money(usd("-1234.5")), "-$1,234.50");
        assert_eq!(
            exact_money(Money::new(Decimal::from(7), "EUR".parse().unwrap())),
            "€7.00"
        );
        assert_eq!(shares(1_600_000_000), "1,600,000,000");
        assert_eq!(
            percent(Decimal::from_str_exact("56.2500000000").unwrap(), 2),
            "56.25%"
        );
        assert_eq!(
            percent(Decimal::from_str_exact("3.3333333333").unwrap(), 2),
            "3.33%"
        );
    }

    proptest! {
        /// The exact form drops nothing: remove the separators and the prefix and it parses
        /// back to the same amount.
        #[test]
        fn exact_money_round_trips(units in -10i64.pow(15)..10i64.pow(15), scale in 0u32..6) {
            let amount = Decimal::new(units, scale);
            let text = exact_money(Money::new(amount, Currency::USD));
            let back = Decimal::from_str_exact(&text.replace(['$', ','], "")).unwrap();
            prop_assert_eq!(back, amount);
        }

        /// The short form is within half a unit in the third significant figure of the amount.
        #[test]
        fn short_money_is_within_rounding(units in 1i64..10i64.pow(15)) {
            let amount = Decimal::from(units);
            let text = short_money(amount, Currency::USD);
            let body = text.trim_start_matches('$');
            let (number, unit) = match body.chars().last() {
                Some(c @ ('K' | 'M' | 'B' | 'T')) => (&body[..body.len() - 1], c),
                _ => (body, ' '),
            };
            let mult = match unit { 'K' => 1e3, 'M' => 1e6, 'B' => 1e9, 'T' => 1e12, _ => 1.0 };
            let shown: f64 = number.parse::<f64>().unwrap() * mult;
            let exact = units as f64;
            // Three significant figures: relative error at most 0.5% (plus float noise).
            prop_assert!((shown - exact).abs() <= exact * 0.005 + 0.5, "{} for {}", text, units);
            let digits = number.chars().filter(|c| c.is_ascii_digit()).count();
            prop_assert!(digits == 3 || (unit == ' ' && units < 100) || (digits >= 4 && unit == 'T'), "{} for {}", text, units);
        }
    }
}
