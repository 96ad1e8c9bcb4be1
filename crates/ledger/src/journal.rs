//! The journal: append-only, effective-dated entries. The cap table on any
//! date is a fold over the entries effective on or before it.
//!
//! An entry is never changed. A mistake is undone by a `Reversal` that names
//! the entry and gives a reason; the reversal has its own effective date.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::{
    ClassId, ConvertibleTerms, EntryId, PlanId, Provenance, RoundId, StakeholderId,
};
use crate::money::Money;
use crate::rounding::RoundingPolicy;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: EntryId,
    /// The date the movement takes effect in the cap table.
    pub effective: NaiveDate,
    /// When it was written to the book (UTC).
    pub recorded_at: DateTime<Utc>,
    #[serde(flatten)]
    pub movement: Movement,
    pub memo: Option<String>,
    pub provenance: Provenance,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Movement {
    /// New shares issued to a holder (for cash, services or founders' stock).
    StockIssuance {
        holder: StakeholderId,
        class: ClassId,
        shares: u64,
        price_per_share: Option<Money>,
        round: Option<RoundId>,
    },
    /// Options granted from an equity plan.
    OptionGrant {
        holder: StakeholderId,
        plan: PlanId,
        options: u64,
        exercise_price: Money,
        expires: Option<NaiveDate>,
    },
    /// Options of a grant exercised into shares of the plan's class.
    Exercise { grant: EntryId, options: u64 },
    /// Shares moved between holders (a secondary sale or a gift).
    Transfer {
        from: StakeholderId,
        to: StakeholderId,
        class: ClassId,
        shares: u64,
        price_per_share: Option<Money>,
    },
    /// Issued shares cancelled (retired).
    StockCancellation {
        holder: StakeholderId,
        class: ClassId,
        shares: u64,
    },
    /// Unexercised options cancelled; they return to the plan's pool.
    OptionCancellation { grant: EntryId, options: u64 },
    /// Shares bought back by the company and retired.
    Repurchase {
        holder: StakeholderId,
        class: ClassId,
        shares: u64,
        price_per_share: Money,
    },
    /// Shares added to an equity plan's reserve (a plan's first reserve is one of these).
    PoolIncrease { plan: PlanId, shares: u64 },
    /// Shares of one class converted into another (preferred to common, say).
    StockConversion {
        holder: StakeholderId,
        from_class: ClassId,
        shares: u64,
        to_class: ClassId,
        resulting_shares: u64,
    },
    /// A SAFE or a convertible note, with its terms.
    ConvertibleIssuance {
        holder: StakeholderId,
        terms: ConvertibleTerms,
    },
    /// A SAFE or note converted into shares; the instrument is extinguished.
    ConvertibleConversion {
        instrument: EntryId,
        class: ClassId,
        shares: u64,
    },
    /// A class's conversion ratio (common shares per share) is set to `new_ratio` from this
    /// entry's effective date on, e.g. by an anti-dilution adjustment after a down round
    /// (OCF's TX_STOCK_CLASS_CONVERSION_RATIO_ADJUSTMENT). Before the first one, a class
    /// converts at `ShareClass::conversion_ratio`. Reversing one removes it from the
    /// class's history: the ratio it replaced (or a later adjustment's) is in force again.
    ConversionRatioAdjustment {
        class: ClassId,
        #[serde(with = "rust_decimal::serde::str")]
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        new_ratio: Decimal,
        reason: String,
    },
    /// Every share of `class` becomes `numerator / denominator` shares from this entry's
    /// effective date on: 2:1 is a forward split, 1:10 a reverse split (a combination).
    /// Each holding and each grant of the class's plans is multiplied and rounded by
    /// `rounding` (its `shares` rule; the fractions dropped are what the company pays
    /// as cash in lieu); exercise prices and the class's original issue price are
    /// divided by the ratio, and the conversion ratio of every class in
    /// `converting_classes` (those that convert into this class) is multiplied by it.
    /// docs/captable.md gives the rules and their sources. The rounding and the classes
    /// are recorded with the entry so that a later change of the book's settings or a
    /// class added later never changes what the split did. A split is reversed only as
    /// of its own date: as if it never happened.
    StockSplit {
        class: ClassId,
        numerator: u64,
        denominator: u64,
        rounding: RoundingPolicy,
        converting_classes: Vec<ClassId>,
    },
    /// The charter's authorised shares of a class set to `authorized` from this entry's
    /// effective date on (OCF's TX_STOCK_CLASS_AUTHORIZED_SHARES_ADJUSTMENT). Reversing one
    /// puts the number it replaced back in force.
    AuthorizedSharesAdjustment { class: ClassId, authorized: u64 },
    /// Undoes an earlier entry from this entry's effective date on.
    Reversal { reverses: EntryId, reason: String },
}

impl Movement {
    /// The name used in the journal, the JSON and the store.
    pub fn kind(&self) -> &'static str {
        match self {
            Movement::StockIssuance { .. } => "stock-issuance",
            Movement::OptionGrant { .. } => "option-grant",
            Movement::Exercise { .. } => "exercise",
            Movement::Transfer { .. } => "transfer",
            Movement::StockCancellation { .. } => "stock-cancellation",
            Movement::OptionCancellation { .. } => "option-cancellation",
            Movement::Repurchase { .. } => "repurchase",
            Movement::PoolIncrease { .. } => "pool-increase",
            Movement::StockConversion { .. } => "stock-conversion",
            Movement::ConvertibleIssuance { .. } => "convertible-issuance",
            Movement::ConvertibleConversion { .. } => "convertible-conversion",
            Movement::ConversionRatioAdjustment { .. } => "conversion-ratio-adjustment",
            Movement::StockSplit { .. } => "stock-split",
            Movement::AuthorizedSharesAdjustment { .. } => "authorized-shares-adjustment",
            Movement::Reversal { .. } => "reversal",
        }
    }
}
