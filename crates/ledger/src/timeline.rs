//! Replaying the journal: the positions every entry moves, and the invariants
//! that hold after every entry.
//!
//! Invariants (checked after each entry, in effective-date order):
//! 1. No holder holds a negative number of shares of any class.
//! 2. No grant has a negative number of options outstanding.
//! 3. No plan has fewer than zero options available (reserved - granted - exercised).
//! 4. Shares outstanding in a class, plus what its plans still reserve, never exceed
//!    the class's authorised shares.
//! 5. A SAFE or note converts at most once.
//!
//! Options of a grant that are neither exercised nor cancelled by its expiry date lapse
//! the day after it and return to the plan's pool.
//!
//! A reversal applies the exact negation of the entry it reverses, so the same
//! invariants decide whether a reversal can stand.
//!
//! The timeline also keeps each class's conversion ratio as of the replayed date
//! (`Ratios`): a class converts at `ShareClass::conversion_ratio` until a
//! `ConversionRatioAdjustment` sets another; reversing an adjustment removes it, so
//! the ratio it replaced (or a later adjustment's) is in force again. A ratio moves no
//! share count, so it takes no part in the invariants.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap as HashMap;

use crate::book::Book;
use crate::domain::{ClassId, EntryId, PlanId, StakeholderId};
use crate::journal::{Entry, Movement};

/// One account an entry moves, and by how much.
#[derive(Debug, Clone, Copy)]
enum Delta {
    Held(StakeholderId, ClassId, i128),
    Grant(EntryId, i128),
    Reserved(PlanId, i128),
    Granted(PlanId, i128),
    Exercised(PlanId, i128),
    Convertible(EntryId, i128),
}

impl Delta {
    fn negated(self) -> Delta {
        match self {
            Delta::Held(h, c, n) => Delta::Held(h, c, -n),
            Delta::Grant(g, n) => Delta::Grant(g, -n),
            Delta::Reserved(p, n) => Delta::Reserved(p, -n),
            Delta::Granted(p, n) => Delta::Granted(p, -n),
            Delta::Exercised(p, n) => Delta::Exercised(p, -n),
            Delta::Convertible(i, n) => Delta::Convertible(i, -n),
        }
    }
}

/// At most four accounts move per entry (an exercise moves four).
struct Deltas {
    items: [Option<Delta>; 4],
}

impl Deltas {
    fn of(list: &[Delta]) -> Deltas {
        let mut items = [None; 4];
        for (slot, d) in items.iter_mut().zip(list) {
            *slot = Some(*d);
        }
        Deltas { items }
    }
    fn iter(&self) -> impl Iterator<Item = Delta> + '_ {
        self.items.iter().flatten().copied()
    }
}

/// What went wrong, in terms of the accounts; `describe` turns it into words.
#[derive(Debug, Clone)]
pub(crate) struct Violation {
    pub field: &'static str,
    kind: ViolationKind,
}

#[derive(Debug, Clone)]
enum ViolationKind {
    Held {
        holder: StakeholderId,
        class: ClassId,
        before: i128,
        change: i128,
    },
    Grant {
        grant: EntryId,
        before: i128,
        change: i128,
    },
    Available {
        plan: PlanId,
        available: i128,
        change: i128,
    },
    Authorized {
        class: ClassId,
        claimed: i128,
        authorized: u64,
    },
    Convertible {
        instrument: EntryId,
        state: i128,
    },
    TooLarge,
}

impl Violation {
    pub(crate) fn describe(&self, book: &Book) -> String {
        match &self.kind {
            ViolationKind::Held { holder, class, before, change } => format!(
                "{} holds {} shares of {} then, and this needs {}",
                book.stakeholder_name(*holder),
                before,
                book.class_name(*class),
                -change
            ),
            ViolationKind::Grant { grant, before, change } => {
                format!("grant #{grant} has {before} options outstanding then, and this needs {}", -change)
            }
            ViolationKind::Available { plan, available, change } => format!(
                "plan '{}' has {} options available then, and this needs {}",
                book.plan_name(*plan),
                available,
                -change
            ),
            ViolationKind::Authorized { class, claimed, authorized } => format!(
                "{} would have {claimed} shares outstanding or reserved, more than the {authorized} authorised",
                book.class_name(*class)
            ),
            ViolationKind::Convertible { instrument, state } => {
                if *state < 0 {
                    format!("instrument #{instrument} is not outstanding then (converted or reversed)")
                } else {
                    format!("instrument #{instrument} would be outstanding twice")
                }
            }
            ViolationKind::TooLarge => "a share count grows beyond what a book can hold".to_string(),
        }
    }
}

/// The conversion ratio adjustments in force after some prefix of the journal: per class,
/// the adjustments not reversed, in the order applied (effective date, then recording
/// order). The last one is the ratio in force; a class with none converts at its
/// `ShareClass::conversion_ratio`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ratios {
    adjusted: HashMap<ClassId, Vec<(EntryId, Decimal)>>,
}

impl Ratios {
    /// Applies what an entry does to conversion ratios: an adjustment sets its class's
    /// ratio; the reversal of one takes that adjustment out of the class's history.
    /// Every other entry leaves ratios alone.
    pub(crate) fn apply(&mut self, book: &Book, e: &Entry) {
        match &e.movement {
            Movement::ConversionRatioAdjustment {
                class, new_ratio, ..
            } => self
                .adjusted
                .entry(*class)
                .or_default()
                .push((e.id, *new_ratio)),
            Movement::Reversal { reverses, .. } => {
                if let Some(Movement::ConversionRatioAdjustment { class, .. }) =
                    book.entry(*reverses).map(|t| &t.movement)
                {
                    if let Some(list) = self.adjusted.get_mut(class) {
                        list.retain(|(id, _)| id != reverses);
                    }
                }
            }
            _ => {}
        }
    }

    /// The ratio a class converts at (common shares per share) after the entries applied.
    pub(crate) fn ratio(&self, book: &Book, class: ClassId) -> Decimal {
        self.adjusted
            .get(&class)
            .and_then(|list| list.last())
            .map(|&(_, r)| r)
            .or_else(|| book.class(class).map(|c| c.conversion_ratio))
            .unwrap_or(Decimal::ONE)
    }
}

/// The positions after some prefix of the journal.
pub(crate) struct Timeline<'b> {
    book: &'b Book,
    pub held: HashMap<(StakeholderId, ClassId), i128>,
    pub grants: HashMap<EntryId, i128>,
    pub reserved: HashMap<PlanId, i128>,
    pub granted: HashMap<PlanId, i128>,
    pub exercised: HashMap<PlanId, i128>,
    pub convertibles: HashMap<EntryId, i128>,
    /// grant entry -> (holder, plan), filled as grants are applied: a journal lookup
    /// per exercise is the slowest step on a long journal.
    grant_info: HashMap<EntryId, (StakeholderId, PlanId)>,
    /// Grants that expire, soonest first: (last day exercisable, grant).
    expiries: BinaryHeap<Reverse<(NaiveDate, EntryId)>>,
    /// per plan: options that lapsed unexercised at their grant's expiry (back in the pool).
    pub lapsed: HashMap<PlanId, i128>,
    /// per class: outstanding shares + what plans of the class still reserve
    claimed: HashMap<ClassId, i128>,
    plan_class: HashMap<PlanId, ClassId>,
    /// Conversion ratios as of the entries applied.
    ratios: Ratios,
}

impl<'b> Timeline<'b> {
    pub(crate) fn new(book: &'b Book) -> Timeline<'b> {
        Timeline {
            book,
            held: HashMap::default(),
            grants: HashMap::default(),
            reserved: HashMap::default(),
            granted: HashMap::default(),
            exercised: HashMap::default(),
            convertibles: HashMap::default(),
            grant_info: HashMap::default(),
            expiries: BinaryHeap::new(),
            lapsed: HashMap::default(),
            claimed: HashMap::default(),
            plan_class: book.plans().iter().map(|p| (p.id, p.class)).collect(),
            ratios: Ratios::default(),
        }
    }

    /// The conversion ratio of a class after the entries applied so far.
    pub(crate) fn ratio(&self, class: ClassId) -> Decimal {
        self.ratios.ratio(self.book, class)
    }

    /// The plan a grant draws on, and its holder.
    pub(crate) fn grant_of(
        book: &Book,
        grant: EntryId,
    ) -> Option<(crate::domain::StakeholderId, PlanId)> {
        match book.entry(grant)?.movement {
            Movement::OptionGrant { holder, plan, .. } => Some((holder, plan)),
            _ => None,
        }
    }

    /// The holder and plan of a grant.
    pub(crate) fn grant(&self, grant: EntryId) -> Option<(StakeholderId, PlanId)> {
        self.grant_info
            .get(&grant)
            .copied()
            .or_else(|| Self::grant_of(self.book, grant))
    }

    /// The holders whose positions an entry moves.
    pub(crate) fn holders_moved(&self, m: &Movement) -> [Option<StakeholderId>; 2] {
        match m {
            Movement::StockIssuance { holder, .. }
            | Movement::OptionGrant { holder, .. }
            | Movement::StockCancellation { holder, .. }
            | Movement::Repurchase { holder, .. }
            | Movement::StockConversion { holder, .. }
            | Movement::ConvertibleIssuance { holder, .. } => [Some(*holder), None],
            Movement::Transfer { from, to, .. } => [Some(*from), Some(*to)],
            Movement::Exercise { grant, .. } | Movement::OptionCancellation { grant, .. } => {
                [self.grant(*grant).map(|(h, _)| h), None]
            }
            Movement::ConvertibleConversion { instrument, .. } => {
                match self.book.entry(*instrument).map(|e| &e.movement) {
                    Some(Movement::ConvertibleIssuance { holder, .. }) => [Some(*holder), None],
                    _ => [None, None],
                }
            }
            Movement::Reversal { reverses, .. } => self
                .book
                .entry(*reverses)
                .map_or([None, None], |e| self.holders_moved(&e.movement)),
            Movement::PoolIncrease { .. } | Movement::ConversionRatioAdjustment { .. } => {
                [None, None]
            }
        }
    }

    fn deltas(&self, e: &Entry) -> Deltas {
        let book = self.book;
        let n = |x: u64| i128::from(x);
        match &e.movement {
            Movement::StockIssuance {
                holder,
                class,
                shares,
                ..
            } => Deltas::of(&[Delta::Held(*holder, *class, n(*shares))]),
            Movement::OptionGrant { plan, options, .. } => Deltas::of(&[
                Delta::Grant(e.id, n(*options)),
                Delta::Granted(*plan, n(*options)),
            ]),
            Movement::Exercise { grant, options } => match self.grant(*grant) {
                Some((holder, plan)) => {
                    let class = self.plan_class[&plan];
                    Deltas::of(&[
                        Delta::Grant(*grant, -n(*options)),
                        Delta::Granted(plan, -n(*options)),
                        Delta::Exercised(plan, n(*options)),
                        Delta::Held(holder, class, n(*options)),
                    ])
                }
                None => Deltas::of(&[]),
            },
            Movement::Transfer {
                from,
                to,
                class,
                shares,
                ..
            } => Deltas::of(&[
                Delta::Held(*from, *class, -n(*shares)),
                Delta::Held(*to, *class, n(*shares)),
            ]),
            Movement::StockCancellation {
                holder,
                class,
                shares,
            }
            | Movement::Repurchase {
                holder,
                class,
                shares,
                ..
            } => Deltas::of(&[Delta::Held(*holder, *class, -n(*shares))]),
            Movement::OptionCancellation { grant, options } => match self.grant(*grant) {
                Some((_, plan)) => Deltas::of(&[
                    Delta::Grant(*grant, -n(*options)),
                    Delta::Granted(plan, -n(*options)),
                ]),
                None => Deltas::of(&[]),
            },
            Movement::PoolIncrease { plan, shares } => {
                Deltas::of(&[Delta::Reserved(*plan, n(*shares))])
            }
            Movement::StockConversion {
                holder,
                from_class,
                shares,
                to_class,
                resulting_shares,
            } => Deltas::of(&[
                Delta::Held(*holder, *from_class, -n(*shares)),
                Delta::Held(*holder, *to_class, n(*resulting_shares)),
            ]),
            Movement::ConvertibleIssuance { .. } => Deltas::of(&[Delta::Convertible(e.id, 1)]),
            // A ratio moves no account (see `Ratios`).
            Movement::ConversionRatioAdjustment { .. } => Deltas::of(&[]),
            Movement::ConvertibleConversion {
                instrument,
                class,
                shares,
            } => {
                let holder = match book.entry(*instrument).map(|i| &i.movement) {
                    Some(Movement::ConvertibleIssuance { holder, .. }) => *holder,
                    _ => return Deltas::of(&[]),
                };
                Deltas::of(&[
                    Delta::Convertible(*instrument, -1),
                    Delta::Held(holder, *class, n(*shares)),
                ])
            }
            Movement::Reversal { reverses, .. } => match book.entry(*reverses) {
                Some(original) => {
                    let d = self.deltas(original);
                    let mut items = [None; 4];
                    for (slot, x) in items.iter_mut().zip(d.iter()) {
                        *slot = Some(x.negated());
                    }
                    Deltas { items }
                }
                None => Deltas::of(&[]),
            },
        }
    }

    /// Applies one entry; on a violation the positions are left part-applied,
    /// which is fine because the caller stops at the first violation.
    /// Lapses the options of every grant whose last exercisable day is before `day`:
    /// they leave the grant and return to the plan's pool (the usual plan term).
    pub(crate) fn lapse_before(&mut self, day: NaiveDate) {
        while let Some(Reverse((last, grant))) = self.expiries.peek().copied() {
            if last >= day {
                break;
            }
            self.expiries.pop();
            let left = self.grants.get(&grant).copied().unwrap_or(0);
            if left <= 0 {
                continue;
            }
            if let Some((_, plan)) = self.grant(grant) {
                self.grants.insert(grant, 0);
                *self.granted.entry(plan).or_insert(0) -= left;
                *self.lapsed.entry(plan).or_insert(0) += left;
            }
        }
    }

    pub(crate) fn apply(&mut self, e: &Entry) -> Result<(), Violation> {
        self.lapse_before(e.effective);
        let field = quantity_field(&e.movement);
        if let Movement::OptionGrant {
            holder,
            plan,
            expires,
            ..
        } = e.movement
        {
            self.grant_info.insert(e.id, (holder, plan));
            if let Some(x) = expires {
                self.expiries.push(Reverse((x, e.id)));
            }
        }
        self.ratios.apply(self.book, e);
        let deltas = self.deltas(e);
        for d in deltas.iter() {
            self.apply_delta(d, field)?;
        }
        // Cross-account invariants, for the accounts this entry touched.
        for d in deltas.iter() {
            match d {
                Delta::Held(_, class, _) => self.check_authorized(class, field)?,
                Delta::Reserved(plan, change)
                | Delta::Granted(plan, change)
                | Delta::Exercised(plan, change) => {
                    let available = self.available(plan);
                    if available < 0 {
                        let change = if matches!(d, Delta::Reserved(..)) {
                            change
                        } else {
                            -change
                        };
                        return Err(Violation {
                            field,
                            kind: ViolationKind::Available {
                                plan,
                                available: available - change,
                                change,
                            },
                        });
                    }
                    let class = self.plan_class[&plan];
                    self.check_authorized(class, field)?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn apply_delta(&mut self, d: Delta, field: &'static str) -> Result<(), Violation> {
        let bump = |map_value: &mut i128, change: i128| -> Result<i128, Violation> {
            let before = *map_value;
            let after = before
                .checked_add(change)
                .filter(|v| *v <= i128::from(crate::MAX_SHARES) * 1000);
            match after {
                Some(a) => {
                    *map_value = a;
                    Ok(before)
                }
                None => Err(Violation {
                    field,
                    kind: ViolationKind::TooLarge,
                }),
            }
        };
        match d {
            Delta::Held(holder, class, change) => {
                let before = bump(self.held.entry((holder, class)).or_insert(0), change)?;
                *self.claimed.entry(class).or_insert(0) += change;
                if before + change < 0 {
                    return Err(Violation {
                        field,
                        kind: ViolationKind::Held {
                            holder,
                            class,
                            before,
                            change,
                        },
                    });
                }
            }
            Delta::Grant(grant, change) => {
                let before = bump(self.grants.entry(grant).or_insert(0), change)?;
                if before + change < 0 {
                    return Err(Violation {
                        field,
                        kind: ViolationKind::Grant {
                            grant,
                            before,
                            change,
                        },
                    });
                }
            }
            Delta::Reserved(plan, change) => {
                bump(self.reserved.entry(plan).or_insert(0), change)?;
                *self.claimed.entry(self.plan_class[&plan]).or_insert(0) += change;
            }
            Delta::Granted(plan, change) => {
                bump(self.granted.entry(plan).or_insert(0), change)?;
            }
            Delta::Exercised(plan, change) => {
                bump(self.exercised.entry(plan).or_insert(0), change)?;
                *self.claimed.entry(self.plan_class[&plan]).or_insert(0) -= change;
            }
            Delta::Convertible(instrument, change) => {
                let before = bump(self.convertibles.entry(instrument).or_insert(0), change)?;
                let state = before + change;
                if !(0..=1).contains(&state) {
                    return Err(Violation {
                        field: "instrument",
                        kind: ViolationKind::Convertible { instrument, state },
                    });
                }
            }
        }
        Ok(())
    }

    pub(crate) fn available(&self, plan: PlanId) -> i128 {
        let g = |m: &HashMap<PlanId, i128>| m.get(&plan).copied().unwrap_or(0);
        g(&self.reserved) - g(&self.granted) - g(&self.exercised)
    }

    fn check_authorized(&self, class: ClassId, field: &'static str) -> Result<(), Violation> {
        let Some(authorized) = self.book.class(class).and_then(|c| c.authorized) else {
            return Ok(());
        };
        let claimed = self.claimed.get(&class).copied().unwrap_or(0);
        if claimed > i128::from(authorized) {
            return Err(Violation {
                field,
                kind: ViolationKind::Authorized {
                    class,
                    claimed,
                    authorized,
                },
            });
        }
        Ok(())
    }
}

/// The field of an entry that a quantity violation points at.
fn quantity_field(m: &Movement) -> &'static str {
    match m {
        Movement::OptionGrant { .. }
        | Movement::Exercise { .. }
        | Movement::OptionCancellation { .. } => "options",
        Movement::Reversal { .. } => "entry",
        Movement::ConvertibleConversion { .. } => "instrument",
        _ => "shares",
    }
}

impl Book {
    /// The positions after every entry effective on or before `as_of` (expired options lapsed),
    /// calling `visit` with the positions just before each entry is applied. The journal was
    /// checked when written, so a violation here means the stored journal is damaged.
    pub(crate) fn replay_to(
        &self,
        as_of: chrono::NaiveDate,
        mut visit: impl FnMut(&Timeline<'_>, &Entry),
    ) -> crate::error::Result<Timeline<'_>> {
        let mut t = Timeline::new(self);
        for e in self.in_effective_order(Some(as_of)) {
            visit(&t, e);
            t.apply(e).map_err(|v| {
                crate::error::LedgerError::conflict(
                    "journal",
                    format!(
                        "the stored journal breaks an invariant at entry #{}: {}",
                        e.id,
                        v.describe(self)
                    ),
                )
            })?;
        }
        t.lapse_before(as_of);
        Ok(t)
    }
}
