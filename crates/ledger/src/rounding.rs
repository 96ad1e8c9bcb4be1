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
        if self.price_decimals > MAX_PRICE_DECIMALS {
            return Err(LedgerError::invalid(
                "price_decimals",
                format!(
                    "{} is more than {MAX_PRICE_DECIMALS} decimals",
                    self.price_decimals
                ),
            ));
        }
        Ok(())
    }

    pub fn round_price(&self, exact: Decimal) -> Decimal {
        let strategy = match self.price_direction {
            PriceDirection::Up => RoundingStrategy::AwayFromZero,
            PriceDirection::Down => RoundingStrategy::ToZero,
            PriceDirection::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            PriceDirection::HalfEven => RoundingStrategy::MidpointNearestEven,
        };
        exact.round_dp_with_strategy(self.price_decimals, strategy)
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
        )
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
