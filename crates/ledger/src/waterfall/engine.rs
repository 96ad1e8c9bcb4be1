//! The engine: a capitalisation checked and prepared once, then solved exactly at any exit
//! (the sweep of the choices in increasing order of their threshold) and rounded for output.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;

use super::exact::{
    apportion, per_share_times, ticks, too_large, units_to_decimal, Big, Exact, Mode,
};
use super::{
    Capitalisation, ClassPayout, ConvertibleKind, ConvertiblePayout, Decision, ExitTerms,
    HolderClassPayout, HolderPayout, OptionPayout, PreferenceBasis, WaterfallClass,
    WaterfallConvertible, WaterfallOutcome,
};
use crate::domain::{ClassKind, Participation};
use crate::error::{LedgerError, Result};
use crate::money::Money;
use crate::rounding::{RoundingPolicy, ShareRounding};
use crate::MAX_SHARES;

/// A capitalisation checked and prepared for any number of exits. Money inside is held as big
/// integers of "ticks" of 10^-k (k = the largest scale of any input amount), so every sum,
/// product and comparison is exact.
pub(super) struct Engine<'a> {
    pub(super) cap: &'a Capitalisation,
    pub(super) rounding: RoundingPolicy,
    /// The scale of the tick amounts below.
    k: u32,
    pub(super) classes: Vec<EClass>,
    lines: Vec<ELine>,
    pub(super) options: Vec<EOption>,
    holders: Vec<String>,
    /// Seniority tiers of the preferred classes, most senior first.
    pub(super) tiers: Vec<ETier>,
    /// Choices, in increasing order of their threshold on the common price.
    pub(super) events: Vec<Event>,
    pub(super) pref_total: Big,
    /// Common-equivalent shares in the common pool before any choice.
    pub(super) base_pool: Big,
}

/// A share class, or a SAFE or note (after the classes, in the capitalisation's order), as
/// the sweep sees it: a SAFE or note is a class of one line whose preference is its claim.
pub(super) struct EClass {
    shares: u64,
    pub(super) ce: u64,
    pub(super) pref: Big,
    /// The preference claim rounded half-up to `cash_decimals`, for reading.
    claim: Decimal,
    pub(super) cap: Option<Big>,
    lines: Vec<usize>,
    pub(super) role: Role,
    /// The class's name, or the SAFE's or note's.
    pub(super) name: String,
    /// A SAFE's or note's holder.
    pub(super) holder: Option<usize>,
    /// A SAFE's or note's index among the capitalisation's convertibles.
    convertible: Option<usize>,
}

/// What a line of the sweep is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Common,
    Preferred(Participation),
    /// A SAFE or note with a claim: it takes the claim or, with conversion shares, converts.
    Convertible(ConvertibleKind),
    /// A SAFE or note that can only convert: in the common pool from the start.
    Converting(ConvertibleKind),
    /// The part of a fixed Conversion Amount above the claim: a fixed payment after every
    /// claim and preference, before the common pool.
    Extra(ConvertibleKind),
}

impl Role {
    /// In the common pool before any choice.
    pub(super) fn starts_in_pool(self) -> bool {
        matches!(
            self,
            Role::Common
                | Role::Preferred(Participation::Full)
                | Role::Preferred(Participation::Capped { .. })
                | Role::Converting(_)
        )
    }

    /// What its claim is called in words.
    pub(super) fn claim_words(self) -> &'static str {
        match self {
            Role::Convertible(ConvertibleKind::Safe) => "cash-out amount",
            Role::Convertible(ConvertibleKind::Note) => "repayment",
            Role::Extra(_) => "conversion amount above its claim",
            _ => "preference",
        }
    }
}

/// One holder's shares of one class.
struct ELine {
    holder: usize,
    class: usize,
    shares: u64,
    ce: u64,
    pref: Big,
    cap: Option<Big>,
}

pub(super) struct EOption {
    holder: usize,
    pub(super) class: usize,
    ce: u64,
    cost: Big,
}

pub(super) struct ETier {
    pub(super) classes: Vec<usize>,
    pub(super) total: Big,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EventKind {
    /// A non-participating class converts.
    Convert,
    /// A capped class reaches its cap.
    HitCap,
    /// A capped class (at its cap) converts.
    CapConvert,
    /// An option grant is exercised.
    Exercise,
}

impl EventKind {
    /// Among equal thresholds: a class reaches its cap before it converts from it.
    fn rank(self) -> u8 {
        match self {
            EventKind::HitCap => 0,
            EventKind::Convert | EventKind::CapConvert => 1,
            EventKind::Exercise => 2,
        }
    }
}

/// A choice taken when the common price exceeds `num / den` (`num` in ticks, `den` the
/// common-equivalent shares concerned).
pub(super) struct Event {
    pub(super) kind: EventKind,
    /// A class index, or an option index for `Exercise`.
    pub(super) target: usize,
    pub(super) num: Big,
    pub(super) den: Big,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ClassState {
    /// Non-participating, taking its preference.
    Preference,
    /// In the common pool (common, or participating preferred on top of its preference).
    Pool,
    /// Capped participating, paid its cap.
    AtCap,
    /// Converted to common.
    Converted,
}

/// The equilibrium at one exit, exact.
struct Solved {
    states: Vec<ClassState>,
    exercised: Vec<bool>,
    line_pref: Vec<Exact>,
    line_part: Vec<Exact>,
    option_pay: Vec<Exact>,
    /// Exercise proceeds, in ticks.
    exercise: Big,
    /// The common price, in money per common-equivalent share.
    price: Exact,
}

impl<'a> Engine<'a> {
    pub(super) fn new(cap: &'a Capitalisation, rounding: &RoundingPolicy) -> Result<Engine<'a>> {
        rounding.validate()?;
        cap.conventions.validate()?;
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, c) in cap.classes.iter().enumerate() {
            validate_class(c)?;
            if index.insert(c.name.as_str(), i).is_some() {
                return Err(LedgerError::invalid(
                    "classes",
                    format!("class '{}' is listed twice", c.name),
                ));
            }
        }
        for v in &cap.convertibles {
            validate_convertible(v)?;
            if index.contains_key(v.name.as_str())
                || cap.convertibles.iter().filter(|o| o.name == v.name).count() > 1
            {
                return Err(LedgerError::invalid(
                    "convertibles",
                    format!(
                        "'{}' names two classes or instruments; each needs its own name",
                        v.name
                    ),
                ));
            }
        }
        let find = |name: &str, holder: &str| {
            index.get(name).copied().ok_or_else(|| {
                LedgerError::unknown(
                    "class",
                    format!("{holder} holds class '{name}', which is not among the classes"),
                )
            })
        };
        let invested_basis = cap.conventions.preference_basis == PreferenceBasis::Invested;

        // The scale every amount is held at: preference and cap per share times shares (or
        // times the cash invested), strikes, the SAFEs' and notes' claims.
        let mut k = 0;
        for c in &cap.classes {
            if c.kind == ClassKind::Preferred {
                k = k.max(c.preference_multiple.scale() + c.original_issue_price.scale());
                if let Participation::Capped { cap_multiple } = c.participation {
                    k = k.max(cap_multiple.scale() + c.original_issue_price.scale());
                }
            }
        }
        if invested_basis {
            for h in &cap.holdings {
                let (Some(invested), Some(&c)) = (h.invested, index.get(h.class.as_str())) else {
                    continue;
                };
                let c = &cap.classes[c];
                if c.kind == ClassKind::Preferred {
                    k = k.max(c.preference_multiple.scale() + invested.scale());
                    if let Participation::Capped { cap_multiple } = c.participation {
                        k = k.max(cap_multiple.scale() + invested.scale());
                    }
                }
            }
        }
        for o in &cap.options {
            k = k.max(o.strike.scale());
        }
        for v in &cap.convertibles {
            k = k.max(v.claim.map_or(0, |c| c.scale()));
            k = k.max(v.conversion_amount.map_or(0, |c| c.scale()));
        }

        let mut holders: Vec<String> = Vec::new();
        let mut holder_index: HashMap<&str, usize> = HashMap::new();
        let mut holder_of = |name: &'a str| -> Result<usize> {
            if name.trim().is_empty() {
                return Err(LedgerError::invalid("holder", "a holder has no name"));
            }
            Ok(*holder_index.entry(name).or_insert_with(|| {
                holders.push(name.to_string());
                holders.len() - 1
            }))
        };

        // Holdings, merged per (holder, class), each with its preference and cap.
        let mut line_index: HashMap<(usize, usize), usize> = HashMap::new();
        let mut merged: Vec<(usize, usize, u64, Big, Option<Big>)> = Vec::new();
        for h in &cap.holdings {
            let holder = holder_of(&h.holder)?;
            let class = find(&h.class, &h.holder)?;
            check_count("shares", h.shares, &h.holder)?;
            if let Some(v) = h.invested.filter(|v| v.is_sign_negative() && !v.is_zero()) {
                return Err(LedgerError::invalid(
                    "invested",
                    format!("{}'s {} shares: {v} is negative", h.holder, h.class),
                ));
            }
            let c = &cap.classes[class];
            let (pref, cap_amount) = if c.kind == ClassKind::Preferred {
                // The base: the cash paid, or shares x original issue price.
                let times = |multiple: Decimal| match h.invested.filter(|_| invested_basis) {
                    Some(invested) => per_share_times(multiple, invested, 1, k),
                    None => per_share_times(multiple, c.original_issue_price, h.shares, k),
                };
                let cap_amount = match c.participation {
                    Participation::Capped { cap_multiple } => Some(times(cap_multiple)),
                    _ => None,
                };
                (times(c.preference_multiple), cap_amount)
            } else {
                (Big::zero(), None)
            };
            match line_index.get(&(holder, class)) {
                Some(&l) => {
                    let m = &mut merged[l];
                    m.2 = m.2.checked_add(h.shares).ok_or_else(|| {
                        LedgerError::invalid(
                            "shares",
                            format!("{} holds too many shares", h.holder),
                        )
                    })?;
                    m.3 = m.3.add(&pref);
                    m.4 = match (m.4.take(), cap_amount) {
                        (Some(a), Some(b)) => Some(a.add(&b)),
                        (a, b) => a.or(b),
                    };
                }
                None => {
                    line_index.insert((holder, class), merged.len());
                    merged.push((holder, class, h.shares, pref, cap_amount));
                }
            }
        }
        let mut classes: Vec<EClass> = cap
            .classes
            .iter()
            .map(|c| EClass {
                shares: 0,
                ce: 0,
                pref: Big::zero(),
                claim: Decimal::ZERO,
                cap: None,
                lines: Vec::new(),
                role: match c.kind {
                    ClassKind::Common => Role::Common,
                    ClassKind::Preferred => Role::Preferred(c.participation),
                },
                name: c.name.clone(),
                holder: None,
                convertible: None,
            })
            .collect();
        let mut lines = Vec::with_capacity(merged.len() + cap.convertibles.len());
        for (holder, class, shares, pref, cap_amount) in merged {
            let c = &cap.classes[class];
            let ce = as_converted(shares, c.conversion_ratio, rounding.conversion)?;
            let e = &mut classes[class];
            e.shares = e.shares.checked_add(shares).ok_or_else(|| {
                LedgerError::invalid("shares", format!("class '{}' has too many shares", c.name))
            })?;
            e.ce = e.ce.checked_add(ce).ok_or_else(|| {
                LedgerError::invalid(
                    "conversion_ratio",
                    format!("class '{}' converts into too many shares", c.name),
                )
            })?;
            e.pref = e.pref.add(&pref);
            if let Some(ca) = &cap_amount {
                e.cap = Some(e.cap.as_ref().map_or_else(|| ca.clone(), |x| x.add(ca)));
            }
            e.lines.push(lines.len());
            lines.push(ELine {
                holder,
                class,
                shares,
                ce,
                pref,
                cap: cap_amount,
            });
        }

        let mut options = Vec::with_capacity(cap.options.len());
        for o in &cap.options {
            let holder = holder_of(&o.holder)?;
            let class = find(&o.class, &o.holder)?;
            check_count("count", o.count, &o.holder)?;
            if o.strike.is_sign_negative() && !o.strike.is_zero() {
                return Err(LedgerError::invalid(
                    "strike",
                    format!("{}'s strike {} is negative", o.holder, o.strike),
                ));
            }
            let ce = as_converted(
                o.count,
                cap.classes[class].conversion_ratio,
                rounding.conversion,
            )?;
            let cost = ticks(o.strike, k).mul_small(o.count);
            options.push(EOption {
                holder,
                class,
                ce,
                cost,
            });
        }

        // SAFEs and notes: a class each, of one line, after the share classes; a fixed
        // Conversion Amount's part above the claim, a second one.
        for (n, v) in cap.convertibles.iter().enumerate() {
            let holder = holder_of(&v.holder)?;
            let claim = v.claim.map_or_else(Big::zero, |c| ticks(c, k));
            let extra = v
                .conversion_amount
                .map(|a| ticks(a, k).checked_sub(&claim).unwrap_or_default())
                .filter(|e| !e.is_zero());
            let parts = [(
                claim,
                v.conversion_shares,
                match v.claim {
                    Some(_) => Role::Convertible(v.kind),
                    None => Role::Converting(v.kind),
                },
            )]
            .into_iter()
            .chain(extra.map(|e| (e, 0, Role::Extra(v.kind))));
            for (pref, ce, role) in parts {
                let class = classes.len();
                classes.push(EClass {
                    shares: 0,
                    ce,
                    pref: pref.clone(),
                    claim: Decimal::ZERO,
                    cap: None,
                    lines: vec![lines.len()],
                    role,
                    name: v.name.clone(),
                    holder: Some(holder),
                    convertible: Some(n),
                });
                lines.push(ELine {
                    holder,
                    class,
                    shares: 0,
                    ce,
                    pref,
                    cap: None,
                });
            }
        }

        let unit = Big::pow10(k);
        for e in &mut classes {
            e.claim = Exact::new(e.pref.clone(), unit.clone())
                .round(rounding.cash_decimals, Mode::HalfUp)?;
        }

        // Seniority tiers, most senior first: the notes' repayments above every class, the
        // SAFEs' cash-out amounts with the most senior preferred class, and the fixed
        // Conversion Amounts' parts above their claims below every preference.
        let most_senior = cap
            .classes
            .iter()
            .filter(|c| c.kind == ClassKind::Preferred)
            .map(|c| i64::from(c.seniority))
            .max()
            .unwrap_or(0);
        let mut by_seniority: BTreeMap<std::cmp::Reverse<i64>, Vec<usize>> = BTreeMap::new();
        for (i, c) in classes.iter().enumerate() {
            let key = match c.role {
                Role::Preferred(_) => i64::from(cap.classes[i].seniority),
                Role::Convertible(ConvertibleKind::Safe) => most_senior,
                Role::Convertible(ConvertibleKind::Note) => i64::MAX,
                Role::Extra(_) => i64::MIN,
                Role::Common | Role::Converting(_) => continue,
            };
            by_seniority
                .entry(std::cmp::Reverse(key))
                .or_default()
                .push(i);
        }
        let tiers: Vec<ETier> = by_seniority
            .into_values()
            .map(|members| {
                let total = members
                    .iter()
                    .fold(Big::zero(), |t, &i| t.add(&classes[i].pref));
                ETier {
                    classes: members,
                    total,
                }
            })
            .collect();
        let pref_total = tiers.iter().fold(Big::zero(), |t, tier| t.add(&tier.total));

        // The choices and their thresholds. A class or grant with no common-equivalent shares
        // has nothing to gain from the pool and never chooses.
        let mut events = Vec::new();
        let mut base_pool = Big::zero();
        for (i, e) in classes.iter().enumerate() {
            let ce = Big::from_u128(u128::from(e.ce));
            match e.role {
                Role::Common | Role::Preferred(Participation::Full) | Role::Converting(_) => {
                    base_pool = base_pool.add(&ce);
                }
                // Fixed: paid in its tier, never in the pool.
                Role::Extra(_) => {}
                // A SAFE or a note takes its claim or converts, as non-participating
                // preferred takes its preference or converts.
                Role::Preferred(Participation::None) | Role::Convertible(_) => {
                    if e.ce > 0 {
                        events.push(Event {
                            kind: EventKind::Convert,
                            target: i,
                            num: e.pref.clone(),
                            den: ce,
                        });
                    }
                }
                Role::Preferred(Participation::Capped { .. }) => {
                    base_pool = base_pool.add(&ce);
                    if e.ce > 0 {
                        let cap_total = e.cap.clone().unwrap_or_default();
                        // validate_class guarantees cap >= preference per share, hence in total.
                        let above = cap_total.checked_sub(&e.pref).unwrap_or_default();
                        events.push(Event {
                            kind: EventKind::HitCap,
                            target: i,
                            num: above,
                            den: ce.clone(),
                        });
                        events.push(Event {
                            kind: EventKind::CapConvert,
                            target: i,
                            num: cap_total,
                            den: ce,
                        });
                    }
                }
            }
        }
        for (j, o) in options.iter().enumerate() {
            if o.ce > 0 {
                events.push(Event {
                    kind: EventKind::Exercise,
                    target: j,
                    num: o.cost.clone(),
                    den: Big::from_u128(u128::from(o.ce)),
                });
            }
        }
        events.sort_by(|a, b| {
            a.num
                .mul(&b.den)
                .cmp(&b.num.mul(&a.den))
                .then(a.kind.rank().cmp(&b.kind.rank()))
                .then(a.target.cmp(&b.target))
        });

        Ok(Engine {
            cap,
            rounding: rounding.clone(),
            k,
            classes,
            lines,
            options,
            holders,
            tiers,
            events,
            pref_total,
            base_pool,
        })
    }

    /// A holder's name.
    pub(super) fn holder_name(&self, h: usize) -> &str {
        &self.holders[h]
    }

    /// Exit terms checked and held in ticks of 10^-k, k at least the engine's.
    pub(super) fn exit_ticks(&self, exit: &ExitTerms) -> Result<ExitTicks> {
        for (field, v) in [
            ("exit_value", exit.exit_value),
            ("transaction_costs", exit.transaction_costs),
            ("debt", exit.debt),
        ] {
            if v.is_sign_negative() && !v.is_zero() {
                return Err(LedgerError::invalid(
                    field,
                    format!("{v} is negative; it must be at least 0"),
                ));
            }
        }
        let k = self
            .k
            .max(exit.exit_value.scale())
            .max(exit.transaction_costs.scale())
            .max(exit.debt.scale());
        let value = ticks(exit.exit_value, k);
        let deductions = ticks(exit.transaction_costs, k).add(&ticks(exit.debt, k));
        let net = value.checked_sub(&deductions).unwrap_or_default();
        Ok(ExitTicks {
            up: (k > self.k).then(|| Big::pow10(k - self.k)),
            unit: Big::pow10(k),
            net,
            deductions,
        })
    }

    /// Solves the waterfall at net proceeds `x.net`.
    ///
    /// While the net proceeds do not cover every preference, the common price is 0: nobody
    /// converts (converting would pay a class a share of what is left after the preferences that
    /// stay, which is less than what its preference already gets), no option is worth
    /// exercising, and the tiers are paid most senior first.
    ///
    /// Otherwise the state is (F, E, S): F the fixed payouts (preferences of classes not
    /// converted, plus cap - preference of classes at their cap), E the exercise proceeds, S
    /// the common-equivalent shares in the pool; the pool is R = N + E - F and the common price
    /// q = R / S. Every choice has a threshold t (money per common-equivalent share) and is
    /// taken when q > t, i.e. R x den > num x S, compared exactly. Taking it keeps
    /// `R - t S` unchanged (a conversion or an exercise adds t x its shares to R and its shares
    /// to S; reaching the cap removes t x its shares from both; converting from the cap adds the
    /// cap = t x its shares to R and its shares to S), so:
    /// - after a choice at t, q is still > t (or S = 0 with R > 0), and every threshold met
    ///   before (all <= t) is still below q: no earlier choice wants undoing;
    /// - at the first threshold t' with q <= t' the sweep stops, and every later threshold is at
    ///   least t', hence at least q: no later choice is wanted. The state is an equilibrium:
    ///   each class and grant does what pays it more given all the others.
    ///
    /// Termination: each event is met once, in a single pass over a finite sorted list (at most
    /// two per class and one per grant). The equilibrium's payouts are unique: the total paid
    /// as a function of q is continuous and non-decreasing, so q is the one that pays out N.
    fn solve(&self, x: &ExitTicks) -> Result<Solved> {
        let mut states: Vec<ClassState> = self
            .classes
            .iter()
            .map(|c| match c.role {
                Role::Preferred(Participation::None) | Role::Convertible(_) | Role::Extra(_) => {
                    ClassState::Preference
                }
                _ => ClassState::Pool,
            })
            .collect();
        let mut exercised = vec![false; self.options.len()];
        let zero = Exact::zero();
        let pref_total = x.up(&self.pref_total);

        if x.net < pref_total {
            // Preferences only, by seniority.
            let mut line_pref = vec![zero.clone(); self.lines.len()];
            let mut avail = x.net.clone();
            for tier in &self.tiers {
                let total = x.up(&tier.total);
                if total.is_zero() {
                    continue;
                }
                let full = avail >= total;
                for &c in &tier.classes {
                    for &l in &self.classes[c].lines {
                        let pref = x.up(&self.lines[l].pref);
                        line_pref[l] = if full {
                            Exact::new(pref, x.unit.clone())
                        } else {
                            Exact::new(pref.mul(&avail), total.mul(&x.unit))
                        };
                    }
                }
                if full {
                    avail = avail.checked_sub(&total).unwrap_or_default();
                } else {
                    avail = Big::zero();
                }
            }
            return Ok(Solved {
                states,
                exercised,
                line_part: vec![zero.clone(); self.lines.len()],
                line_pref,
                option_pay: vec![zero.clone(); self.options.len()],
                exercise: Big::zero(),
                price: zero,
            });
        }

        let mut fixed = pref_total;
        let mut exercise = Big::zero();
        let mut pool = self.base_pool.clone();
        for ev in &self.events {
            let r = pool_money(&x.net, &exercise, &fixed)?;
            let num = x.up(&ev.num);
            if r.mul(&ev.den) <= num.mul(&pool) {
                break;
            }
            self.apply(
                ev,
                x,
                &mut states,
                &mut exercised,
                &mut fixed,
                &mut exercise,
                &mut pool,
            )?;
        }
        let r = pool_money(&x.net, &exercise, &fixed)?;
        if pool.is_zero() && !r.is_zero() {
            return Err(LedgerError::invalid(
                "holdings",
                "no shares are left to receive what remains after the preferences",
            ));
        }

        // Every line over one denominator: S x 10^k (10^k when the pool is empty).
        let scale = if pool.is_zero() {
            Big::from_u128(1)
        } else {
            pool.clone()
        };
        let den = scale.mul(&x.unit);
        let over = |ticks: Big| Exact::new(ticks.mul(&scale), den.clone());
        let share = |ce: u64| Exact::new(r.mul_small(ce), den.clone());
        let mut line_pref = Vec::with_capacity(self.lines.len());
        let mut line_part = Vec::with_capacity(self.lines.len());
        for line in &self.lines {
            let state = states[line.class];
            line_pref.push(if state == ClassState::Converted {
                Exact::zero()
            } else {
                over(x.up(&line.pref))
            });
            line_part.push(match state {
                ClassState::Pool | ClassState::Converted if !pool.is_zero() => share(line.ce),
                ClassState::AtCap => {
                    let cap = line.cap.clone().unwrap_or_default();
                    over(x.up(&cap.checked_sub(&line.pref).unwrap_or_default()))
                }
                _ => Exact::zero(),
            });
        }
        let option_pay = self
            .options
            .iter()
            .zip(&exercised)
            .map(|(o, &ex)| {
                if ex && !pool.is_zero() {
                    share(o.ce)
                } else {
                    Exact::zero()
                }
            })
            .collect();
        let price = if pool.is_zero() {
            Exact::zero()
        } else {
            Exact::new(r.clone(), pool.mul(&x.unit))
        };
        Ok(Solved {
            states,
            exercised,
            line_pref,
            line_part,
            option_pay,
            exercise,
            price,
        })
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn apply(
        &self,
        ev: &Event,
        x: &ExitTicks,
        states: &mut [ClassState],
        exercised: &mut [bool],
        fixed: &mut Big,
        exercise: &mut Big,
        pool: &mut Big,
    ) -> Result<()> {
        let broken = || LedgerError::conflict("waterfall", "internal: the sweep lost its balance");
        match ev.kind {
            EventKind::Convert => {
                let c = &self.classes[ev.target];
                *fixed = fixed.checked_sub(&x.up(&c.pref)).ok_or_else(broken)?;
                *pool = pool.add(&ev.den);
                states[ev.target] = ClassState::Converted;
            }
            EventKind::HitCap => {
                *fixed = fixed.add(&x.up(&ev.num));
                *pool = pool.checked_sub(&ev.den).ok_or_else(broken)?;
                states[ev.target] = ClassState::AtCap;
            }
            EventKind::CapConvert => {
                *fixed = fixed.checked_sub(&x.up(&ev.num)).ok_or_else(broken)?;
                *pool = pool.add(&ev.den);
                states[ev.target] = ClassState::Converted;
            }
            EventKind::Exercise => {
                *exercise = exercise.add(&x.up(&self.options[ev.target].cost));
                *pool = pool.add(&ev.den);
                exercised[ev.target] = true;
            }
        }
        Ok(())
    }

    pub(super) fn outcome(&self, exit: &ExitTerms) -> Result<WaterfallOutcome> {
        let x = self.exit_ticks(exit)?;
        let s = self.solve(&x)?;
        let cd = self.rounding.cash_decimals;
        let currency = self.cap.currency;
        let money = |d: Decimal| Money::new(d, currency);

        // Exact class totals.
        let n_classes = self.classes.len();
        let mut class_pref = vec![Exact::zero(); n_classes];
        let mut class_part = vec![Exact::zero(); n_classes];
        for (l, line) in self.lines.iter().enumerate() {
            class_pref[line.class] = class_pref[line.class].add(&s.line_pref[l]);
            class_part[line.class] = class_part[line.class].add(&s.line_part[l]);
        }
        let class_total: Vec<Exact> = class_pref
            .iter()
            .zip(&class_part)
            .map(|(a, b)| a.add(b))
            .collect();
        // Each SAFE or note: what it is paid as its claim, and as its Conversion Amount (from
        // the pool, or fixed); whether it converted.
        let n_real = self.cap.classes.len();
        let n_conv = self.cap.convertibles.len();
        let mut conv_claim = vec![Exact::zero(); n_conv];
        let mut conv_conversion = vec![Exact::zero(); n_conv];
        let mut conv_converted = vec![false; n_conv];
        let mut conv_claim_class = vec![0; n_conv];
        for (i, e) in self.classes.iter().enumerate().skip(n_real) {
            let Some(v) = e.convertible else { continue };
            match e.role {
                Role::Extra(_) => {
                    conv_conversion[v] = conv_conversion[v].add(&class_pref[i]);
                    conv_converted[v] |= !class_pref[i].is_zero();
                }
                _ => {
                    conv_claim[v] = conv_claim[v].add(&class_pref[i]);
                    conv_conversion[v] = conv_conversion[v].add(&class_part[i]);
                    conv_converted[v] |= matches!(e.role, Role::Converting(_))
                        || s.states[i] == ClassState::Converted;
                    conv_claim_class[v] = i;
                }
            }
        }

        // Top level: the classes, the SAFEs and notes, then the option grants, to the
        // distributable amount.
        let distributable = Exact::new(x.net.add(&s.exercise), x.unit.clone());
        let target = distributable.round_units(cd, Mode::HalfUp);
        let mut items: Vec<Exact> = class_total[..n_real].to_vec();
        items.extend(
            conv_claim
                .iter()
                .zip(&conv_conversion)
                .map(|(a, b)| a.add(b)),
        );
        items.extend(s.option_pay.iter().cloned());
        let top = apportion(&items, &target, cd)?;

        let mut holder_units: Vec<Big> = vec![Big::zero(); self.holders.len()];
        let mut holder_lines: Vec<Vec<HolderClassPayout>> = vec![Vec::new(); self.holders.len()];
        let mut holder_options: Vec<Big> = vec![Big::zero(); self.holders.len()];
        let mut holder_cost: Vec<Exact> = vec![Exact::zero(); self.holders.len()];
        let mut holder_convertibles: Vec<Big> = vec![Big::zero(); self.holders.len()];
        let mut classes = Vec::with_capacity(n_real);
        for (i, c) in self.cap.classes.iter().enumerate() {
            let e = &self.classes[i];
            let split = apportion(&[class_pref[i].clone(), class_part[i].clone()], &top[i], cd)?;
            let line_totals: Vec<Exact> = e
                .lines
                .iter()
                .map(|&l| s.line_pref[l].add(&s.line_part[l]))
                .collect();
            let line_units = apportion(&line_totals, &top[i], cd)?;
            for (&l, units) in e.lines.iter().zip(line_units) {
                let line = &self.lines[l];
                holder_units[line.holder] = holder_units[line.holder].add(&units);
                holder_lines[line.holder].push(HolderClassPayout {
                    class: c.name.clone(),
                    shares: line.shares,
                    as_converted: line.ce,
                    amount: money(units_to_decimal(&units, cd)?),
                });
            }
            let decision = match (c.kind, c.participation, s.states[i]) {
                (ClassKind::Common, _, _) => Decision::Common,
                (_, _, ClassState::Converted) => Decision::Converts,
                (_, _, ClassState::AtCap) => Decision::Capped,
                (_, Participation::None, _) => Decision::TakesPreference,
                _ => Decision::Participates,
            };
            let per_share = if e.shares == 0 {
                Decimal::ZERO
            } else {
                class_total[i].per(e.shares).round(
                    self.rounding.price_decimals,
                    Mode::of(self.rounding.price_direction),
                )?
            };
            classes.push(ClassPayout {
                name: c.name.clone(),
                kind: c.kind,
                decision,
                shares: e.shares,
                as_converted: e.ce,
                preference_claim: money(e.claim),
                preference_paid: money(units_to_decimal(&split[0], cd)?),
                participation_paid: money(units_to_decimal(&split[1], cd)?),
                total: money(units_to_decimal(&top[i], cd)?),
                total_exact: class_total[i].truncated()?,
                per_share,
            });
        }

        let mut convertibles = Vec::with_capacity(n_conv);
        for (n, v) in self.cap.convertibles.iter().enumerate() {
            let units = &top[n_real + n];
            let e = &self.classes[conv_claim_class[n]];
            if let Some(h) = e.holder {
                holder_convertibles[h] = holder_convertibles[h].add(units);
            }
            let split = apportion(
                &[conv_claim[n].clone(), conv_conversion[n].clone()],
                units,
                cd,
            )?;
            let decision = if conv_converted[n] {
                Decision::Converts
            } else if v.kind == ConvertibleKind::Note {
                Decision::Repaid
            } else {
                Decision::CashOut
            };
            let cash = |d: Decimal| -> Result<Money> {
                Ok(money(
                    Exact::new(ticks(d, self.k), Big::pow10(self.k)).round(cd, Mode::HalfUp)?,
                ))
            };
            convertibles.push(ConvertiblePayout {
                name: v.name.clone(),
                holder: v.holder.clone(),
                kind: v.kind,
                decision,
                claim: money(e.claim),
                conversion_shares: v.conversion_shares,
                conversion_price: v.conversion_price,
                conversion_amount: v.conversion_amount.map(cash).transpose()?,
                claim_paid: money(units_to_decimal(&split[0], cd)?),
                conversion_paid: money(units_to_decimal(&split[1], cd)?),
                total: money(units_to_decimal(units, cd)?),
                total_exact: conv_claim[n].add(&conv_conversion[n]).truncated()?,
            });
        }

        let mut options = Vec::with_capacity(self.options.len());
        for (j, (o, input)) in self.options.iter().zip(&self.cap.options).enumerate() {
            let units = &top[n_real + n_conv + j];
            let exercised = s.exercised[j];
            let cost = if exercised {
                Exact::new(x.up(&o.cost), x.unit.clone())
            } else {
                Exact::zero()
            };
            let payout = units_to_decimal(units, cd)?;
            let cost_d = cost.truncated()?;
            holder_options[o.holder] = holder_options[o.holder].add(units);
            holder_cost[o.holder] = holder_cost[o.holder].add(&cost);
            options.push(OptionPayout {
                holder: input.holder.clone(),
                class: input.class.clone(),
                kind: input.kind,
                count: input.count,
                strike: input.strike,
                as_converted: o.ce,
                exercised,
                exercise_cost: money(cost_d),
                payout: money(payout),
                net: money(payout.checked_sub(cost_d).ok_or_else(too_large)?),
            });
        }

        let mut holders = Vec::with_capacity(self.holders.len());
        for (h, name) in self.holders.iter().enumerate() {
            let total = holder_units[h]
                .add(&holder_options[h])
                .add(&holder_convertibles[h]);
            holders.push(HolderPayout {
                holder: name.clone(),
                by_class: std::mem::take(&mut holder_lines[h]),
                options: money(units_to_decimal(&holder_options[h], cd)?),
                convertibles: money(units_to_decimal(&holder_convertibles[h], cd)?),
                exercise_cost: money(holder_cost[h].truncated()?),
                total: money(units_to_decimal(&total, cd)?),
            });
        }

        let outstanding = self
            .classes
            .iter()
            .zip(&s.states)
            .filter(|(c, st)| **st != ClassState::Converted && !matches!(c.role, Role::Extra(_)))
            .fold(Big::zero(), |t, (c, _)| t.add(&c.pref));
        Ok(WaterfallOutcome {
            currency,
            exit_value: money(exit.exit_value),
            transaction_costs: money(exit.transaction_costs),
            debt: money(exit.debt),
            net_proceeds: money(Exact::new(x.net.clone(), x.unit.clone()).truncated()?),
            exercise_proceeds: money(Exact::new(s.exercise.clone(), x.unit.clone()).truncated()?),
            total_distributed: money(units_to_decimal(&target, cd)?),
            preferences_outstanding: money(
                Exact::new(outstanding, Big::pow10(self.k)).round(cd, Mode::HalfUp)?,
            ),
            common_price_per_share: s.price.round(
                self.rounding.price_decimals,
                Mode::of(self.rounding.price_direction),
            )?,
            common_price_per_share_exact: s.price.truncated()?,
            classes,
            holders,
            options,
            convertibles,
            conventions: self.cap.conventions,
            rounding: self.rounding.clone(),
        })
    }
}

/// An exit in ticks of 10^-k.
pub(super) struct ExitTicks {
    /// 10^(k - engine.k), when more than 1: turns the engine's ticks into these.
    up: Option<Big>,
    /// 10^k: one unit of money in ticks.
    pub(super) unit: Big,
    net: Big,
    pub(super) deductions: Big,
}

impl ExitTicks {
    /// An amount in the engine's ticks, in these.
    pub(super) fn up(&self, b: &Big) -> Big {
        match &self.up {
            Some(f) => b.mul(f),
            None => b.clone(),
        }
    }
}

fn pool_money(net: &Big, exercise: &Big, fixed: &Big) -> Result<Big> {
    net.add(exercise).checked_sub(fixed).ok_or_else(|| {
        LedgerError::conflict("waterfall", "internal: the common pool went below zero")
    })
}

fn validate_convertible(v: &WaterfallConvertible) -> Result<()> {
    if v.name.trim().is_empty() {
        return Err(LedgerError::invalid("name", "a SAFE or note has no name"));
    }
    if let Some(c) = v.claim.filter(|c| c.is_sign_negative() && !c.is_zero()) {
        return Err(LedgerError::invalid(
            "claim",
            format!("'{}': {c} is negative", v.name),
        ));
    }
    if let Some(a) = v.conversion_amount {
        if v.conversion_shares > 0 || v.claim.is_none_or(|c| a < c) {
            return Err(LedgerError::invalid(
                "conversion_amount",
                format!(
                    "'{}': a Conversion Amount fixed in money needs a claim no larger than it \
                     and no conversion shares",
                    v.name
                ),
            ));
        }
    }
    if v.claim.is_none() && v.conversion_shares == 0 {
        return Err(LedgerError::invalid(
            "conversion_shares",
            format!(
                "'{}' has no claim and converts into no shares: nothing would pay it",
                v.name
            ),
        ));
    }
    check_count("conversion_shares", v.conversion_shares, &v.holder)
}

fn validate_class(c: &WaterfallClass) -> Result<()> {
    let at = |m: String| format!("class '{}': {m}", c.name);
    if c.name.trim().is_empty() {
        return Err(LedgerError::invalid("name", "a class has no name"));
    }
    if c.original_issue_price.is_sign_negative() && !c.original_issue_price.is_zero() {
        return Err(LedgerError::invalid(
            "original_issue_price",
            at(format!("{} is negative", c.original_issue_price)),
        ));
    }
    if c.preference_multiple.is_sign_negative() && !c.preference_multiple.is_zero() {
        return Err(LedgerError::invalid(
            "preference_multiple",
            at(format!("{} is negative", c.preference_multiple)),
        ));
    }
    if c.conversion_ratio <= Decimal::ZERO {
        return Err(LedgerError::invalid(
            "conversion_ratio",
            at(format!("{} is not above 0", c.conversion_ratio)),
        ));
    }
    match c.kind {
        ClassKind::Common => {
            if !c.preference_multiple.is_zero() {
                return Err(LedgerError::invalid(
                    "preference_multiple",
                    at("a common class has no liquidation preference (use 0)".into()),
                ));
            }
            if c.participation != Participation::None {
                return Err(LedgerError::invalid(
                    "participation",
                    at("a common class has no participation terms (use none)".into()),
                ));
            }
        }
        ClassKind::Preferred => {
            if let Participation::Capped { cap_multiple } = c.participation {
                if cap_multiple < c.preference_multiple {
                    return Err(LedgerError::invalid(
                        "cap_multiple",
                        at(format!(
                            "the cap ({cap_multiple}x) is the total return per share, preference \
                             included, and cannot be below the preference ({}x)",
                            c.preference_multiple
                        )),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn check_count(field: &'static str, n: u64, holder: &str) -> Result<()> {
    if n > MAX_SHARES {
        return Err(LedgerError::invalid(
            field,
            format!("{holder}: {n} is more than {MAX_SHARES}"),
        ));
    }
    Ok(())
}

/// shares x ratio, made whole by the policy's conversion rule, exactly.
fn as_converted(shares: u64, ratio: Decimal, rule: ShareRounding) -> Result<u64> {
    if ratio == Decimal::ONE {
        return Ok(shares);
    }
    let exact = Exact::new(
        Big::from_u128(ratio.mantissa().unsigned_abs()).mul_small(shares),
        Big::pow10(ratio.scale()),
    );
    let mode = match rule {
        ShareRounding::Floor => Mode::Down,
        ShareRounding::Ceiling => Mode::Up,
        ShareRounding::Nearest => Mode::HalfUp,
    };
    let whole = exact.round_units(0, mode);
    whole
        .to_u128()
        .and_then(|w| u64::try_from(w).ok())
        .ok_or_else(|| {
            LedgerError::invalid(
                "conversion_ratio",
                format!("{shares} shares at {ratio} convert into too many shares"),
            )
        })
}
