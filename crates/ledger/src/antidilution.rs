//! Price-based anti-dilution: a preferred class's new conversion price after shares are
//! issued below its conversion price (a down round), and the conversion ratio adjustment
//! that records it in the journal. docs/antidilution.md states every rule and its source;
//! in short:
//!
//! - CP1, the conversion price in force before the issue, is `OIP / ratio`, the ratio in
//!   force at the end of the day before the issue date (the class's own, or the last
//!   `ConversionRatioAdjustment`).
//! - Nothing changes unless the new price is below CP1.
//! - **Weighted average** (NVCA model certificate of incorporation):
//!   `CP2 = CP1 x (A + B) / (A + C)`, where A = shares deemed outstanding before the issue,
//!   B = new money / CP1 (the shares the money would buy at CP1) and C = the new shares.
//!   *Broad-based*: A = fully diluted shares (docs/captable.md: outstanding as converted +
//!   options outstanding + options available for grant). *Narrow-based*: A = the
//!   outstanding shares of every preferred class, as converted; common, options and the
//!   pool are left out.
//! - **Full ratchet**: CP2 = the new price.
//! - CP2 is rounded by the `RoundingPolicy`'s price rule (`price_decimals`,
//!   `price_direction`; by default *up* to 5 decimals, so the protected holders never get
//!   a lower price than the formula gives). If the rounded CP2 is not below CP1, nothing
//!   changes.
//! - The new conversion ratio is `OIP / CP2` (common shares per share), exact to 28
//!   significant digits; the cap table rounds shares x ratio per holding by the policy's
//!   `conversion` rule.
//!
//! A, B and C count common-equivalent shares: `new_price` is the price of one new share
//! and `new_shares` are assumed to convert one for one (a new series at its own OIP).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::book::Book;
use crate::domain::{AntiDilution, ClassId, ClassKind};
use crate::error::{LedgerError, Result};
use crate::journal::Movement;
use crate::money::Money;
use crate::rounding::RoundingPolicy;

fn overflow() -> LedgerError {
    LedgerError::invalid(
        "new_shares",
        "the adjustment is too large to compute exactly",
    )
}

/// CP2 before rounding by the weighted-average formula `CP1 x (A + B) / (A + C)` with
/// `B = new_money / CP1`. It is computed as `(CP1 x A + new_money) / (A + C)`, the same
/// quotient with a single division, so the only inexact step is that division (28
/// significant digits).
pub fn weighted_average_price(cp1: Decimal, a: u64, new_money: Decimal, c: u64) -> Result<Decimal> {
    if cp1 <= Decimal::ZERO {
        return Err(LedgerError::invalid(
            "conversion_price",
            "must be greater than zero",
        ));
    }
    if c == 0 {
        return Err(LedgerError::invalid(
            "new_shares",
            "must be greater than zero",
        ));
    }
    if new_money < Decimal::ZERO {
        return Err(LedgerError::invalid("new_money", "cannot be negative"));
    }
    let numerator = cp1
        .checked_mul(Decimal::from(a))
        .and_then(|x| x.checked_add(new_money))
        .ok_or_else(overflow)?;
    let denominator = Decimal::from(a) + Decimal::from(c);
    numerator.checked_div(denominator).ok_or_else(overflow)
}

/// A new conversion price: exact, and as the policy rounds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewPrice {
    pub exact: Decimal,
    pub rounded: Decimal,
}

/// The conversion price after issuing `new_shares` at `new_price` (amounts in the
/// protected class's currency), for a class converting at `cp1` with `a` shares deemed
/// outstanding (ignored by a full ratchet). `None` when the method is `None`, the new price
/// is not below CP1, or the rounded CP2 is not below CP1.
pub fn new_conversion_price(
    method: AntiDilution,
    cp1: Decimal,
    a: u64,
    new_price: Decimal,
    new_shares: u64,
    rounding: &RoundingPolicy,
) -> Result<Option<NewPrice>> {
    rounding.validate()?;
    if new_price <= Decimal::ZERO {
        return Err(LedgerError::invalid(
            "new_price",
            "must be greater than zero",
        ));
    }
    if new_price >= cp1 {
        return Ok(None);
    }
    let exact = match method {
        AntiDilution::None => return Ok(None),
        AntiDilution::FullRatchet => new_price,
        AntiDilution::BroadBasedWeightedAverage | AntiDilution::NarrowBasedWeightedAverage => {
            let money = new_price
                .checked_mul(Decimal::from(new_shares))
                .ok_or_else(overflow)?;
            weighted_average_price(cp1, a, money, new_shares)?
        }
    };
    let rounded = rounding.round_price(exact);
    if rounded <= Decimal::ZERO {
        return Err(LedgerError::invalid(
            "new_price",
            format!(
                "the new conversion price {exact} rounds to zero at {} decimals",
                rounding.price_decimals
            ),
        ));
    }
    if rounded >= cp1 {
        return Ok(None);
    }
    Ok(Some(NewPrice { exact, rounded }))
}

/// What a dilutive issue does to a protected class: every input and step, and the
/// journal movement that records it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Adjustment {
    pub class: ClassId,
    pub class_name: String,
    /// The date of the dilutive issue; the adjustment is effective on it.
    pub date: NaiveDate,
    pub method: AntiDilution,
    pub original_issue_price: Money,
    /// The conversion ratio in force before the issue.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub old_ratio: Decimal,
    /// CP1 = OIP / old ratio (to 28 significant digits).
    pub old_conversion_price: Money,
    pub new_price: Money,
    /// C: the new shares issued.
    pub new_shares: u64,
    /// new price x new shares: the money B is computed from.
    pub new_money: Money,
    /// A: shares deemed outstanding before the issue (weighted average only).
    pub shares_deemed_outstanding: Option<u64>,
    /// B = new money / CP1 (weighted average only), exact to 28 significant digits.
    #[serde(with = "crate::money::opt_decimal_str")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub shares_at_old_price: Option<Decimal>,
    /// CP2 before rounding.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub exact_conversion_price: Decimal,
    /// CP2 as the rounding policy's price rule rounds it.
    pub new_conversion_price: Money,
    /// OIP / CP2: common shares per share from the date on.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub new_ratio: Decimal,
    pub rounding: RoundingPolicy,
    /// How CP2 was rounded, in words.
    pub rounding_rule: String,
    /// The reason recorded with the adjustment.
    pub reason: String,
}

impl Adjustment {
    /// The journal movement that records this adjustment (to record on `date`).
    pub fn movement(&self) -> Movement {
        Movement::ConversionRatioAdjustment {
            class: self.class,
            new_ratio: self.new_ratio,
            reason: self.reason.clone(),
        }
    }
}

/// The anti-dilution adjustment a class is due when `new_shares` are issued at `new_price`
/// on `date`, per the class's `anti_dilution` terms; `None` when it has none or the issue
/// is not dilutive (see the module's rules). Records nothing: record `Adjustment::movement`
/// on `date` to apply it.
///
/// A and CP1 are read at the end of the day before `date`, so the dilutive issue itself,
/// recorded on `date` before or after this call, never counts in A.
pub fn anti_dilution_adjustment(
    book: &Book,
    class: ClassId,
    date: NaiveDate,
    new_price: Money,
    new_shares: u64,
    rounding: &RoundingPolicy,
) -> Result<Option<Adjustment>> {
    rounding.validate()?;
    book.check_date("date", date)?;
    let c = book
        .class(class)
        .ok_or_else(|| LedgerError::unknown("class", format!("no share class #{class}")))?;
    book.check_currency("new_price", &new_price)?;
    if !new_price.is_positive() {
        return Err(LedgerError::invalid(
            "new_price",
            "must be greater than zero",
        ));
    }
    if new_shares == 0 || new_shares > crate::MAX_SHARES {
        return Err(LedgerError::invalid(
            "new_shares",
            format!(
                "must be between 1 and {} (got {new_shares})",
                crate::MAX_SHARES
            ),
        ));
    }
    if c.anti_dilution == AntiDilution::None {
        return Ok(None);
    }
    let oip = c.original_issue_price.ok_or_else(|| {
        LedgerError::conflict(
            "class",
            format!(
                "{} has no original issue price to take a conversion price from",
                c.name
            ),
        )
    })?;
    // The end of the day before the issue.
    let before = date.pred_opt().unwrap_or(date);
    let old_ratio = book.conversion_ratio(class, before)?;
    let cp1 = oip.amount.checked_div(old_ratio).ok_or_else(overflow)?;
    if new_price.amount >= cp1 {
        return Ok(None);
    }
    let a = match c.anti_dilution {
        AntiDilution::BroadBasedWeightedAverage => {
            Some(book.cap_table(before, rounding)?.totals.fully_diluted)
        }
        AntiDilution::NarrowBasedWeightedAverage => Some(
            book.cap_table(before, rounding)?
                .classes
                .iter()
                .filter(|row| row.kind == ClassKind::Preferred)
                .map(|row| row.as_converted)
                .sum(),
        ),
        AntiDilution::FullRatchet | AntiDilution::None => None,
    };
    let Some(price) = new_conversion_price(
        c.anti_dilution,
        cp1,
        a.unwrap_or(0),
        new_price.amount,
        new_shares,
        rounding,
    )?
    else {
        return Ok(None);
    };
    let new_money = new_price.checked_mul(Decimal::from(new_shares))?;
    let shares_at_old_price = match a {
        Some(_) => Some(new_money.amount.checked_div(cp1).ok_or_else(overflow)?),
        None => None,
    };
    let new_ratio = oip.amount.checked_div(price.rounded).ok_or_else(overflow)?;
    let cur = oip.currency;
    let rounding_rule = format!(
        "conversion price {} to {} dp",
        rounding.price_direction.name(),
        rounding.price_decimals
    );
    let reason = format!(
        "{} anti-dilution: {new_shares} shares issued at {} on {date}; conversion price {} -> {} ({rounding_rule}); ratio {old_ratio} -> {new_ratio}",
        c.anti_dilution.name(),
        new_price.amount,
        cp1.normalize(),
        price.rounded,
    );
    Ok(Some(Adjustment {
        class,
        class_name: c.name.clone(),
        date,
        method: c.anti_dilution,
        original_issue_price: oip,
        old_ratio,
        old_conversion_price: Money::new(cp1, cur),
        new_price,
        new_shares,
        new_money,
        shares_deemed_outstanding: a,
        shares_at_old_price,
        exact_conversion_price: price.exact,
        new_conversion_price: Money::new(price.rounded, cur),
        new_ratio,
        rounding: rounding.clone(),
        rounding_rule,
        reason,
    }))
}
