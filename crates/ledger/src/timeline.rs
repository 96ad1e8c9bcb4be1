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
//!
//! The replay reads the records it needs (share classes, plans, the journal and its reversals)
//! through `Records`, which the book lends; it does not know the book, which puts its
//! violations into words (`Book::describe_violation`) and runs the replays (`Book::replay_to`,
//! `Book::check`). Splitting a position uses the split's arithmetic (`crate::split`).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap as HashMap;

use crate::domain::{ClassId, EntryId, EquityPlan, PlanId, ShareClass, StakeholderId};
use crate::head::{GrantAccount, Head, PlanAccount, Touched};
use crate::journal::{Entry, Movement};
use crate::split::{ratio_steps, scale, SplitEffect, SplitGrant, SplitHolding, SplitPlan};

/// What a replay reads besides the entries it applies: the share classes, the equity plans and
/// the journal with its reversals, borrowed from the book (`Book::records`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Records<'b> {
    pub classes: &'b [ShareClass],
    pub plans: &'b [EquityPlan],
    /// Every entry, in the order recorded (ids grow with each entry, so sorted by id).
    pub entries: &'b [Entry],
    /// original entry -> the entry that reverses it
    pub reversed_by: &'b HashMap<EntryId, EntryId>,
}

impl<'b> Records<'b> {
    pub(crate) fn class(self, id: ClassId) -> Option<&'b ShareClass> {
        self.classes.iter().find(|c| c.id == id)
    }

    pub(crate) fn entry(self, id: EntryId) -> Option<&'b Entry> {
        // Ids grow with each entry recorded, so the journal is sorted by id.
        self.entries
            .binary_search_by_key(&id, |e| e.id)
            .ok()
            .map(|i| &self.entries[i])
    }

    /// The reversal that undid an entry, if one did.
    pub(crate) fn reversal_of(self, id: EntryId) -> Option<EntryId> {
        self.reversed_by.get(&id).copied()
    }

    /// The conversion ratio steps a split entry makes (see `split::ratio_steps`).
    fn split_ratio_steps(self, m: &Movement) -> Vec<(ClassId, u64, u64)> {
        ratio_steps(m, |c| self.class(c).map(|c| c.kind))
    }
}

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

/// What went wrong, in terms of the accounts; `Book::describe_violation` puts it into words.
#[derive(Debug, Clone)]
pub(crate) struct Violation {
    pub field: &'static str,
    pub kind: ViolationKind,
}

#[derive(Debug, Clone)]
pub(crate) enum ViolationKind {
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

/// One step in a class's conversion ratio history.
#[derive(Debug, Clone, Copy)]
enum RatioStep {
    /// An adjustment: the ratio becomes this.
    Set(Decimal),
    /// A split: the ratio in force is multiplied by numerator / denominator.
    Scale(u64, u64),
}

/// The conversion ratio steps in force after some prefix of the journal: per class, the
/// adjustments and splits not reversed, in the order applied (effective date, then
/// recording order). Folding them over the class's `ShareClass::conversion_ratio` gives
/// the ratio in force.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ratios {
    adjusted: HashMap<ClassId, Vec<(EntryId, RatioStep)>>,
}

/// A ratio kept as a fraction, so that a reverse split by 3 converts 300 shares into
/// exactly 100 rather than 99.999...: the division comes last.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fraction {
    numerator: Decimal,
    denominator: Decimal,
}

impl Fraction {
    pub(crate) fn value(self) -> Decimal {
        self.numerator / self.denominator
    }
    /// `shares` times the fraction, exact whenever the result is a whole number.
    pub(crate) fn times(self, shares: u64) -> Decimal {
        Decimal::from(shares) * self.numerator / self.denominator
    }
}

impl Ratios {
    /// Applies what an entry does to conversion ratios: an adjustment sets its class's
    /// ratio, a split scales the ratios it names, and the reversal of an adjustment takes
    /// it out of the class's history (a split is reversed only as of its own date, so it
    /// is then skipped altogether). Every other entry leaves ratios alone.
    pub(crate) fn apply(&mut self, records: Records<'_>, e: &Entry) {
        match &e.movement {
            Movement::ConversionRatioAdjustment {
                class, new_ratio, ..
            } => self
                .adjusted
                .entry(*class)
                .or_default()
                .push((e.id, RatioStep::Set(*new_ratio))),
            Movement::StockSplit { .. } if records.reversal_of(e.id).is_none() => {
                for (class, n, d) in records.split_ratio_steps(&e.movement) {
                    self.adjusted
                        .entry(class)
                        .or_default()
                        .push((e.id, RatioStep::Scale(n, d)));
                }
            }
            Movement::Reversal { reverses, .. } => {
                if let Some(Movement::ConversionRatioAdjustment { class, .. }) =
                    records.entry(*reverses).map(|t| &t.movement)
                {
                    if let Some(list) = self.adjusted.get_mut(class) {
                        list.retain(|(id, _)| id != reverses);
                    }
                }
            }
            _ => {}
        }
    }

    /// The ratio a class converts at (common shares per share), as a fraction.
    pub(crate) fn fraction(&self, records: Records<'_>, class: ClassId) -> Fraction {
        let base = records
            .class(class)
            .map_or(Decimal::ONE, |c| c.conversion_ratio);
        let mut f = Fraction {
            numerator: base,
            denominator: Decimal::ONE,
        };
        for (_, step) in self.adjusted.get(&class).into_iter().flatten() {
            match *step {
                RatioStep::Set(r) => {
                    f = Fraction {
                        numerator: r,
                        denominator: Decimal::ONE,
                    }
                }
                RatioStep::Scale(n, d) => {
                    // Beyond Decimal's range only after absurd chains of splits; then the
                    // fraction is reduced to a decimal and the product taken from there.
                    f = match (
                        f.numerator.checked_mul(Decimal::from(n)),
                        f.denominator.checked_mul(Decimal::from(d)),
                    ) {
                        (Some(numerator), Some(denominator)) => Fraction {
                            numerator,
                            denominator,
                        },
                        _ => Fraction {
                            numerator: f.value() * Decimal::from(n) / Decimal::from(d),
                            denominator: Decimal::ONE,
                        },
                    }
                }
            }
        }
        f
    }

    /// The ratio a class converts at (common shares per share) after the entries applied.
    pub(crate) fn ratio(&self, records: Records<'_>, class: ClassId) -> Decimal {
        self.fraction(records, class).value()
    }
}

/// One step in a class's authorised shares.
#[derive(Debug, Clone, Copy)]
enum AuthorizedStep {
    Set(u64),
    Scale(u64, u64, crate::rounding::ShareRounding),
}

/// The positions after some prefix of the journal.
pub(crate) struct Timeline<'b> {
    records: Records<'b>,
    pub held: HashMap<(StakeholderId, ClassId), i128>,
    pub grants: HashMap<EntryId, i128>,
    pub reserved: HashMap<PlanId, i128>,
    pub granted: HashMap<PlanId, i128>,
    pub exercised: HashMap<PlanId, i128>,
    pub convertibles: HashMap<EntryId, i128>,
    /// grant entry -> (holder, plan), filled as grants are applied: a journal lookup
    /// per exercise is the slowest step on a long journal.
    grant_info: HashMap<EntryId, (StakeholderId, PlanId)>,
    /// grant -> its expiry, for the grants of a head this timeline resumed from (whose entries
    /// the records need not hold); other grants' expiries are read from their entries.
    resumed_expiries: HashMap<EntryId, Option<NaiveDate>>,
    /// Grants that expire, soonest first: (last day exercisable, grant).
    expiries: BinaryHeap<Reverse<(NaiveDate, EntryId)>>,
    /// per plan: options that lapsed unexercised at their grant's expiry (back in the pool).
    pub lapsed: HashMap<PlanId, i128>,
    /// per class: outstanding shares + what plans of the class still reserve
    claimed: HashMap<ClassId, i128>,
    plan_class: HashMap<PlanId, ClassId>,
    /// Conversion ratios as of the entries applied.
    ratios: Ratios,
    /// per class: authorised-share adjustments and splits not reversed, in the order applied.
    authorized_steps: HashMap<ClassId, Vec<(EntryId, AuthorizedStep)>>,
    /// per class with steps: the authorised shares they leave in force.
    authorized_now: HashMap<ClassId, Option<u64>>,
    /// per grant whose class split since it was granted: its exercise price now.
    strikes: HashMap<EntryId, Decimal>,
    /// per class that split: its original issue price now (before any split, the class's own).
    issue_prices: HashMap<ClassId, Decimal>,
}

impl<'b> Timeline<'b> {
    pub(crate) fn new(records: Records<'b>) -> Timeline<'b> {
        Timeline {
            records,
            held: HashMap::default(),
            grants: HashMap::default(),
            reserved: HashMap::default(),
            granted: HashMap::default(),
            exercised: HashMap::default(),
            convertibles: HashMap::default(),
            grant_info: HashMap::default(),
            resumed_expiries: HashMap::default(),
            expiries: BinaryHeap::new(),
            lapsed: HashMap::default(),
            claimed: HashMap::default(),
            plan_class: records.plans.iter().map(|p| (p.id, p.class)).collect(),
            ratios: Ratios::default(),
            authorized_steps: HashMap::default(),
            authorized_now: HashMap::default(),
            strikes: HashMap::default(),
            issue_prices: HashMap::default(),
        }
    }

    /// A timeline positioned at a head (or a slice of one): the accounts the invariants read,
    /// as a replay left them. Ratios, strikes and issue prices are not in a head; the entries
    /// appended to it (`Book::check_appended`) never read them.
    pub(crate) fn resume(records: Records<'b>, head: &Head) -> Timeline<'b> {
        let mut t = Timeline::new(records);
        t.held = head.held.iter().map(|(k, v)| (*k, *v)).collect();
        for (g, a) in &head.grants {
            t.grants.insert(*g, a.outstanding);
            t.grant_info.insert(*g, (a.holder, a.plan));
            t.resumed_expiries.insert(*g, a.expires);
            if let Some(x) = a.expires.filter(|_| a.outstanding > 0) {
                t.expiries.push(Reverse((x, *g)));
            }
        }
        for (p, a) in &head.plans {
            t.reserved.insert(*p, a.reserved);
            t.granted.insert(*p, a.granted);
            t.exercised.insert(*p, a.exercised);
            t.lapsed.insert(*p, a.lapsed);
        }
        t.claimed = head.claimed.iter().map(|(k, v)| (*k, *v)).collect();
        t.authorized_now = head.authorized.iter().map(|(k, v)| (*k, *v)).collect();
        t.convertibles = head.convertibles.iter().map(|(k, v)| (*k, *v)).collect();
        t
    }

    /// The accounts this timeline holds, as a head dated `last_effective`: the whole head after
    /// a full replay, the slice it was resumed from (and what the entries added) after an append.
    pub(crate) fn head(&self, last_effective: Option<NaiveDate>) -> Head {
        let grants = self
            .grants
            .iter()
            .filter_map(|(g, outstanding)| {
                let (holder, plan) = self.grant(*g)?;
                let expires = self.expiry(*g);
                Some((
                    *g,
                    GrantAccount {
                        holder,
                        plan,
                        expires,
                        outstanding: *outstanding,
                    },
                ))
            })
            .collect();
        let plans = self
            .reserved
            .keys()
            .chain(self.granted.keys())
            .chain(self.exercised.keys())
            .chain(self.lapsed.keys())
            .map(|p| {
                let g = |m: &HashMap<PlanId, i128>| m.get(p).copied().unwrap_or(0);
                (
                    *p,
                    PlanAccount {
                        reserved: g(&self.reserved),
                        granted: g(&self.granted),
                        exercised: g(&self.exercised),
                        lapsed: g(&self.lapsed),
                    },
                )
            })
            .collect();
        Head {
            last_effective,
            held: self.held.iter().map(|(k, v)| (*k, *v)).collect(),
            grants,
            plans,
            claimed: self.claimed.iter().map(|(k, v)| (*k, *v)).collect(),
            authorized: self.authorized_now.iter().map(|(k, v)| (*k, *v)).collect(),
            convertibles: self.convertibles.iter().map(|(k, v)| (*k, *v)).collect(),
        }
    }

    /// The accounts an entry moves (a grant's own account when it is one).
    pub(crate) fn touches(&self, e: &Entry, into: &mut Touched) {
        for d in self.deltas(e).iter() {
            match d {
                Delta::Held(h, c, _) => into.held.push((h, c)),
                Delta::Grant(g, _) => into.grants.push(g),
                Delta::Convertible(i, _) => into.convertibles.push(i),
                Delta::Reserved(..) | Delta::Granted(..) | Delta::Exercised(..) => {}
            }
        }
    }

    /// A class's conversion ratio after the entries applied so far, as an exact fraction.
    pub(crate) fn ratio_fraction(&self, class: ClassId) -> Fraction {
        self.ratios.fraction(self.records, class)
    }

    /// A class's authorised shares after the entries applied so far (None: no limit).
    pub(crate) fn authorized(&self, class: ClassId) -> Option<u64> {
        match self.authorized_now.get(&class) {
            Some(a) => *a,
            None => self.records.class(class).and_then(|c| c.authorized),
        }
    }

    /// A grant's exercise price per share after the splits applied so far.
    pub(crate) fn strike(&self, grant: EntryId) -> Option<Decimal> {
        self.strikes.get(&grant).copied().or_else(|| {
            match self.records.entry(grant).map(|e| &e.movement) {
                Some(Movement::OptionGrant { exercise_price, .. }) => Some(exercise_price.amount),
                _ => None,
            }
        })
    }

    /// A class's original issue price after the splits applied so far.
    pub(crate) fn original_issue_price(&self, class: ClassId) -> Option<Decimal> {
        self.issue_prices.get(&class).copied().or_else(|| {
            self.records
                .class(class)
                .and_then(|c| c.original_issue_price)
                .map(|p| p.amount)
        })
    }

    fn refresh_authorized(&mut self, class: ClassId) {
        let mut a = self.records.class(class).and_then(|c| c.authorized);
        for (_, step) in self.authorized_steps.get(&class).into_iter().flatten() {
            a = match *step {
                AuthorizedStep::Set(n) => Some(n),
                AuthorizedStep::Scale(n, d, rule) => a.map(|x| {
                    rule.apply(Decimal::from(x) * Decimal::from(n) / Decimal::from(d))
                        .unwrap_or(u64::MAX)
                }),
            };
        }
        self.authorized_now.insert(class, a);
    }

    /// Authorised shares set by an adjustment, or put back by the reversal of one.
    fn apply_authorized(&mut self, e: &Entry) -> Result<(), Violation> {
        match &e.movement {
            Movement::AuthorizedSharesAdjustment { class, authorized } => {
                self.authorized_steps
                    .entry(*class)
                    .or_default()
                    .push((e.id, AuthorizedStep::Set(*authorized)));
                self.refresh_authorized(*class);
                self.check_authorized(*class, "authorized")
            }
            Movement::Reversal { reverses, .. } => {
                let Some(Movement::AuthorizedSharesAdjustment { class, .. }) =
                    self.records.entry(*reverses).map(|t| &t.movement)
                else {
                    return Ok(());
                };
                if let Some(list) = self.authorized_steps.get_mut(class) {
                    list.retain(|(id, _)| id != reverses);
                }
                self.refresh_authorized(*class);
                self.check_authorized(*class, "entry")
            }
            _ => Ok(()),
        }
    }

    /// Splits every holding, grant and pool of a class (see `Movement::StockSplit`), and
    /// says what each became.
    pub(crate) fn split(&mut self, e: &Entry) -> Result<SplitEffect, Violation> {
        let Movement::StockSplit {
            class,
            numerator: n,
            denominator: d,
            rounding,
            ..
        } = &e.movement
        else {
            return Err(Violation {
                field: "entry",
                kind: ViolationKind::TooLarge,
            });
        };
        let (class, n, d) = (*class, *n, *d);
        let rule = rounding.shares;
        let too_large = || Violation {
            field: "ratio",
            kind: ViolationKind::TooLarge,
        };
        let mut effect = SplitEffect::new(e, class, n, d);

        let mut keys: Vec<_> = self
            .held
            .iter()
            .filter(|((_, c), v)| *c == class && **v > 0)
            .map(|(k, _)| *k)
            .collect();
        keys.sort();
        for key in keys {
            let before = self.held[&key];
            let (after, dropped) = scale(before, n, d, rule).ok_or_else(too_large)?;
            self.held.insert(key, i128::from(after));
            effect.holdings.push(SplitHolding {
                holder: key.0,
                before: before as u64,
                after,
                fraction_dropped: dropped,
            });
        }

        let plans: Vec<PlanId> = self
            .plan_class
            .iter()
            .filter(|(_, c)| **c == class)
            .map(|(p, _)| *p)
            .collect();
        let mut grants: Vec<(EntryId, StakeholderId, PlanId)> = self
            .grants
            .iter()
            .filter(|(_, v)| **v > 0)
            .filter_map(|(g, _)| self.grant(*g).map(|(h, p)| (*g, h, p)))
            .filter(|(_, _, p)| plans.contains(p))
            .collect();
        grants.sort();
        let mut granted_now: HashMap<PlanId, i128> = HashMap::default();
        for (grant, holder, plan) in grants {
            let before = self.grants[&grant];
            let (after, dropped) = scale(before, n, d, rule).ok_or_else(too_large)?;
            self.grants.insert(grant, i128::from(after));
            *granted_now.entry(plan).or_insert(0) += i128::from(after);
            let price_before = self.strike(grant).unwrap_or(Decimal::ZERO);
            let price_after =
                rounding.round_price(price_before * Decimal::from(d) / Decimal::from(n));
            self.strikes.insert(grant, price_after);
            effect.grants.push(SplitGrant {
                grant,
                holder,
                before: before as u64,
                after,
                fraction_dropped: dropped,
                exercise_price_before: price_before,
                exercise_price_after: price_after,
            });
        }
        // Granted options whose grants ran out or lapsed are zero already.
        let mut sorted_plans = plans;
        sorted_plans.sort();
        for plan in sorted_plans {
            let g = |m: &HashMap<PlanId, i128>| m.get(&plan).copied().unwrap_or(0);
            let (reserved, exercised, lapsed) =
                (g(&self.reserved), g(&self.exercised), g(&self.lapsed));
            let available = self.available(plan);
            let granted = granted_now.get(&plan).copied().unwrap_or(0);
            let (available_after, _) = scale(available, n, d, rule).ok_or_else(too_large)?;
            let (exercised_after, _) = scale(exercised, n, d, rule).ok_or_else(too_large)?;
            let (lapsed_after, _) = scale(lapsed, n, d, rule).ok_or_else(too_large)?;
            // The reserve is what keeps reserved = granted + exercised + available true.
            let reserved_after =
                i128::from(available_after) + granted + i128::from(exercised_after);
            self.granted.insert(plan, granted);
            self.exercised.insert(plan, i128::from(exercised_after));
            self.lapsed.insert(plan, i128::from(lapsed_after));
            self.reserved.insert(plan, reserved_after);
            effect.plans.push(SplitPlan {
                plan,
                reserved_before: reserved as u64,
                reserved_after: reserved_after as u64,
                available_before: available as u64,
                available_after,
            });
        }
        self.claimed.insert(class, self.claimed_by(class));

        let authorized_before = self.authorized(class);
        self.authorized_steps
            .entry(class)
            .or_default()
            .push((e.id, AuthorizedStep::Scale(n, d, rule)));
        self.refresh_authorized(class);
        if let (Some(b), Some(a)) = (authorized_before, self.authorized(class)) {
            effect.authorized = Some((b, a));
        }

        if let Some(price) = self.original_issue_price(class) {
            let after = price * Decimal::from(d) / Decimal::from(n);
            self.issue_prices.insert(class, after);
            effect.original_issue_price = Some((price, after));
        }

        let steps = self.records.split_ratio_steps(&e.movement);
        let before: Vec<Decimal> = steps.iter().map(|(c, _, _)| self.ratio(*c)).collect();
        self.ratios.apply(self.records, e);
        for ((c, _, _), b) in steps.iter().zip(before) {
            effect.conversion_ratios.push((*c, b, self.ratio(*c)));
        }
        self.check_authorized(class, "ratio")?;
        Ok(effect)
    }

    /// Outstanding shares of a class plus what its plans still reserve.
    fn claimed_by(&self, class: ClassId) -> i128 {
        let held: i128 = self
            .held
            .iter()
            .filter(|((_, c), _)| *c == class)
            .map(|(_, v)| *v)
            .sum();
        let reserved: i128 = self
            .plan_class
            .iter()
            .filter(|(_, c)| **c == class)
            .map(|(p, _)| {
                self.reserved.get(p).copied().unwrap_or(0)
                    - self.exercised.get(p).copied().unwrap_or(0)
            })
            .sum();
        held + reserved
    }

    /// The conversion ratio of a class after the entries applied so far.
    pub(crate) fn ratio(&self, class: ClassId) -> Decimal {
        self.ratios.ratio(self.records, class)
    }

    /// The plan a grant draws on, and its holder.
    pub(crate) fn grant_of(
        records: Records<'_>,
        grant: EntryId,
    ) -> Option<(crate::domain::StakeholderId, PlanId)> {
        match records.entry(grant)?.movement {
            Movement::OptionGrant { holder, plan, .. } => Some((holder, plan)),
            _ => None,
        }
    }

    /// The holder and plan of a grant.
    pub(crate) fn grant(&self, grant: EntryId) -> Option<(StakeholderId, PlanId)> {
        self.grant_info
            .get(&grant)
            .copied()
            .or_else(|| Self::grant_of(self.records, grant))
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
                match self.records.entry(*instrument).map(|e| &e.movement) {
                    Some(Movement::ConvertibleIssuance { holder, .. }) => [Some(*holder), None],
                    _ => [None, None],
                }
            }
            Movement::Reversal { reverses, .. } => self
                .records
                .entry(*reverses)
                .map_or([None, None], |e| self.holders_moved(&e.movement)),
            Movement::PoolIncrease { .. }
            | Movement::ConversionRatioAdjustment { .. }
            | Movement::StockSplit { .. }
            | Movement::AuthorizedSharesAdjustment { .. } => [None, None],
        }
    }

    fn deltas(&self, e: &Entry) -> Deltas {
        let records = self.records;
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
            // A ratio or a limit moves no account (see `Ratios`); a split scales every
            // account of its class at once (`split`), which a list of deltas cannot say.
            Movement::ConversionRatioAdjustment { .. }
            | Movement::StockSplit { .. }
            | Movement::AuthorizedSharesAdjustment { .. } => Deltas::of(&[]),
            Movement::ConvertibleConversion {
                instrument,
                class,
                shares,
            } => {
                let holder = match records.entry(*instrument).map(|i| &i.movement) {
                    Some(Movement::ConvertibleIssuance { holder, .. }) => *holder,
                    _ => return Deltas::of(&[]),
                };
                Deltas::of(&[
                    Delta::Convertible(*instrument, -1),
                    Delta::Held(holder, *class, n(*shares)),
                ])
            }
            Movement::Reversal { reverses, .. } => match records.entry(*reverses) {
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
            self.lapse(grant);
        }
    }

    /// Returns what is left of a grant to its plan's pool.
    fn lapse(&mut self, grant: EntryId) {
        let left = self.grants.get(&grant).copied().unwrap_or(0);
        if left <= 0 {
            return;
        }
        if let Some((_, plan)) = self.grant(grant) {
            self.grants.insert(grant, 0);
            *self.granted.entry(plan).or_insert(0) -= left;
            *self.lapsed.entry(plan).or_insert(0) += left;
        }
    }

    /// The last day a grant's options can be exercised, if they expire.
    fn expiry(&self, grant: EntryId) -> Option<NaiveDate> {
        if let Some(x) = self.resumed_expiries.get(&grant) {
            return *x;
        }
        match self.records.entry(grant).map(|e| &e.movement) {
            Some(Movement::OptionGrant { expires, .. }) => *expires,
            _ => None,
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
        if let Movement::StockSplit { .. } = e.movement {
            // A reversed split is skipped: it is reversed only as of its own date.
            if self.records.reversal_of(e.id).is_none() {
                self.split(e)?;
            }
            return Ok(());
        }
        self.ratios.apply(self.records, e);
        self.apply_authorized(e)?;
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
        // Options given back to a grant that has already expired (the reversal of an exercise
        // or a cancellation dated after the expiry) lapse at once, as they would have had the
        // reversed entry never been recorded.
        for d in deltas.iter() {
            if let Delta::Grant(grant, change) = d {
                if change > 0 && self.expiry(grant).is_some_and(|x| x < e.effective) {
                    self.lapse(grant);
                }
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
        let Some(authorized) = self.authorized(class) else {
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
        Movement::StockSplit { .. } => "ratio",
        Movement::AuthorizedSharesAdjustment { .. } => "authorized",
        _ => "shares",
    }
}
