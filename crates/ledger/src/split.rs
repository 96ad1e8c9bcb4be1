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

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::book::Book;
use crate::domain::{ClassId, ClassKind, EntryId, PlanId, Provenance, StakeholderId};
use crate::error::{LedgerError, Result};
use crate::journal::{Entry, Movement};
use crate::timeline::Timeline;

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

impl Book {
    /// The split movement for `numerator:denominator` of `class`: the book's rounding
    /// policy now, and (for a common class) every preferred class now in the book as the
    /// classes that convert into it.
    pub fn stock_split(&self, class: ClassId, numerator: u64, denominator: u64) -> Movement {
        let converting_classes = match self.class(class).map(|c| c.kind) {
            Some(ClassKind::Common) => self
                .classes()
                .iter()
                .filter(|c| c.kind == ClassKind::Preferred)
                .map(|c| c.id)
                .collect(),
            _ => vec![],
        };
        Movement::StockSplit {
            class,
            numerator,
            denominator,
            rounding: self.default_rounding(),
            converting_classes,
        }
    }

    /// Records a split of `class` on `effective` (see `stock_split`).
    pub fn record_split(
        &mut self,
        effective: NaiveDate,
        class: ClassId,
        numerator: u64,
        denominator: u64,
        memo: Option<String>,
        provenance: Provenance,
    ) -> Result<EntryId> {
        let m = self.stock_split(class, numerator, denominator);
        self.record(effective, m, memo, provenance)
    }

    /// What a recorded split did to each holding, grant and plan of its class.
    pub fn split_effect(&self, entry: EntryId) -> Result<SplitEffect> {
        let target = self
            .entry(entry)
            .ok_or_else(|| LedgerError::unknown("entry", format!("no journal entry #{entry}")))?;
        let Movement::StockSplit {
            class,
            numerator,
            denominator,
            ..
        } = target.movement
        else {
            return Err(LedgerError::invalid(
                "entry",
                format!("entry #{entry} is not a stock split"),
            ));
        };
        if self.reversal_of(entry).is_some() {
            return Ok(SplitEffect::new(target, class, numerator, denominator));
        }
        let mut t = Timeline::new(self);
        for e in self.in_effective_order(Some(target.effective)) {
            if e.id == entry {
                t.lapse_before(e.effective);
                return t
                    .split(e)
                    .map_err(|v| LedgerError::conflict("ratio", v.describe(self)));
            }
            t.apply(e).map_err(|v| {
                LedgerError::conflict(
                    "journal",
                    format!(
                        "the stored journal breaks an invariant at entry #{}: {}",
                        e.id,
                        v.describe(self)
                    ),
                )
            })?;
        }
        Err(LedgerError::unknown(
            "entry",
            format!("entry #{entry} was not replayed"),
        ))
    }

    /// The conversion ratio steps a split makes: (class, multiply by, divide by). The classes
    /// that convert into the split class convert into more (or fewer) of its shares; a
    /// preferred class that splits converts, share for share, into proportionally less.
    pub(crate) fn split_ratio_steps(&self, m: &Movement) -> Vec<(ClassId, u64, u64)> {
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
        if self.class(*class).map(|c| c.kind) == Some(ClassKind::Preferred) {
            steps.push((*class, *denominator, *numerator));
        }
        steps
    }

    pub(crate) fn check_split(
        &self,
        effective: NaiveDate,
        class: ClassId,
        numerator: u64,
        denominator: u64,
        converting_classes: &[ClassId],
    ) -> Result<()> {
        let c = self
            .class(class)
            .ok_or_else(|| LedgerError::unknown("class", format!("no share class #{class}")))?;
        for (value, field) in [(numerator, "numerator"), (denominator, "denominator")] {
            if value == 0 {
                return Err(LedgerError::invalid(
                    field,
                    format!("the split ratio {numerator}:{denominator} has a zero; a 2-for-1 split is 2:1"),
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
        for k in converting_classes {
            if self.class(*k).is_none() {
                return Err(LedgerError::unknown(
                    "converting_classes",
                    format!("no share class #{k}"),
                ));
            }
        }
        if c.kind == ClassKind::Common
            && self
                .classes()
                .iter()
                .filter(|x| x.kind == ClassKind::Common)
                .count()
                > 1
        {
            return Err(LedgerError::invalid(
                "class",
                format!(
                    "the book has more than one common class and does not record which one its preferred classes convert into, so it cannot tell which conversion ratios a split of {} changes",
                    c.name
                ),
            ));
        }
        let first = self
            .entries()
            .iter()
            .filter(|e| self.issues_shares_of(&e.movement, class))
            .map(|e| e.effective)
            .min();
        match first {
            None => {
                return Err(LedgerError::invalid(
                    "class",
                    format!("{} has no shares issued yet; there is nothing to split", c.name),
                ))
            }
            Some(d) if effective < d => {
                return Err(LedgerError::invalid(
                    "date",
                    format!(
                        "{effective} is before {}'s first issuance ({d}); there is nothing to split then",
                        c.name
                    ),
                ))
            }
            _ => {}
        }
        if let Some(later) = self
            .entries()
            .iter()
            .filter(|e| e.effective > effective)
            .find(|e| self.counts_in_shares_of(&e.movement, class, c.kind))
        {
            return Err(LedgerError::conflict(
                "date",
                format!(
                    "entry #{} ({} on {}) was recorded in {}'s shares of its date, before this split; a split cannot be backdated under it",
                    later.id,
                    later.movement.kind().replace('-', " "),
                    later.effective,
                    c.name
                ),
            ));
        }
        Ok(())
    }

    /// A reversal may not undo pre-split shares after the split: the numbers in the entry
    /// no longer mean what they did. A split itself is reversed only as of its own date.
    pub(crate) fn check_reversal_across_splits(
        &self,
        effective: NaiveDate,
        target: &Entry,
    ) -> Result<()> {
        if let Movement::StockSplit { .. } = target.movement {
            if effective != target.effective {
                return Err(LedgerError::invalid(
                    "date",
                    format!(
                        "a split is reversed as of its own date ({}), as if it never happened; to change the shares from {effective}, record a split in the opposite ratio",
                        target.effective
                    ),
                ));
            }
            return Ok(());
        }
        for s in self.entries() {
            let Movement::StockSplit { class, .. } = s.movement else {
                continue;
            };
            let kind = self.class(class).map_or(ClassKind::Common, |c| c.kind);
            if self.reversal_of(s.id).is_none()
                && s.effective > target.effective
                && s.effective <= effective
                && self.counts_in_shares_of(&target.movement, class, kind)
            {
                return Err(LedgerError::invalid(
                    "date",
                    format!(
                        "entry #{} counts shares of {} before the split of {} (entry #{}); reverse it as of a date before the split, or record the correction in post-split shares",
                        target.id,
                        self.class_name(class),
                        s.effective,
                        s.id
                    ),
                ));
            }
        }
        Ok(())
    }

    fn issues_shares_of(&self, m: &Movement, class: ClassId) -> bool {
        match m {
            Movement::StockIssuance { class: c, .. }
            | Movement::ConvertibleConversion { class: c, .. } => *c == class,
            Movement::StockConversion { to_class, .. } => *to_class == class,
            _ => false,
        }
    }

    /// Whether an entry's numbers are counted in shares of `class` (or, for a common class,
    /// in the conversion ratios into it).
    fn counts_in_shares_of(&self, m: &Movement, class: ClassId, kind: ClassKind) -> bool {
        let plan_of = |p: &PlanId| self.plan(*p).map(|p| p.class) == Some(class);
        let grant_of = |g: &EntryId| match self.entry(*g).map(|e| &e.movement) {
            Some(Movement::OptionGrant { plan, .. }) => plan_of(plan),
            _ => false,
        };
        match m {
            Movement::StockIssuance { class: c, .. }
            | Movement::Transfer { class: c, .. }
            | Movement::StockCancellation { class: c, .. }
            | Movement::Repurchase { class: c, .. }
            | Movement::ConvertibleConversion { class: c, .. }
            | Movement::AuthorizedSharesAdjustment { class: c, .. }
            | Movement::StockSplit { class: c, .. } => *c == class,
            Movement::StockConversion {
                from_class,
                to_class,
                ..
            } => *from_class == class || *to_class == class,
            Movement::OptionGrant { plan, .. } | Movement::PoolIncrease { plan, .. } => {
                plan_of(plan)
            }
            Movement::Exercise { grant, .. } | Movement::OptionCancellation { grant, .. } => {
                grant_of(grant)
            }
            Movement::ConversionRatioAdjustment { class: c, .. } => {
                *c == class || kind == ClassKind::Common
            }
            Movement::ConvertibleIssuance { .. } => false,
            Movement::Reversal { reverses, .. } => self
                .entry(*reverses)
                .is_some_and(|t| self.counts_in_shares_of(&t.movement, class, kind)),
        }
    }
}
