//! Roundbook's ledger: the pure domain. Money, share classes, the append-only
//! journal, the cap table as of any date, and priced rounds.
//!
//! This crate does no I/O, knows no SQL and no UI, and never puts money through
//! a float. Everything that rounds takes a [`RoundingPolicy`].

pub mod antidilution;
pub mod book;
pub mod calendar;
pub mod captable;
pub mod deal;
pub mod domain;
pub mod error;
pub mod example;
pub mod exit;
pub mod head;
pub mod interest;
pub mod journal;
pub mod model;
pub mod money;
pub mod round;
pub mod rounding;
pub mod split;
pub mod standing;
mod timeline;
pub mod vesting;
pub mod waterfall;

pub use book::{Added, Book, Mark, NewClass, NewPlan, NewStakeholder, NewValuation};
pub use captable::CapTable;
pub use domain::*;
pub use error::{ErrorCode, LedgerError, Result};
pub use head::{GrantAccount, Head, PlanAccount, Touched};
pub use journal::{Entry, Movement};
pub use model::{
    AntiDilutionPricing, ConversionBasis, ConversionClass, Conversions, ModelOutcome, PoolSize,
    PoolTiming, PoolTopUp, PricingMethod, ProRataSizing, RoundModel, RoundValuation, SizedGrant,
    SizedGrantKind,
};
pub use money::{Currency, Money};
pub use round::{pre_money_at, price_round, Investment, PricedRound, PricedRoundOutcome};
pub use rounding::{PriceDirection, PriceRule, RoundingPolicy, ShareRounding};
pub use split::{parse_split_ratio, SplitEffect, SplitGrant, SplitHolding, SplitPlan};

/// The most shares (or options) one entry may move: 10^15, far beyond any real
/// company, and small enough that sums of many such counts never overflow.
pub const MAX_SHARES: u64 = 1_000_000_000_000_000;
