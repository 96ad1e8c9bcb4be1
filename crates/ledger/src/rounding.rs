//! RoundingPolicy: every rule that rounds, named, with a default and its source.
//!
//! Nothing in the ledger rounds except through this value, and every output
//! that rounded something carries the policy it used.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::error::LedgerError;

/// How a price is brought to a fixed number of decimals.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PriceDirection {
    /// Away from zero: the company never sells a share for less than the exact price.
    Up,
    /// Toward zero.
    Down,
    /// Nearest, ties away from zero (the schoolbook rule).
    HalfUp,
    /// Nearest, ties to even (banker's rounding).
    HalfEven,
}

/// How a fractional share count becomes a whole one.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShareRounding {
    Floor,
    Ceiling,
    /// Nearest, ties up (OCF's NORMAL).
    Nearest,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundingPolicy {
    /// Decimals kept in a price per share (0..=10; OCF Numeric holds 10).
    pub price_decimals: u32,
    pub price_direction: PriceDirection,
    /// Shares bought for cash in a round.
    pub shares: ShareRounding,
    /// Shares that come from a conversion (preferred to common, SAFEs, notes).
    pub conversion: ShareRounding,
    /// Decimals kept in an amount of cash a computation produces (shares x price),
    /// rounded half-up: 2, cents, as a purchase agreement states a purchase price.
    #[serde(default = "two")]
    pub cash_decimals: u32,
    /// An option pool top-up sized to a target: ceiling by default, so the target is met.
    #[serde(default = "ceiling")]
    pub pool: ShareRounding,
    /// A SAFE's or note's cap price (the cap over its capitalisation), when a document rounds
    /// it apart from the round's price; none: as the round's price (`price_decimals`,
    /// `price_direction`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_price: Option<PriceRule>,
    /// A SAFE's or note's discount price (the round's price less the discount), likewise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_price: Option<PriceRule>,
    /// A share count a price divides by (the round price's denominator, a SAFE's "Company
    /// Capitalization") brought to whole shares before the division, as YC's post-money SAFE
    /// user guide does (11,764,705.88 is used as 11,764,705); none: exact (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capitalisation: Option<ShareRounding>,
}

/// Decimals and a direction for one kind of price.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceRule {
    pub decimals: u32,
    pub direction: PriceDirection,
}

impl PriceRule {
    /// `exact` to the rule's decimals, shown with that many.
    pub fn round(self, exact: Decimal) -> Decimal {
        let mut p = exact.round_dp_with_strategy(self.decimals, strategy_of(self.direction));
        p.rescale(self.decimals);
        p
    }

    pub fn describe(self) -> String {
        format!("{} to {} dp", self.direction.name(), self.decimals)
    }
}

fn ceiling() -> ShareRounding {
    ShareRounding::Ceiling
}

fn two() -> u32 {
    2
}

impl Default for RoundingPolicy {
    /// Price per share rounded *up* to 5 decimals, shares rounded *down*.
    ///
    /// Sources: 1984vc/startup-finance (`utils/rounding.ts`: "legal spreadsheets tend to
    /// round PPS up to 5 decimal places"); YC's post-money SAFE ("rounded down to the
    /// nearest whole share"); Ledgy's scenario setting "round the number of shares down".
    /// Rounding the price up and the shares down means no investor gets a share for
    /// less than the price the board approved.
    fn default() -> Self {
        RoundingPolicy {
            price_decimals: 5,
            price_direction: PriceDirection::Up,
            shares: ShareRounding::Floor,
            conversion: ShareRounding::Floor,
            cash_decimals: 2,
            pool: ShareRounding::Ceiling,
            cap_price: None,
            discount_price: None,
            capitalisation: None,
        }
    }
}

pub const MAX_PRICE_DECIMALS: u32 = 10;

impl RoundingPolicy {
    /// An amount of cash rounded to `cash_decimals`, half-up, shown with that many decimals.
    pub fn round_cash(&self, amount: crate::money::Money) -> crate::money::Money {
        let mut a = amount
            .amount
            .round_dp_with_strategy(self.cash_decimals, RoundingStrategy::MidpointAwayFromZero);
        a.rescale(self.cash_decimals);
        crate::money::Money::new(a, amount.currency)
    }

    pub fn validate(&self) -> Result<(), LedgerError> {
        if self.cash_decimals > MAX_PRICE_DECIMALS {
            return Err(LedgerError::invalid(
                "cash_decimals",
                format!(
                    "{} is more than {MAX_PRICE_DECIMALS} decimals",
                    self.cash_decimals
                ),
            ));
        }
        let decimals = [
            ("price_decimals", Some(self.price_decimals)),
            ("cap_price_decimals", self.cap_price.map(|r| r.decimals)),
            (
                "discount_price_decimals",
                self.discount_price.map(|r| r.decimals),
            ),
        ];
        for (field, d) in decimals {
            if let Some(d) = d.filter(|d| *d > MAX_PRICE_DECIMALS) {
                return Err(LedgerError::invalid(
                    field,
                    format!("{d} is more than {MAX_PRICE_DECIMALS} decimals"),
                ));
            }
        }
        Ok(())
    }

    /// The round's own price rule.
    pub fn price_rule(&self) -> PriceRule {
        PriceRule {
            decimals: self.price_decimals,
            direction: self.price_direction,
        }
    }

    pub fn round_price(&self, exact: Decimal) -> Decimal {
        exact.round_dp_with_strategy(self.price_decimals, strategy_of(self.price_direction))
    }

    /// The rule a conversion price of this basis is rounded by: its own when one is set,
    /// else the round's price rule.
    pub fn conversion_price_rule(&self, basis: crate::model::ConversionBasis) -> PriceRule {
        use crate::model::ConversionBasis;
        match basis {
            ConversionBasis::Cap => self.cap_price,
            ConversionBasis::Discount => self.discount_price,
            ConversionBasis::RoundPrice => None,
        }
        .unwrap_or_else(|| self.price_rule())
    }

    /// A share count a price divides by, whole if the policy says so.
    pub fn capitalisation(&self, exact: Decimal) -> Result<Decimal, LedgerError> {
        match self.capitalisation {
            None => Ok(exact),
            Some(rule) => Ok(Decimal::from(rule.apply(exact)?)),
        }
    }

    /// A one-line description for outputs: "price up to 5 dp; shares floor; conversion floor".
    pub fn describe(&self) -> String {
        format!(
            "price {} to {} dp; shares {}; conversion {}; cash half-up to {} dp; pool top-up {}",
            self.price_direction.name(),
            self.price_decimals,
            self.shares.name(),
            self.conversion.name(),
            self.cash_decimals,
            self.pool.name()
        ) + &[
            ("cap price", self.cap_price),
            ("discount price", self.discount_price),
        ]
        .iter()
        .filter_map(|(what, rule)| rule.map(|r| format!("; {what} {}", r.describe())))
        .collect::<String>()
            + &self
                .capitalisation
                .map(|r| format!("; capitalisation {}", r.name()))
                .unwrap_or_default()
    }
}

fn strategy_of(direction: PriceDirection) -> RoundingStrategy {
    match direction {
        PriceDirection::Up => RoundingStrategy::AwayFromZero,
        PriceDirection::Down => RoundingStrategy::ToZero,
        PriceDirection::HalfUp => RoundingStrategy::MidpointAwayFromZero,
        PriceDirection::HalfEven => RoundingStrategy::MidpointNearestEven,
    }
}

impl PriceDirection {
    pub fn name(self) -> &'static str {
        match self {
            PriceDirection::Up => "up",
            PriceDirection::Down => "down",
            PriceDirection::HalfUp => "half-up",
            PriceDirection::HalfEven => "half-even",
        }
    }
}

impl ShareRounding {
    pub fn name(self) -> &'static str {
        match self {
            ShareRounding::Floor => "floor",
            ShareRounding::Ceiling => "ceiling",
            ShareRounding::Nearest => "nearest",
        }
    }

    /// Rounds a non-negative exact share count to a whole number.
    pub fn apply(self, exact: Decimal) -> Result<u64, LedgerError> {
        let whole = match self {
            ShareRounding::Floor => exact.floor(),
            ShareRounding::Ceiling => exact.ceil(),
            ShareRounding::Nearest => {
                exact.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
            }
        };
        u64::try_from(whole).map_err(|_| {
            LedgerError::invalid(
                "shares",
                format!("{exact} is not a share count that can be held"),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ConversionBasis;
    use rust_decimal_macros::dec;

    /// A conversion price takes its own rule when one is set, else the round's; a round-price
    /// conversion always takes the round's.
    #[test]
    fn a_conversion_price_is_rounded_by_its_own_rule_or_the_prices() {
        let mut p = RoundingPolicy::default();
        let exact = dec!(1.494008);
        assert_eq!(
            p.conversion_price_rule(ConversionBasis::Discount)
                .round(exact),
            dec!(1.49401)
        );
        p.discount_price = Some(PriceRule {
            decimals: 4,
            direction: PriceDirection::Down,
        });
        let rule = p.conversion_price_rule(ConversionBasis::Discount);
        assert_eq!(
            rule.round(exact).to_string(),
            "1.4940",
            "shown with its 4 decimals"
        );
        assert_eq!(
            p.conversion_price_rule(ConversionBasis::Cap),
            p.price_rule()
        );
        assert_eq!(
            p.conversion_price_rule(ConversionBasis::RoundPrice),
            p.price_rule()
        );
        assert!(p.describe().ends_with("; discount price down to 4 dp"));
        p.cap_price = Some(PriceRule {
            decimals: 11,
            direction: PriceDirection::Up,
        });
        assert_eq!(
            p.validate().unwrap_err().field(),
            Some("cap_price_decimals")
        );
    }
}
