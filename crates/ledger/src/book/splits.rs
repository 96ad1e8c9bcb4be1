//! The book's side of stock splits: the split movement for a class, recording it, what a
//! recorded split did (replayed to its date), and the checks a split and a reversal across a
//! split must pass before they are recorded. The split's own rules and arithmetic, which do not
//! read the book, are in `crate::split`.

use chrono::NaiveDate;

use super::Book;
use crate::domain::{ClassId, ClassKind, EntryId, PlanId, Provenance};
use crate::error::{LedgerError, Result};
use crate::journal::{Entry, Movement};
use crate::split::{check_ratio, SplitEffect};
use crate::timeline::Timeline;

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
        let mut t = Timeline::new(self.records());
        for e in self.in_effective_order(Some(target.effective)) {
            if e.id == entry {
                t.lapse_before(e.effective);
                return t
                    .split(e)
                    .map_err(|v| LedgerError::conflict("ratio", self.describe_violation(&v)));
            }
            t.apply(e).map_err(|v| {
                LedgerError::conflict(
                    "journal",
                    format!(
                        "the stored journal breaks an invariant at entry #{}: {}",
                        e.id,
                        self.describe_violation(&v)
                    ),
                )
            })?;
        }
        Err(LedgerError::unknown(
            "entry",
            format!("entry #{entry} was not replayed"),
        ))
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
        check_ratio(numerator, denominator)?;
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
