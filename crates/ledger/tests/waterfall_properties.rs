//! Property tests of the exit waterfall on random capitalisations (common, preferred of every
//! kind and seniority, conversion ratios, options) and random exits with costs and debt.
//!
//! The rules checked are those of docs/waterfall.md; the equilibrium rule is the usual
//! conversion rule (start with every class taking its preference; take the classes in order of
//! increasing preference per share; convert a class when converting pays it more; repeat the
//! pass until no class converts), and the best-choice property is the definition of
//! non-participating preferred in the NVCA model term sheet and Carta's liquidation preference
//! help page: "takes the greater of" its preference or its as-converted share.
//!
//! An independent reference (`Reference`, plain Decimal arithmetic, no shared code) pays out a
//! waterfall for *given* decisions; the engine's payouts must agree with it for the decisions
//! the engine reports, and no decision it did not take may pay a preferred class more.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use proptest::prelude::*;
use roundbook_ledger::waterfall::*;
use roundbook_ledger::{ClassKind, Currency, Participation, RoundingPolicy};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    }
}

/// Amounts compared with the reference may differ by its 28-digit divisions.
const EPS: Decimal = dec!(0.000000001);

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

fn cents(r: std::ops::Range<i64>) -> impl Strategy<Value = Decimal> {
    r.prop_map(|c| Decimal::new(c, 2))
}

fn preferred_class(i: usize) -> impl Strategy<Value = WaterfallClass> {
    (
        // Cents, or six decimals (a price per share set by a round).
        prop_oneof![
            cents(1..500),
            (1..5_000_000i64).prop_map(|m| Decimal::new(m, 6))
        ],
        prop::sample::select(vec![
            dec!(0),
            dec!(0.5),
            dec!(1),
            dec!(1),
            dec!(1.5),
            dec!(2),
            dec!(3),
        ]),
        0..3u8,
        prop::sample::select(vec![dec!(0), dec!(0.5), dec!(1), dec!(2), dec!(3)]),
        0..3i32,
        prop::sample::select(vec![
            dec!(1),
            dec!(1),
            dec!(1),
            dec!(0.5),
            dec!(1.5),
            dec!(2),
            // A ratio after a weighted-average adjustment.
            dec!(1.0526315789),
        ]),
    )
        .prop_map(move |(oip, multiple, p, extra, seniority, ratio)| {
            let participation = match p {
                0 => Participation::None,
                1 => Participation::Full,
                _ => Participation::Capped {
                    cap_multiple: multiple + extra,
                },
            };
            let mut c = WaterfallClass::preferred(
                &format!("Series {}", (b'A' + i as u8) as char),
                oip,
                multiple,
                participation,
                seniority,
            );
            c.conversion_ratio = ratio;
            c
        })
}

fn capitalisation(with_options: bool) -> impl Strategy<Value = Capitalisation> {
    (1..3usize, 0..5usize).prop_flat_map(move |(n_common, n_pref)| {
        let prefs: Vec<_> = (0..n_pref).map(preferred_class).collect();
        let n_classes = n_common + n_pref;
        let holdings = prop::collection::vec((0..5usize, 0..n_classes, 0..2_000_000u64), 1..9);
        let options = prop::collection::vec(
            (
                0..5usize,
                0..n_classes,
                1..1_000_000u64,
                cents(0..500),
                any::<bool>(),
            ),
            0..if with_options { 4 } else { 1 },
        );
        (prefs, holdings, options).prop_map(move |(prefs, holdings, options)| {
            let mut classes = vec![WaterfallClass::common("Common")];
            if n_common > 1 {
                let mut b = WaterfallClass::common("Common B");
                b.conversion_ratio = dec!(2);
                classes.push(b);
            }
            classes.extend(prefs);
            let holder = |h: usize| ["Ann", "Ben", "Cat", "Dan", "Eve"][h].to_string();
            Capitalisation {
                currency: Currency::USD,
                holdings: holdings
                    .iter()
                    .map(|&(h, c, shares)| WaterfallHolding {
                        holder: holder(h),
                        class: classes[c].name.clone(),
                        shares,
                        invested: None,
                    })
                    .collect(),
                options: if with_options {
                    options
                        .iter()
                        .map(|&(h, c, count, strike, warrant)| WaterfallOption {
                            holder: holder(h),
                            class: classes[c].name.clone(),
                            count,
                            strike,
                            kind: if warrant {
                                OptionKind::Warrant
                            } else {
                                OptionKind::Option
                            },
                        })
                        .collect()
                } else {
                    Vec::new()
                },
                classes,
                convertibles: vec![],
                conventions: ExitConventions::default(),
            }
        })
    })
}

fn exit() -> impl Strategy<Value = ExitTerms> {
    (
        cents(0..5_000_000_000),
        prop_oneof![Just(dec!(0)), cents(0..100_000_000)],
        prop_oneof![Just(dec!(0)), cents(0..100_000_000)],
    )
        .prop_map(|(exit_value, transaction_costs, debt)| ExitTerms {
            exit_value,
            transaction_costs,
            debt,
        })
}

fn policy() -> RoundingPolicy {
    RoundingPolicy::default()
}

/// A capitalisation whose holdings carry some shares (so that any proceeds have somewhere to go).
fn usable(cap: &Capitalisation) -> bool {
    cap.holdings.iter().any(|h| {
        let c = cap.classes.iter().find(|c| c.name == h.class).unwrap();
        h.shares > 0 && Decimal::from(h.shares) * c.conversion_ratio >= Decimal::ONE
    })
}

// ---------------------------------------------------------------------------------------------
// The reference
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum Choice {
    /// Preference only (non-participating not converting; the zero preference of common).
    Preference,
    Convert,
    /// Preference and a share of the pool.
    PreferenceAndPool,
    /// Preference and a fixed participation (a capped class at its cap).
    PreferenceAndFixed(Decimal),
    /// Common: the pool only.
    Pool,
}

/// Class terms in plain numbers, taken from the inputs and the engine's share counts.
struct Reference {
    classes: Vec<(WaterfallClass, Decimal, Decimal)>, // (terms, preference, common-equivalent shares)
    options: Vec<(Decimal, Decimal)>,                 // (exercise cost, common-equivalent shares)
    shares: Vec<Decimal>,
}

impl Reference {
    fn new(cap: &Capitalisation, o: &WaterfallOutcome) -> Reference {
        let classes = cap
            .classes
            .iter()
            .zip(&o.classes)
            .map(|(c, out)| {
                let pref = if c.kind == ClassKind::Preferred {
                    c.preference_multiple * c.original_issue_price * Decimal::from(out.shares)
                } else {
                    Decimal::ZERO
                };
                (c.clone(), pref, Decimal::from(out.as_converted))
            })
            .collect();
        let options = cap
            .options
            .iter()
            .zip(&o.options)
            .map(|(x, out)| {
                (
                    x.strike * Decimal::from(x.count),
                    Decimal::from(out.as_converted),
                )
            })
            .collect();
        let shares = o.classes.iter().map(|c| Decimal::from(c.shares)).collect();
        Reference {
            classes,
            options,
            shares,
        }
    }

    fn cap_total(&self, k: usize) -> Decimal {
        match self.classes[k].0.participation {
            Participation::Capped { cap_multiple } => {
                cap_multiple * self.classes[k].0.original_issue_price * self.shares[k]
            }
            _ => Decimal::MAX,
        }
    }

    /// The class totals and option payouts for these choices.
    fn pay(
        &self,
        net: Decimal,
        choices: &[Choice],
        exercised: &[bool],
    ) -> (Vec<Decimal>, Vec<Decimal>) {
        let mut pot = net
            + self
                .options
                .iter()
                .zip(exercised)
                .filter(|(_, e)| **e)
                .map(|(o, _)| o.0)
                .sum::<Decimal>();
        let mut out = vec![Decimal::ZERO; self.classes.len()];
        // Preferences, most senior tier first, pro rata within a tier.
        let mut tiers: BTreeMap<Reverse<i32>, Vec<usize>> = BTreeMap::new();
        for (k, (c, _, _)) in self.classes.iter().enumerate() {
            if c.kind == ClassKind::Preferred && choices[k] != Choice::Convert {
                tiers.entry(Reverse(c.seniority)).or_default().push(k);
            }
        }
        for members in tiers.values() {
            let claim: Decimal = members.iter().map(|&k| self.classes[k].1).sum();
            if claim.is_zero() {
                continue;
            }
            let paid = claim.min(pot);
            for &k in members {
                out[k] += self.classes[k].1 * paid / claim;
            }
            pot -= paid;
        }
        // Fixed participations (capped classes at their cap).
        let fixed: Decimal = choices
            .iter()
            .map(|c| match c {
                Choice::PreferenceAndFixed(f) => *f,
                _ => Decimal::ZERO,
            })
            .sum();
        if !fixed.is_zero() {
            let paid = fixed.min(pot);
            for (k, c) in choices.iter().enumerate() {
                if let Choice::PreferenceAndFixed(f) = c {
                    out[k] += *f * paid / fixed;
                }
            }
            pot -= paid;
        }
        // The pool.
        let in_pool = |k: usize| {
            matches!(
                choices[k],
                Choice::Convert | Choice::PreferenceAndPool | Choice::Pool
            )
        };
        let shares: Decimal = (0..self.classes.len())
            .filter(|&k| in_pool(k))
            .map(|k| self.classes[k].2)
            .sum::<Decimal>()
            + self
                .options
                .iter()
                .zip(exercised)
                .filter(|(_, e)| **e)
                .map(|(o, _)| o.1)
                .sum::<Decimal>();
        let mut opts = vec![Decimal::ZERO; self.options.len()];
        if !shares.is_zero() {
            for (k, total) in out.iter_mut().enumerate() {
                if in_pool(k) {
                    *total += pot * self.classes[k].2 / shares;
                }
            }
            for (j, pay) in opts.iter_mut().enumerate() {
                if exercised[j] {
                    *pay = pot * self.options[j].1 / shares;
                }
            }
        }
        (out, opts)
    }

    fn choices_of(&self, o: &WaterfallOutcome) -> Vec<Choice> {
        o.classes
            .iter()
            .enumerate()
            .map(|(k, c)| match c.decision {
                Decision::Common => Choice::Pool,
                Decision::TakesPreference | Decision::CashOut | Decision::Repaid => {
                    Choice::Preference
                }
                Decision::Converts => Choice::Convert,
                Decision::Participates => Choice::PreferenceAndPool,
                Decision::Capped => {
                    Choice::PreferenceAndFixed(self.cap_total(k) - self.classes[k].1)
                }
            })
            .collect()
    }
}

fn close(a: Decimal, b: Decimal) -> bool {
    (a - b).abs() <= EPS
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    /// Rounded payouts sum exactly to net proceeds + exercise proceeds; classes and options to
    /// the total; holders to the total; each class's holders to the class; preference +
    /// participation to the class; and each rounded payout is its exact value rounded down or up.
    #[test]
    fn payouts_sum_exactly(cap in capitalisation(true), exit in exit()) {
        prop_assume!(usable(&cap));
        let o = waterfall(&cap, &exit, &policy()).unwrap();
        let net = (exit.exit_value - exit.transaction_costs - exit.debt).max(Decimal::ZERO);
        prop_assert_eq!(o.net_proceeds.amount, net);
        prop_assert_eq!(o.total_distributed.amount, net + o.exercise_proceeds.amount);
        let exercised: Decimal = o.options.iter().map(|x| x.exercise_cost.amount).sum();
        prop_assert_eq!(exercised, o.exercise_proceeds.amount);

        let classes: Decimal = o.classes.iter().map(|c| c.total.amount).sum();
        let options: Decimal = o.options.iter().map(|x| x.payout.amount).sum();
        prop_assert_eq!(classes + options, o.total_distributed.amount);
        let holders: Decimal = o.holders.iter().map(|h| h.total.amount).sum();
        prop_assert_eq!(holders, o.total_distributed.amount);
        for h in &o.holders {
            let lines: Decimal = h.by_class.iter().map(|l| l.amount.amount).sum();
            prop_assert_eq!(lines + h.options.amount, h.total.amount);
        }
        for c in &o.classes {
            prop_assert_eq!(c.preference_paid.amount + c.participation_paid.amount, c.total.amount);
            let by_holders: Decimal = o.holders.iter()
                .flat_map(|h| &h.by_class)
                .filter(|l| l.class == c.name)
                .map(|l| l.amount.amount)
                .sum();
            prop_assert_eq!(by_holders, c.total.amount, "class {}", &c.name);
            prop_assert!((c.total.amount - c.total_exact).abs() < dec!(0.01), "{:?}", c);
        }
    }

    /// The engine's exact payouts are what an independent waterfall pays for the decisions it
    /// reports; and no preferred class could get more by a choice of its own with everything
    /// else fixed: taking its preference only, converting only, or (capped) its preference and
    /// participation up to the cap.
    #[test]
    fn no_preferred_class_gets_less_than_its_better_choice_alone(
        cap in capitalisation(true),
        exit in exit(),
    ) {
        prop_assume!(usable(&cap));
        let o = waterfall(&cap, &exit, &policy()).unwrap();
        let r = Reference::new(&cap, &o);
        let choices = r.choices_of(&o);
        let exercised: Vec<bool> = o.options.iter().map(|x| x.exercised).collect();
        let net = o.net_proceeds.amount;
        let (totals, opts) = r.pay(net, &choices, &exercised);
        for (c, t) in o.classes.iter().zip(&totals) {
            prop_assert!(close(c.total_exact, *t), "{}: engine {} reference {}", c.name, c.total_exact, t);
        }
        for (x, p) in o.options.iter().zip(&opts) {
            prop_assert!((x.payout.amount - *p).abs() < dec!(0.01), "{:?} vs {}", x, p);
        }
        for (k, c) in o.classes.iter().enumerate() {
            if c.kind != ClassKind::Preferred {
                continue;
            }
            let mut alternatives = vec![Choice::Preference, Choice::Convert];
            if matches!(cap.classes[k].participation, Participation::Capped { .. }) {
                alternatives.push(Choice::PreferenceAndPool);
            }
            for alt in alternatives {
                let mut other = choices.clone();
                other[k] = alt;
                let mut got = r.pay(net, &other, &exercised).0[k];
                if alt == Choice::PreferenceAndPool {
                    got = got.min(r.cap_total(k)); // the cap binds
                }
                prop_assert!(
                    c.total_exact >= got - EPS,
                    "{} {:?} at {}: {} but {:?} alone pays {}",
                    c.name, c.decision, exit.exit_value, c.total_exact, alt, got
                );
            }
        }
    }

    /// Every class's payout (and every option grant's) is non-decreasing in the exit value:
    /// exactly for the exact payouts; the rounded ones may give back at most the one unit the
    /// largest-remainder method moves.
    #[test]
    fn payouts_are_non_decreasing_in_exit_value(
        cap in capitalisation(true),
        exits in prop::collection::vec(cents(0..5_000_000_000), 2..7),
        costs in cents(0..50_000_000),
    ) {
        prop_assume!(usable(&cap));
        let mut exits = exits;
        exits.sort();
        let outs: Vec<WaterfallOutcome> = exits
            .iter()
            .map(|&x| {
                let mut e = ExitTerms::new(x);
                e.transaction_costs = costs;
                waterfall(&cap, &e, &policy()).unwrap()
            })
            .collect();
        for pair in outs.windows(2) {
            for (a, b) in pair[0].classes.iter().zip(&pair[1].classes) {
                prop_assert!(a.total_exact <= b.total_exact, "{}: {} then {}", a.name, a.total_exact, b.total_exact);
                prop_assert!(a.total.amount <= b.total.amount + dec!(0.01));
            }
            for (a, b) in pair[0].options.iter().zip(&pair[1].options) {
                prop_assert!(a.payout.amount <= b.payout.amount + dec!(0.01));
                prop_assert!(!a.exercised || b.exercised);
            }
            prop_assert!(pair[0].common_price_per_share_exact <= pair[1].common_price_per_share_exact);
        }
    }

    /// The conversion rule, run literally (passes until stable) on non-participating tables
    /// without options, gives the engine's decisions' payouts.
    #[test]
    fn agrees_with_model_md_passes(cap in capitalisation(false), exit in exit()) {
        prop_assume!(usable(&cap));
        let mut cap = cap;
        for c in &mut cap.classes {
            c.participation = Participation::None;
        }
        let o = waterfall(&cap, &exit, &policy()).unwrap();
        let r = Reference::new(&cap, &o);
        let net = o.net_proceeds.amount;
        let mut choices: Vec<Choice> = cap
            .classes
            .iter()
            .map(|c| if c.kind == ClassKind::Common { Choice::Pool } else { Choice::Preference })
            .collect();
        // In order of increasing preference per common-equivalent share.
        let mut order: Vec<usize> = (0..cap.classes.len())
            .filter(|&k| cap.classes[k].kind == ClassKind::Preferred && !r.classes[k].2.is_zero())
            .collect();
        order.sort_by_key(|&k| r.classes[k].1 / r.classes[k].2);
        loop {
            let mut changed = false;
            for &k in &order {
                if choices[k] == Choice::Convert {
                    continue;
                }
                let mut converted = choices.clone();
                converted[k] = Choice::Convert;
                let if_converts = r.pay(net, &converted, &[]).0[k];
                let stays = r.pay(net, &choices, &[]).0[k];
                if if_converts > stays {
                    choices = converted;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let (totals, _) = r.pay(net, &choices, &[]);
        for (c, t) in o.classes.iter().zip(&totals) {
            prop_assert!(close(c.total_exact, *t), "{}: engine {} passes {}", c.name, c.total_exact, t);
        }
    }

    /// Between two consecutive breakpoints every class's payout is linear in the exit value (the
    /// payout at the midpoint is the mean of the payouts at the ends), and so after the last: no
    /// slope change goes unreported. Each breakpoint is also exact to the cent: the exact value
    /// rounded half-up.
    #[test]
    fn payouts_are_linear_between_breakpoints(cap in capitalisation(true), exit in exit()) {
        prop_assume!(usable(&cap));
        let bps = breakpoints(&cap, &exit, &policy()).unwrap();
        for w in bps.windows(2) {
            prop_assert!(w[0].exit_value_exact <= w[1].exit_value_exact);
        }
        for b in &bps {
            prop_assert_eq!(
                b.exit_value.amount,
                b.exit_value_exact.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            );
        }
        let mut points: Vec<Decimal> = vec![Decimal::ZERO];
        points.extend(bps.iter().map(|b| b.exit_value_exact));
        points.dedup();
        let last = *points.last().unwrap();
        points.push(last + dec!(10_000_000));
        let at = |x: Decimal| {
            let mut e = exit.clone();
            e.exit_value = x;
            waterfall(&cap, &e, &policy()).unwrap()
        };
        for w in points.windows(2) {
            let (a, b) = (w[0], w[1]);
            if b - a < dec!(0.000001) {
                continue;
            }
            let (oa, om, ob) = (at(a), at((a + b) / dec!(2)), at(b));
            for k in 0..oa.classes.len() {
                let mean = (oa.classes[k].total_exact + ob.classes[k].total_exact) / dec!(2);
                prop_assert!(
                    (om.classes[k].total_exact - mean).abs() <= dec!(0.0000001),
                    "{} not linear between {} and {}: {} {} {}",
                    oa.classes[k].name, a, b,
                    oa.classes[k].total_exact, om.classes[k].total_exact, ob.classes[k].total_exact
                );
            }
        }
    }
}
