//! The cap table as of a date.
//!
//! Definitions (also in docs/captable.md):
//! - *Outstanding* shares: issued and not cancelled, repurchased or converted away,
//!   counted as converted to common (shares x the class's conversion ratio in force on
//!   the as-of date, rounded per holding as the policy's `conversion` rule says). The
//!   ratio in force is the class's own until a `ConversionRatioAdjustment` sets another.
//! - *Fully diluted* (FD) shares: outstanding shares as converted, plus every option
//!   granted and not yet exercised or cancelled (vested or not), plus the options still
//!   available for grant in every equity plan. SAFEs and convertible notes are NOT in
//!   FD: how many shares they become is set only by a priced round. They are listed
//!   apart, with their amounts. This is the usual "fully diluted" of Carta's cap table
//!   and of a priced round's price per share.
//! - Ownership percentages are a holder's shares over the total on the same basis,
//!   exact to 10 decimal places; they are for display and never fed back into math.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::book::Book;
use crate::domain::{ClassId, ClassKind, EntryId, PlanId, Provenance, StakeholderId};
use crate::error::{LedgerError, Result};
use crate::journal::Movement;
use crate::money::Money;
use crate::rounding::RoundingPolicy;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CapTable {
    pub as_of: NaiveDate,
    pub rounding: RoundingPolicy,
    pub holders: Vec<HolderRow>,
    pub classes: Vec<ClassRow>,
    pub plans: Vec<PlanRow>,
    pub convertibles: Vec<ConvertibleRow>,
    pub totals: Totals,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holding {
    pub class: ClassId,
    pub class_name: String,
    pub shares: u64,
    pub as_converted: u64,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HolderRow {
    pub stakeholder: StakeholderId,
    pub name: String,
    pub provenance: Provenance,
    pub holdings: Vec<Holding>,
    /// Options granted, not exercised or cancelled.
    pub options: u64,
    /// Outstanding shares as converted to common.
    pub outstanding: u64,
    pub fully_diluted: u64,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub outstanding_pct: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub fully_diluted_pct: Decimal,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassRow {
    pub class: ClassId,
    pub name: String,
    pub kind: ClassKind,
    pub authorized: Option<u64>,
    pub shares: u64,
    pub as_converted: u64,
    pub options: u64,
    pub pool_available: u64,
    pub fully_diluted: u64,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub outstanding_pct: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub fully_diluted_pct: Decimal,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanRow {
    pub plan: PlanId,
    pub name: String,
    pub class: ClassId,
    pub reserved: u64,
    pub granted_outstanding: u64,
    pub exercised: u64,
    /// Options of grants past their expiry date, not exercised or cancelled: back in the pool.
    pub expired: u64,
    pub available: u64,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub available_pct: Decimal,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConvertibleRow {
    pub instrument: EntryId,
    pub holder: StakeholderId,
    pub name: String,
    pub kind: &'static str,
    pub amount: Money,
    pub issued: NaiveDate,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub outstanding: u64,
    pub options: u64,
    pub pool_available: u64,
    pub fully_diluted: u64,
}

pub const PCT_DECIMALS: u32 = 10;

pub fn percent(part: u64, whole: u64) -> Decimal {
    if whole == 0 {
        return Decimal::ZERO;
    }
    let mut p = (Decimal::from(part) * Decimal::ONE_HUNDRED / Decimal::from(whole))
        .round_dp_with_strategy(PCT_DECIMALS, RoundingStrategy::MidpointNearestEven);
    // Always ten places, so the JSON shape never varies with the value.
    p.rescale(PCT_DECIMALS);
    p
}

impl Book {
    /// The class whose conversion ratio an entry sets, or whose adjustment it reverses.
    fn ratio_class(&self, m: &Movement) -> Option<ClassId> {
        match m {
            Movement::ConversionRatioAdjustment { class, .. } => Some(*class),
            Movement::Reversal { reverses, .. } => self
                .entry(*reverses)
                .and_then(|e| self.ratio_class(&e.movement)),
            _ => None,
        }
    }
}

fn to_u64(x: i128) -> Result<u64> {
    u64::try_from(x)
        .map_err(|_| LedgerError::conflict("journal", format!("a position of {x} cannot be shown")))
}

impl Book {
    /// The cap table on `as_of`, counting every entry effective on or before it.
    pub fn cap_table(&self, as_of: NaiveDate, rounding: &RoundingPolicy) -> Result<CapTable> {
        // A row is as illustrative as the least factual entry behind it.
        let mut illustrative: HashSet<StakeholderId> = HashSet::default();
        // Classes whose ratio an illustrative adjustment (or its reversal) set: every
        // holder of such a class has an illustrative as-converted count.
        let mut illustrative_ratio: HashSet<ClassId> = HashSet::default();
        let t = self.replay_to(as_of, |t, e| {
            if e.provenance == Provenance::Illustrative {
                illustrative.extend(t.holders_moved(&e.movement).into_iter().flatten());
                if let Some(class) = self.ratio_class(&e.movement) {
                    illustrative_ratio.insert(class);
                }
            }
        })?;

        // The ratio in force on `as_of`: the class's own, or the last adjustment's.
        let as_converted = |c: ClassId, shares: u64| -> Result<u64> {
            let r = t.ratio_fraction(c);
            if r.value() == Decimal::ONE {
                return Ok(shares);
            }
            rounding.conversion.apply(r.times(shares))
        };

        // Holders
        let mut per_holder: BTreeMap<StakeholderId, (Vec<Holding>, u64)> = BTreeMap::new();
        let mut held: Vec<_> = t.held.iter().filter(|(_, &n)| n != 0).collect();
        held.sort_by_key(|((h, c), _)| (*h, *c));
        for (&(holder, class), &n) in held {
            let shares = to_u64(n)?;
            if illustrative_ratio.contains(&class) {
                illustrative.insert(holder);
            }
            let row = per_holder.entry(holder).or_default();
            row.0.push(Holding {
                class,
                class_name: self.class_name(class).to_string(),
                shares,
                as_converted: as_converted(class, shares)?,
            });
        }
        let mut options_by_class: HashMap<ClassId, u64> = HashMap::default();
        for (&grant, &n) in t.grants.iter().filter(|(_, &n)| n != 0) {
            if let Some((holder, plan)) = t.grant(grant) {
                let options = to_u64(n)?;
                per_holder.entry(holder).or_default().1 += options;
                let class = self.plan(plan).map(|p| p.class).unwrap_or(ClassId(0));
                *options_by_class.entry(class).or_default() += options;
            }
        }

        // Plans
        let mut plans = Vec::new();
        let mut pool_by_class: HashMap<ClassId, u64> = HashMap::default();
        for p in self.plans() {
            if p.adopted > as_of {
                continue;
            }
            let g = |m: &HashMap<PlanId, i128>| m.get(&p.id).copied().unwrap_or(0);
            let available = to_u64(t.available(p.id))?;
            *pool_by_class.entry(p.class).or_default() += available;
            plans.push(PlanRow {
                plan: p.id,
                name: p.name.clone(),
                class: p.class,
                reserved: to_u64(g(&t.reserved))?,
                granted_outstanding: to_u64(g(&t.granted))?,
                exercised: to_u64(g(&t.exercised))?,
                expired: to_u64(g(&t.lapsed))?,
                available,
                available_pct: Decimal::ZERO,
            });
        }

        let mut holders = Vec::new();
        for (id, (holdings, options)) in per_holder {
            let outstanding: u64 = holdings.iter().map(|h| h.as_converted).sum();
            let s = self.stakeholder(id);
            holders.push(HolderRow {
                stakeholder: id,
                name: s.map_or_else(|| format!("#{id}"), |s| s.name.clone()),
                provenance: if illustrative.contains(&id) {
                    Provenance::Illustrative
                } else {
                    s.map_or(Provenance::Recorded, |s| s.provenance)
                },
                holdings,
                options,
                outstanding,
                fully_diluted: outstanding + options,
                outstanding_pct: Decimal::ZERO,
                fully_diluted_pct: Decimal::ZERO,
            });
        }

        // Classes
        let mut classes = Vec::new();
        for c in self.classes() {
            let (shares, conv) = holders
                .iter()
                .flat_map(|h| h.holdings.iter())
                .filter(|h| h.class == c.id)
                .fold((0u64, 0u64), |(s, a), h| (s + h.shares, a + h.as_converted));
            let options = options_by_class.get(&c.id).copied().unwrap_or(0);
            let pool = pool_by_class.get(&c.id).copied().unwrap_or(0);
            // An option or a pooled share counts as one share of its plan's class, unconverted.
            classes.push(ClassRow {
                class: c.id,
                name: c.name.clone(),
                kind: c.kind,
                authorized: t.authorized(c.id),
                shares,
                as_converted: conv,
                options,
                pool_available: pool,
                fully_diluted: conv + options + pool,
                outstanding_pct: Decimal::ZERO,
                fully_diluted_pct: Decimal::ZERO,
            });
        }

        let outstanding: u64 = holders.iter().map(|h| h.outstanding).sum();
        let options: u64 = holders.iter().map(|h| h.options).sum();
        let pool_available: u64 = plans.iter().map(|p| p.available).sum();
        let fully_diluted = outstanding + options + pool_available;
        for h in &mut holders {
            h.outstanding_pct = percent(h.outstanding, outstanding);
            h.fully_diluted_pct = percent(h.fully_diluted, fully_diluted);
        }
        for c in &mut classes {
            c.outstanding_pct = percent(c.as_converted, outstanding);
            c.fully_diluted_pct = percent(c.fully_diluted, fully_diluted);
        }
        for p in &mut plans {
            p.available_pct = percent(p.available, fully_diluted);
        }
        holders.sort_by(|a, b| {
            b.fully_diluted
                .cmp(&a.fully_diluted)
                .then_with(|| a.name.cmp(&b.name))
        });

        let mut convertibles = Vec::new();
        for (&instrument, &state) in &t.convertibles {
            if state != 1 {
                continue;
            }
            if let Some(Movement::ConvertibleIssuance { holder, terms }) =
                self.entry(instrument).map(|e| &e.movement)
            {
                convertibles.push(ConvertibleRow {
                    instrument,
                    holder: *holder,
                    name: self.stakeholder_name(*holder).to_string(),
                    kind: terms.label(),
                    amount: terms.amount(),
                    issued: self.entry(instrument).map_or(as_of, |e| e.effective),
                });
            }
        }
        convertibles.sort_by_key(|c| c.instrument);

        Ok(CapTable {
            as_of,
            rounding: rounding.clone(),
            holders,
            classes,
            plans,
            convertibles,
            totals: Totals {
                outstanding,
                options,
                pool_available,
                fully_diluted,
            },
        })
    }
}
