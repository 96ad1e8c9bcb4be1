//! Stock splits (forward and reverse) and changes of a class's authorised shares.
//!
//! The rules, with their sources, are in docs/captable.md ("Stock splits"). In short: a
//! split multiplies every holding of the class and every option of its plans by
//! numerator / denominator, each rounded on its own by the book's share rule (floor by
//! default: the fractions dropped are paid in cash in lieu, as Carta and Delaware
//! practice do); it divides exercise prices (rounded by the price rule) and the class's
//! original issue price (exactly, so the total preference does not move), multiplies the
//! conversion ratio of the classes that convert into it, and scales the class's
//! authorised shares and its plans' reserves. SAFEs and notes are amounts of money and do
//! not change.
//!
//! Every entry is written in the shares of its own effective date. So a split may not be
//! backdated under entries of its class already recorded after its date (they were
//! written in the old shares), a reversal may not reach back across a split to undo
//! pre-split shares, and a split is reversed only as of its own date.
//!
//! This module holds the split's rules as data and arithmetic, without the book: what a split
//! did (`SplitEffect`), the ratio's terms, the conversion ratio steps a split makes, and a count
//! scaled by a ratio. The book's split commands and checks are in `book::splits`; the replay
//! applies a split to every position of its class (`Timeline::split`).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::domain::{ClassId, ClassKind, EntryId, PlanId, StakeholderId};
use crate::error::{LedgerError, Result};
use crate::journal::{Entry, Movement};
use crate::rounding::ShareRounding;

/// The largest numerator or denominator a split may have: far beyond any real split
/// (Berkshire Hathaway's B shares split 50-for-1 in 2010), small enough that no share
/// count times it leaves Decimal's range.
pub const MAX_SPLIT_TERM: u64 = 1_000_000;

/// What a split did, holder by holder and grant by grant: the statement a board approves
/// and a transfer agent carries out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SplitEffect {
    pub entry: EntryId,
    pub effective: NaiveDate,
    pub class: ClassId,
    pub numerator: u64,
    pub denominator: u64,
    pub holdings: Vec<SplitHolding>,
    pub grants: Vec<SplitGrant>,
    pub plans: Vec<SplitPlan>,
    /// Authorised shares before and after (None where the class has no limit).
    pub authorized: Option<(u64, u64)>,
    /// The original issue price per share before and after.
    pub original_issue_price: Option<(Decimal, Decimal)>,
    /// Each class whose conversion ratio the split changed: before and after.
    pub conversion_ratios: Vec<(ClassId, Decimal, Decimal)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SplitHolding {
    pub holder: StakeholderId,
    pub before: u64,
    pub after: u64,
    /// The fraction of a share the rounding dropped: paid as cash in lieu.
    #[serde(with = "rust_decimal::serde::str")]
    pub fraction_dropped: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SplitGrant {
    pub grant: EntryId,
    pub holder: StakeholderId,
    pub before: u64,
    pub after: u64,
    #[serde(with = "rust_decimal::serde::str")]
    pub fraction_dropped: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub exercise_price_before: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub exercise_price_after: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SplitPlan {
    pub plan: PlanId,
    pub reserved_before: u64,
    pub reserved_after: u64,
    pub available_before: u64,
    pub available_after: u64,
}

impl SplitEffect {
    pub(crate) fn new(e: &Entry, class: ClassId, numerator: u64, denominator: u64) -> Self {
        SplitEffect {
            entry: e.id,
            effective: e.effective,
            class,
            numerator,
            denominator,
            holdings: vec![],
            grants: vec![],
            plans: vec![],
            authorized: None,
            original_issue_price: None,
            conversion_ratios: vec![],
        }
    }

    /// Fractions of shares and options the rounding dropped, in total.
    pub fn fractions_dropped(&self) -> Decimal {
        self.holdings
            .iter()
            .map(|h| h.fraction_dropped)
            .chain(self.grants.iter().map(|g| g.fraction_dropped))
            .sum()
    }
}

/// A split ratio written the way a board resolution says it: "2:1", "1:10", "3-for-2".
pub fn parse_split_ratio(text: &str) -> Result<(u64, u64)> {
    let t = text.trim();
    let (n, d) = t
        .split_once(':')
        .or_else(|| t.split_once("-for-"))
        .ok_or_else(|| {
            LedgerError::invalid(
                "ratio",
                format!("'{text}' is not a ratio; write 2:1 for a 2-for-1 split, 1:10 for a 1-for-10 reverse split"),
            )
        })?;
    let term = |s: &str, what: &str| -> Result<u64> {
        s.trim().parse::<u64>().map_err(|_| {
            LedgerError::invalid(
                "ratio",
                format!(
                    "the {what} '{}' of '{text}' is not a whole number",
                    s.trim()
                ),
            )
        })
    };
    Ok((term(n, "new shares")?, term(d, "old shares")?))
}

/// The checks on a split ratio's terms alone: neither is zero or more than `MAX_SPLIT_TERM`,
/// and they differ.
pub(crate) fn check_ratio(numerator: u64, denominator: u64) -> Result<()> {
    for (value, field) in [(numerator, "numerator"), (denominator, "denominator")] {
        if value == 0 {
            return Err(LedgerError::invalid(
                field,
                format!(
                    "the split ratio {numerator}:{denominator} has a zero; a 2-for-1 split is 2:1"
                ),
            ));
        }
        if value > MAX_SPLIT_TERM {
            return Err(LedgerError::invalid(
                field,
                format!("{value} is more than {MAX_SPLIT_TERM}"),
            ));
        }
    }
    if numerator == denominator {
        return Err(LedgerError::invalid(
            "ratio",
            format!("{numerator}:{denominator} leaves every holding as it is"),
        ));
    }
    Ok(())
}

/// The conversion ratio steps a split makes: (class, multiply by, divide by). The classes
/// that convert into the split class convert into more (or fewer) of its shares; a
/// preferred class that splits converts, share for share, into proportionally less.
/// `kind_of` is the kind of a class in the book (None when it is not there).
pub(crate) fn ratio_steps(
    m: &Movement,
    kind_of: impl Fn(ClassId) -> Option<ClassKind>,
) -> Vec<(ClassId, u64, u64)> {
    let Movement::StockSplit {
        class,
        numerator,
        denominator,
        converting_classes,
        ..
    } = m
    else {
        return vec![];
    };
    let mut steps: Vec<(ClassId, u64, u64)> = converting_classes
        .iter()
        .filter(|c| *c != class)
        .map(|c| (*c, *numerator, *denominator))
        .collect();
    if kind_of(*class) == Some(ClassKind::Preferred) {
        steps.push((*class, *denominator, *numerator));
    }
    steps
}

/// `count` x numerator / denominator, rounded by `rule`, and the fraction the rounding
/// dropped (negative where it rounded up). None when the result cannot be held.
pub(crate) fn scale(
    count: i128,
    numerator: u64,
    denominator: u64,
    rule: ShareRounding,
) -> Option<(u64, Decimal)> {
    let count = u64::try_from(count).ok()?;
    let exact =
        Decimal::from(count).checked_mul(Decimal::from(numerator))? / Decimal::from(denominator);
    let whole = rule.apply(exact).ok()?;
    if whole > crate::MAX_SHARES.saturating_mul(1000) {
        return None;
    }
    Some((whole, (exact - Decimal::from(whole)).normalize()))
}
