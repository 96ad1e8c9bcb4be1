//! The things a book records, besides its journal of share movements.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::{Currency, Money};
use crate::rounding::RoundingPolicy;

macro_rules! id_type {
    ($($name:ident),*) => {$(
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    )*};
}
id_type!(
    StakeholderId,
    ClassId,
    PlanId,
    RoundId,
    EntryId,
    ValuationId
);

/// Where a recorded fact comes from. The shipped example mixes public facts
/// with illustrative figures, and every view labels which is which.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Provenance {
    /// Entered by the user: the book's own record.
    #[default]
    Recorded,
    /// A public fact; the sources are listed in the example's assets.
    Public,
    /// Made up to complete an example; not a fact about the company.
    Illustrative,
}

impl Provenance {
    pub fn name(self) -> &'static str {
        match self {
            Provenance::Recorded => "recorded",
            Provenance::Public => "public",
            Provenance::Illustrative => "illustrative",
        }
    }
    pub fn parse(s: &str) -> Option<Provenance> {
        match s {
            "recorded" => Some(Provenance::Recorded),
            "public" => Some(Provenance::Public),
            "illustrative" => Some(Provenance::Illustrative),
            _ => None,
        }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Company {
    pub name: String,
    pub legal_name: String,
    /// Nothing in the book may be effective before this date.
    pub founded: NaiveDate,
    pub currency: Currency,
    pub jurisdiction: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StakeholderKind {
    Individual,
    Institution,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Relationship {
    Founder,
    Employee,
    Investor,
    Advisor,
    Board,
}

impl Relationship {
    pub const ALL: [Relationship; 5] = [
        Relationship::Founder,
        Relationship::Employee,
        Relationship::Investor,
        Relationship::Advisor,
        Relationship::Board,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Relationship::Founder => "founder",
            Relationship::Employee => "employee",
            Relationship::Investor => "investor",
            Relationship::Advisor => "advisor",
            Relationship::Board => "board",
        }
    }
    pub fn parse(s: &str) -> Option<Relationship> {
        Relationship::ALL.into_iter().find(|r| r.name() == s)
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stakeholder {
    pub id: StakeholderId,
    pub name: String,
    pub kind: StakeholderKind,
    pub relationships: Vec<Relationship>,
    pub provenance: Provenance,
    pub note: Option<String>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClassKind {
    Common,
    Preferred,
}

impl ClassKind {
    /// The kind as a cap table heads it, and as it is serialised.
    pub fn name(self) -> &'static str {
        match self {
            ClassKind::Common => "common",
            ClassKind::Preferred => "preferred",
        }
    }
}

/// What a preferred class receives beyond its preference.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Participation {
    /// Takes its preference or converts, whichever pays more.
    None,
    /// Takes its preference and then shares with common as converted.
    Full,
    /// As Full, until the total per share reaches `cap_multiple` x original issue price.
    Capped {
        #[serde(with = "rust_decimal::serde::str")]
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        cap_multiple: Decimal,
    },
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AntiDilution {
    None,
    BroadBasedWeightedAverage,
    NarrowBasedWeightedAverage,
    FullRatchet,
}

impl AntiDilution {
    pub fn name(self) -> &'static str {
        match self {
            AntiDilution::None => "none",
            AntiDilution::BroadBasedWeightedAverage => "broad-based-weighted-average",
            AntiDilution::NarrowBasedWeightedAverage => "narrow-based-weighted-average",
            AntiDilution::FullRatchet => "full-ratchet",
        }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareClass {
    pub id: ClassId,
    pub name: String,
    pub kind: ClassKind,
    /// Price paid per share when the class was first issued.
    pub original_issue_price: Option<Money>,
    /// Liquidation preference as a multiple of the original issue price (0 for common).
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub preference_multiple: Decimal,
    pub participation: Participation,
    /// Higher is paid first; equal seniority is paid pari passu (OCF's order).
    pub seniority: i32,
    /// Common shares per share of this class on conversion (1 for common).
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub conversion_ratio: Decimal,
    pub anti_dilution: AntiDilution,
    /// The charter's limit; None where the charter sets none.
    pub authorized: Option<u64>,
    pub provenance: Provenance,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EquityPlan {
    pub id: PlanId,
    pub name: String,
    /// The class that exercised options become.
    pub class: ClassId,
    pub adopted: NaiveDate,
    pub provenance: Provenance,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundingRound {
    pub id: RoundId,
    pub name: String,
    pub date: NaiveDate,
    pub class: ClassId,
    pub pre_money: Money,
    pub amount_raised: Money,
    pub post_money: Money,
    /// The price per share after rounding: what each investor paid.
    pub price_per_share: Money,
    /// Fully diluted shares just before the round (the price's denominator).
    pub pre_money_fd_shares: u64,
    pub lead: Option<StakeholderId>,
    pub rounding: RoundingPolicy,
    /// The basis of the terms: pre-money, amount raised, post-money, date.
    pub provenance: Provenance,
    /// The basis of the price per share, the share counts, the lead and each investor's
    /// amount. The shipped example's terms are public and these are not.
    pub price_provenance: Provenance,
    pub note: Option<String>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SafeTiming {
    PreMoney,
    PostMoney,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DayCount {
    Act365,
    Thirty360,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compounding {
    Simple,
    Compound,
}

/// The terms of a SAFE or a convertible note, recorded as signed. Their
/// conversion math lives with round modelling, not here.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "instrument", rename_all = "lowercase")]
pub enum ConvertibleTerms {
    Safe {
        investment: Money,
        timing: SafeTiming,
        valuation_cap: Option<Money>,
        #[serde(with = "crate::money::opt_decimal_str", default)]
        #[cfg_attr(feature = "ts", ts(type = "string | null"))]
        discount: Option<Decimal>,
        mfn: bool,
    },
    Note {
        principal: Money,
        #[serde(with = "rust_decimal::serde::str")]
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        interest_rate: Decimal,
        compounding: Compounding,
        day_count: DayCount,
        maturity: NaiveDate,
        valuation_cap: Option<Money>,
        #[serde(with = "crate::money::opt_decimal_str", default)]
        #[cfg_attr(feature = "ts", ts(type = "string | null"))]
        discount: Option<Decimal>,
    },
}

impl ConvertibleTerms {
    pub fn amount(&self) -> Money {
        match self {
            ConvertibleTerms::Safe { investment, .. } => *investment,
            ConvertibleTerms::Note { principal, .. } => *principal,
        }
    }
    pub fn label(&self) -> &'static str {
        match self {
            ConvertibleTerms::Safe { .. } => "SAFE",
            ConvertibleTerms::Note { .. } => "convertible note",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ValuationKind {
    /// An independent 409A appraisal of the common stock.
    FourOhNineA,
    /// The price set by a priced round.
    RoundMark,
}

impl ValuationKind {
    pub fn name(self) -> &'static str {
        match self {
            ValuationKind::FourOhNineA => "409a",
            ValuationKind::RoundMark => "round-mark",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Valuation {
    pub id: ValuationId,
    pub kind: ValuationKind,
    pub effective: NaiveDate,
    pub class: ClassId,
    pub price_per_share: Money,
    /// The company's valuation where one was stated (post-money for a round mark).
    pub company_value: Option<Money>,
    pub provider: Option<String>,
    pub round: Option<RoundId>,
    pub provenance: Provenance,
}
