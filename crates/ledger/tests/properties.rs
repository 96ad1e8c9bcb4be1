//! Property tests: random histories over a few holders and classes, and random
//! priced rounds.
//!
//! A history is built one random movement at a time; each is kept only if
//! `record` and `check` accept it, as the CLI would. Whatever survives must give
//! cap tables that tie out, whose percentages sum to 100, that agree with a
//! simple independent replay of the journal, and where an entry reversed on its
//! own date leaves no trace.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use common::*;
use proptest::prelude::*;
use roundbook_ledger::captable::CapTable;
use roundbook_ledger::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

const HOLDERS: usize = 4;
const DAYS: u32 = 730;

#[derive(Debug, Clone)]
enum Op {
    Issue {
        holder: usize,
        class: usize,
        shares: u64,
        day: u32,
    },
    Transfer {
        from: usize,
        to: usize,
        class: usize,
        shares: u64,
        day: u32,
    },
    Grant {
        holder: usize,
        options: u64,
        day: u32,
    },
    Exercise {
        grant: usize,
        options: u64,
        day: u32,
    },
    CancelStock {
        holder: usize,
        class: usize,
        shares: u64,
        day: u32,
    },
    CancelOptions {
        grant: usize,
        options: u64,
        day: u32,
    },
    Repurchase {
        holder: usize,
        class: usize,
        shares: u64,
        day: u32,
    },
    PoolIncrease {
        shares: u64,
        day: u32,
    },
    Convert {
        holder: usize,
        shares: u64,
        day: u32,
    },
    Safe {
        holder: usize,
        day: u32,
    },
    ConvertSafe {
        safe: usize,
        shares: u64,
        day: u32,
    },
    Reverse {
        entry: usize,
        later_by: u32,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let h = 0..HOLDERS;
    let c = 0..2usize;
    let n = 1..5_000u64;
    let d = 0..DAYS;
    // Movements out of a position take smaller amounts, later on, so more of them stand.
    let out = 1..1_200u64;
    let late = DAYS / 4..DAYS;
    prop_oneof![
        5 => (h.clone(), c.clone(), n.clone(), 0..DAYS / 2).prop_map(|(holder, class, shares, day)| Op::Issue { holder, class, shares, day }),
        4 => (h.clone(), h.clone(), c.clone(), out.clone(), late.clone())
            .prop_map(|(from, to, class, shares, day)| Op::Transfer { from, to, class, shares, day }),
        2 => (h.clone(), n.clone(), d.clone()).prop_map(|(holder, options, day)| Op::Grant { holder, options, day }),
        3 => (0..8usize, out.clone(), late.clone()).prop_map(|(grant, options, day)| Op::Exercise { grant, options, day }),
        2 => (h.clone(), c.clone(), out.clone(), late.clone())
            .prop_map(|(holder, class, shares, day)| Op::CancelStock { holder, class, shares, day }),
        2 => (0..8usize, out.clone(), late.clone()).prop_map(|(grant, options, day)| Op::CancelOptions { grant, options, day }),
        2 => (h.clone(), c.clone(), out.clone(), late.clone())
            .prop_map(|(holder, class, shares, day)| Op::Repurchase { holder, class, shares, day }),
        1 => (n.clone(), d.clone()).prop_map(|(shares, day)| Op::PoolIncrease { shares, day }),
        2 => (h.clone(), out.clone(), late.clone()).prop_map(|(holder, shares, day)| Op::Convert { holder, shares, day }),
        1 => (h.clone(), d.clone()).prop_map(|(holder, day)| Op::Safe { holder, day }),
        1 => (0..4usize, n.clone(), late.clone()).prop_map(|(safe, shares, day)| Op::ConvertSafe { safe, shares, day }),
        2 => (0..64usize, 0..120u32).prop_map(|(entry, later_by)| Op::Reverse { entry, later_by }),
    ]
}

/// The company the histories run in: four holders; common (authorised 60,000)
/// with a 10,000-share plan; preferred converting 1.5 common each, no limit.
struct World {
    book: Book,
    holders: Vec<StakeholderId>,
    classes: [ClassId; 2],
    plan: PlanId,
}

fn world() -> World {
    let mut book = new_book();
    let mark = book.mark();
    let holders = (0..HOLDERS)
        .map(|i| person(&mut book, &format!("Holder {i}"), Relationship::Founder))
        .collect();
    let common = book
        .add_class(NewClass::common("Common", Some(60_000)))
        .unwrap();
    let pref = book
        .add_class(preferred("Preferred", None, dec!(1), dec!(1.5)))
        .unwrap();
    let plan = plan(&mut book, "Plan", common, founded(), 10_000);
    book.check(mark).unwrap();
    World {
        book,
        holders,
        classes: [common, pref],
        plan,
    }
}

fn day(d: u32) -> NaiveDate {
    founded() + Duration::days(i64::from(d))
}

fn ids_where(book: &Book, f: impl Fn(&Movement) -> bool) -> Vec<EntryId> {
    book.entries()
        .iter()
        .filter(|e| f(&e.movement))
        .map(|e| e.id)
        .collect()
}

/// The movement and date an op stands for in the current book, if it can be formed.
fn movement(w: &World, op: &Op) -> Option<(NaiveDate, Movement)> {
    let hs = &w.holders;
    let cs = &w.classes;
    let pick = |list: Vec<EntryId>, i: usize| (!list.is_empty()).then(|| list[i % list.len()]);
    let grants = || ids_where(&w.book, |m| matches!(m, Movement::OptionGrant { .. }));
    Some(match *op {
        Op::Issue {
            holder,
            class,
            shares,
            day: d,
        } => (day(d), issue(hs[holder], cs[class], shares)),
        Op::Transfer {
            from,
            to,
            class,
            shares,
            day: d,
        } => (day(d), transfer(hs[from], hs[to], cs[class], shares)),
        Op::Grant {
            holder,
            options,
            day: d,
        } => (day(d), grant(hs[holder], w.plan, options)),
        Op::Exercise {
            grant,
            options,
            day: d,
        } => (
            day(d),
            Movement::Exercise {
                grant: pick(grants(), grant)?,
                options,
            },
        ),
        Op::CancelStock {
            holder,
            class,
            shares,
            day: d,
        } => (
            day(d),
            Movement::StockCancellation {
                holder: hs[holder],
                class: cs[class],
                shares,
            },
        ),
        Op::CancelOptions {
            grant,
            options,
            day: d,
        } => (
            day(d),
            Movement::OptionCancellation {
                grant: pick(grants(), grant)?,
                options,
            },
        ),
        Op::Repurchase {
            holder,
            class,
            shares,
            day: d,
        } => (
            day(d),
            Movement::Repurchase {
                holder: hs[holder],
                class: cs[class],
                shares,
                price_per_share: usd(dec!(0.25)),
            },
        ),
        Op::PoolIncrease { shares, day: d } => (
            day(d),
            Movement::PoolIncrease {
                plan: w.plan,
                shares,
            },
        ),
        Op::Convert {
            holder,
            shares,
            day: d,
        } => (
            day(d),
            Movement::StockConversion {
                holder: hs[holder],
                from_class: cs[1],
                shares,
                to_class: cs[0],
                resulting_shares: shares + shares / 2,
            },
        ),
        Op::Safe { holder, day: d } => (
            day(d),
            Movement::ConvertibleIssuance {
                holder: hs[holder],
                terms: ConvertibleTerms::Safe {
                    investment: usd(dec!(25000)),
                    timing: SafeTiming::PostMoney,
                    valuation_cap: Some(usd(dec!(5000000))),
                    discount: None,
                    mfn: false,
                },
            },
        ),
        Op::ConvertSafe {
            safe,
            shares,
            day: d,
        } => {
            let safes = ids_where(&w.book, |m| {
                matches!(m, Movement::ConvertibleIssuance { .. })
            });
            (
                day(d),
                Movement::ConvertibleConversion {
                    instrument: pick(safes, safe)?,
                    class: cs[1],
                    shares,
                },
            )
        }
        Op::Reverse { entry, later_by } => {
            let entries = w.book.entries();
            let target = &entries[entry % entries.len()];
            (
                target.effective + Duration::days(i64::from(later_by)),
                reversal(target.id),
            )
        }
    })
}

/// Applies an op the way the CLI would: kept only if record and check accept it.
fn apply(w: &mut World, op: &Op) -> Option<EntryId> {
    let (on, m) = movement(w, op)?;
    let mut b = w.book.clone();
    let id = try_rec(&mut b, on, m).ok()?;
    w.book = b;
    Some(id)
}

fn build(ops: &[Op]) -> (World, usize) {
    let mut w = world();
    let accepted = ops.iter().filter(|op| apply(&mut w, op).is_some()).count();
    (w, accepted)
}

/// The dates worth looking at: each effective date, the day before, and long after.
fn dates(book: &Book) -> Vec<NaiveDate> {
    let mut set = BTreeSet::new();
    for e in book.entries() {
        set.insert(e.effective);
        if let Some(prev) = e.effective.pred_opt() {
            set.insert(prev);
        }
    }
    set.insert(day(DAYS + 400));
    set.into_iter().filter(|d| *d >= founded()).collect()
}

// ---- an independent replay of the journal -------------------------------------------

#[derive(Debug, Default, PartialEq)]
struct Model {
    held: BTreeMap<(StakeholderId, ClassId), i128>,
    grants: BTreeMap<EntryId, i128>,
    reserved: i128,
    granted: i128,
    exercised: i128,
    safes: BTreeMap<EntryId, i128>,
}

impl Model {
    fn effect(&mut self, book: &Book, e: &Entry, sign: i128) {
        let grant_holder = |g: EntryId| match &book.entry(g).unwrap().movement {
            Movement::OptionGrant { holder, .. } => *holder,
            other => panic!("not a grant: {other:?}"),
        };
        let n = |x: u64| sign * i128::from(x);
        match &e.movement {
            Movement::StockIssuance {
                holder,
                class,
                shares,
                ..
            } => *self.held.entry((*holder, *class)).or_default() += n(*shares),
            Movement::OptionGrant { options, .. } => {
                *self.grants.entry(e.id).or_default() += n(*options);
                self.granted += n(*options);
            }
            Movement::Exercise { grant, options } => {
                *self.grants.entry(*grant).or_default() -= n(*options);
                self.granted -= n(*options);
                self.exercised += n(*options);
                // The plan is on the first class (common).
                let common = book.classes()[0].id;
                *self.held.entry((grant_holder(*grant), common)).or_default() += n(*options);
            }
            Movement::Transfer {
                from,
                to,
                class,
                shares,
                ..
            } => {
                *self.held.entry((*from, *class)).or_default() -= n(*shares);
                *self.held.entry((*to, *class)).or_default() += n(*shares);
            }
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
            } => {
                *self.held.entry((*holder, *class)).or_default() -= n(*shares);
            }
            Movement::OptionCancellation { grant, options } => {
                *self.grants.entry(*grant).or_default() -= n(*options);
                self.granted -= n(*options);
            }
            Movement::PoolIncrease { shares, .. } => self.reserved += n(*shares),
            Movement::StockConversion {
                holder,
                from_class,
                shares,
                to_class,
                resulting_shares,
            } => {
                *self.held.entry((*holder, *from_class)).or_default() -= n(*shares);
                *self.held.entry((*holder, *to_class)).or_default() += n(*resulting_shares);
            }
            Movement::ConvertibleIssuance { .. } => *self.safes.entry(e.id).or_default() += sign,
            Movement::ConvertibleConversion {
                instrument,
                class,
                shares,
            } => {
                *self.safes.entry(*instrument).or_default() -= sign;
                let holder = match &book.entry(*instrument).unwrap().movement {
                    Movement::ConvertibleIssuance { holder, .. } => *holder,
                    other => panic!("not a convertible: {other:?}"),
                };
                *self.held.entry((holder, *class)).or_default() += n(*shares);
            }
            // A ratio moves no shares (and the generator records none).
            Movement::ConversionRatioAdjustment { .. } => {}
            // This model's random histories record neither (tests/splits.rs covers them).
            Movement::StockSplit { .. } | Movement::AuthorizedSharesAdjustment { .. } => {
                panic!("unexpected in this model: {:?}", e.movement)
            }
            Movement::Reversal { reverses, .. } => {
                let original = book.entry(*reverses).unwrap();
                self.effect(book, original, -sign);
            }
        }
    }

    fn as_of(book: &Book, d: NaiveDate) -> Model {
        let mut entries: Vec<&Entry> = book.entries().iter().filter(|e| e.effective <= d).collect();
        entries.sort_by_key(|e| (e.effective, e.id));
        let mut m = Model::default();
        for e in entries {
            m.effect(book, e, 1);
        }
        m.held.retain(|_, v| *v != 0);
        m.grants.retain(|_, v| *v != 0);
        m.safes.retain(|_, v| *v != 0);
        m
    }
}

impl Model {
    /// The invariants `check` promises, on the model's own positions.
    fn valid(&self, book: &Book) -> bool {
        let common = &book.classes()[0];
        let common_held: i128 = self
            .held
            .iter()
            .filter(|((_, c), _)| *c == common.id)
            .map(|(_, n)| *n)
            .sum();
        let claimed = common_held + self.reserved - self.exercised;
        self.held.values().all(|n| *n >= 0)
            && self.grants.values().all(|n| *n >= 0)
            && self.safes.values().all(|n| (0..=1).contains(n))
            && self.reserved - self.granted - self.exercised >= 0
            && common.authorized.is_none_or(|a| claimed <= i128::from(a))
    }

    /// Replays the whole journal, checking the invariants after every entry.
    fn allows(book: &Book) -> bool {
        let mut entries: Vec<&Entry> = book.entries().iter().collect();
        entries.sort_by_key(|e| (e.effective, e.id));
        let mut m = Model::default();
        entries.into_iter().all(|e| {
            m.effect(book, e, 1);
            m.valid(book)
        })
    }
}

/// The cap table agrees with the independent replay.
fn assert_matches_model(book: &Book, ct: &CapTable) {
    let m = Model::as_of(book, ct.as_of);
    for v in m.held.values().chain(m.grants.values()) {
        assert!(
            *v > 0,
            "an accepted history went negative on {}: {m:?}",
            ct.as_of
        );
    }
    let mut held = BTreeMap::new();
    for h in &ct.holders {
        for x in &h.holdings {
            held.insert((h.stakeholder, x.class), i128::from(x.shares));
        }
    }
    assert_eq!(held, m.held, "holdings on {}", ct.as_of);
    for h in &ct.holders {
        let options: i128 = m
            .grants
            .iter()
            .filter(|(g, _)| matches!(book.entry(**g).unwrap().movement, Movement::OptionGrant { holder, .. } if holder == h.stakeholder))
            .map(|(_, n)| *n)
            .sum();
        assert_eq!(
            i128::from(h.options),
            options,
            "{}'s options on {}",
            h.name,
            ct.as_of
        );
        // As converted: preferred is 1.5 common, floored per holding.
        let conv: i128 = h
            .holdings
            .iter()
            .map(|x| {
                let r = book.class(x.class).unwrap().conversion_ratio;
                i128::try_from((Decimal::from(x.shares) * r).floor()).unwrap()
            })
            .sum();
        assert_eq!(i128::from(h.outstanding), conv, "{}", h.name);
    }
    assert_eq!(i128::from(ct.totals.options), m.granted);
    assert_eq!(
        i128::from(ct.totals.pool_available),
        m.reserved - m.granted - m.exercised
    );
    let safes: BTreeSet<EntryId> = ct.convertibles.iter().map(|c| c.instrument).collect();
    let expected: BTreeSet<EntryId> = m
        .safes
        .iter()
        .filter(|(_, s)| **s == 1)
        .map(|(i, _)| *i)
        .collect();
    assert_eq!(safes, expected, "convertibles on {}", ct.as_of);
    // Common stays within its authorised 60,000, pool included.
    let common = &ct.classes[0];
    assert!(
        i128::from(common.shares) + m.reserved - m.exercised <= 60_000,
        "{common:?}"
    );
}

fn tables(book: &Book, at: &[NaiveDate]) -> Vec<CapTable> {
    at.iter().map(|d| table(book, *d)).collect()
}

/// 64 cases by default, so the suite runs in seconds; PROPTEST_CASES asks for more.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn accepted_histories_tie_out_and_match_a_replay(ops in prop::collection::vec(op(), 1..40)) {
        let (w, _) = build(&ops);
        w.book.check(w.book.mark()).unwrap();
        for d in dates(&w.book) {
            let ct = table(&w.book, d);
            assert_ties_out(&ct);
            assert_percentages_sum(&ct);
            assert_matches_model(&w.book, &ct);
        }
    }

    #[test]
    fn check_accepts_exactly_the_histories_a_replay_allows(ops in prop::collection::vec(op(), 1..40)) {
        let mut w = world();
        let (mut accepted, mut refused) = (0, 0);
        for op in &ops {
            let Some((on, m)) = movement(&w, op) else { continue };
            let mut b = w.book.clone();
            let mark = b.mark();
            if b.record(on, m.clone(), None, Provenance::Recorded).is_err() {
                continue;
            }
            let verdict = b.check(mark);
            prop_assert_eq!(verdict.is_ok(), Model::allows(&b), "{:?} on {}: {:?}", m, on, verdict);
            if let Err(e) = verdict {
                refused += 1;
                prop_assert!(matches!(e, LedgerError::Conflict { .. }), "{:?}", e);
                prop_assert!(matches!(e.field(), Some("shares" | "options" | "instrument" | "entry" | "date")), "{:?}", e);
            } else {
                accepted += 1;
                w.book = b;
            }
        }
        prop_assert!(accepted + refused <= ops.len());
    }

    #[test]
    fn reversing_the_last_entry_on_its_date_restores_every_view(
        ops in prop::collection::vec(op(), 1..30),
        extra in op(),
    ) {
        let (mut w, _) = build(&ops);
        prop_assume!(!matches!(extra, Op::Reverse { .. }));
        let at = dates(&w.book);
        let before = tables(&w.book, &at);
        let original = w.book.clone();
        let Some(id) = apply(&mut w, &extra) else {
            return Ok(());
        };
        let on = w.book.entry(id).unwrap().effective;
        // An entry reversed on its own date can always be reversed: nothing after it
        // sees any difference.
        let r = rec(&mut w.book, on, reversal(id));
        prop_assert_eq!(w.book.reversal_of(id), Some(r));
        let after = tables(&w.book, &at);
        prop_assert_eq!(after, before);
        prop_assert_eq!(table(&w.book, on), table(&original, on));
    }

    #[test]
    fn reversing_any_entry_on_its_date_equals_never_recording_it(ops in prop::collection::vec(op(), 1..30)) {
        let (w, _) = build(&ops);
        let at = dates(&w.book);
        for e in w.book.entries() {
            let mut b = w.book.clone();
            let mark = b.mark();
            let recorded = b.record(e.effective, reversal(e.id), None, Provenance::Recorded);
            if matches!(e.movement, Movement::Reversal { .. }) || w.book.reversal_of(e.id).is_some() {
                // Reversals cannot be reversed, nor can an entry be reversed twice.
                let err = recorded.unwrap_err();
                prop_assert_eq!(err.field(), Some("entry"));
                continue;
            }
            recorded.unwrap();
            if b.check(mark).is_err() {
                continue; // something later depends on the entry
            }
            let without = Book::from_parts(
                w.book.company.clone(),
                w.book.stakeholders().to_vec(),
                w.book.classes().to_vec(),
                w.book.plans().to_vec(),
                w.book.rounds().to_vec(),
                w.book.valuations().to_vec(),
                w.book.entries().iter().filter(|x| x.id != e.id).cloned().collect(),
            );
            if without.check(without.mark()).is_err() {
                continue; // only an order within the entry's day differs
            }
            for d in &at {
                prop_assert_eq!(table(&b, *d), table(&without, *d), "reversing #{} ({:?}), as of {}", e.id, e.movement, d);
            }
        }
    }
}

// ---- priced rounds ----------------------------------------------------------------

fn direction() -> impl Strategy<Value = PriceDirection> {
    prop_oneof![
        Just(PriceDirection::Up),
        Just(PriceDirection::Down),
        Just(PriceDirection::HalfUp),
        Just(PriceDirection::HalfEven),
    ]
}

fn cents(range: std::ops::Range<i64>) -> impl Strategy<Value = Decimal> {
    range.prop_map(|c| Decimal::new(c, 2))
}

fn round_terms(pre_money: Decimal, amounts: &[Decimal], policy: RoundingPolicy) -> PricedRound {
    PricedRound {
        name: "Round".into(),
        date: date(2024, 1, 1),
        class: ClassId(1),
        pre_money: usd(pre_money),
        investments: amounts
            .iter()
            .enumerate()
            .map(|(i, a)| Investment {
                investor: StakeholderId(i as i64 + 1),
                amount: usd(*a),
            })
            .collect(),
        lead: None,
        stated_post_money: None,
        stated_price: None,
        rounding: policy,
        provenance: Provenance::Illustrative,
        note: None,
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn priced_rounds_add_up(
        pre_money in cents(100..10_000_000_000_000),
        fd in 1..10_000_000_000u64,
        amounts in prop::collection::vec(cents(100..1_000_000_000_000), 1..5),
        decimals in 0..=10u32,
        dir in direction(),
    ) {
        let policy = RoundingPolicy { price_decimals: decimals, price_direction: dir, ..RoundingPolicy::default() };
        let t = round_terms(pre_money, &amounts, policy.clone());
        let o = match price_round(&t, fd, |id| format!("#{id}")) {
            Ok(o) => o,
            Err(e) => {
                // Only a price that rounds to nothing or an investment too small for one share.
                prop_assert!(matches!(e.field(), Some("amount") | Some("price_decimals")), "{}", e);
                return Ok(());
            }
        };
        let raised: Decimal = amounts.iter().sum();
        prop_assert_eq!(o.amount_raised.amount, raised);
        prop_assert_eq!(o.post_money.amount, pre_money + raised);
        prop_assert_eq!(o.pre_money_fd_shares, fd);
        let price = o.price_per_share.amount;
        prop_assert_eq!(price, policy.round_price(o.exact_price));
        prop_assert!(price.scale() <= decimals);
        let unit = Decimal::new(1, decimals);
        prop_assert!((price - o.exact_price).abs() < unit);
        match dir {
            PriceDirection::Up => prop_assert!(price >= o.exact_price),
            PriceDirection::Down => prop_assert!(price <= o.exact_price),
            _ => prop_assert!((price - o.exact_price).abs() * Decimal::TWO <= unit),
        }
        let mut total = 0u64;
        for (a, amount) in o.allocations.iter().zip(&amounts) {
            prop_assert_eq!(a.amount.amount, *amount);
            prop_assert_eq!(Decimal::from(a.shares), (*amount / price).floor());
            prop_assert_eq!(
                a.invested.amount,
                (Decimal::from(a.shares) * price)
                    .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            );
            // The exact leftover buys less than one more share; the cash handed back is that
            // leftover to the cent, so it may exceed the price by up to half a cent
            // (found by this test: $780,153,721.73 at $0.188 leaves $0.186, handed back as $0.19).
            let exact_left = *amount - Decimal::from(a.shares) * price;
            prop_assert!(exact_left >= Decimal::ZERO && exact_left < price);
            prop_assert_eq!(a.uninvested.amount, *amount - a.invested.amount);
            prop_assert!(a.uninvested.amount >= Decimal::ZERO);
            prop_assert!((a.uninvested.amount - exact_left).abs() <= Decimal::new(5, 3));
            total += a.shares;
        }
        prop_assert_eq!(o.new_shares, total);
        prop_assert_eq!(o.post_money_fd_shares, fd + total);
        prop_assert!(o.new_ownership_pct > Decimal::ZERO && o.new_ownership_pct < Decimal::ONE_HUNDRED);
        if !o.rounding_bites {
            prop_assert_eq!(o.new_ownership_pct, o.target_new_ownership_pct);
            prop_assert_eq!(o.implied_post_money, o.post_money);
        }
    }

    #[test]
    fn rounding_price_up_and_shares_down_never_gives_more_than_the_terms(
        pre_money in cents(100..10_000_000_000_000),
        fd in 1..10_000_000_000u64,
        amounts in prop::collection::vec(cents(100..1_000_000_000_000), 1..5),
        decimals in 0..=10u32,
    ) {
        let policy = RoundingPolicy { price_decimals: decimals, ..RoundingPolicy::default() };
        let Ok(o) = price_round(&round_terms(pre_money, &amounts, policy.clone()), fd, |id| format!("#{id}")) else {
            return Ok(());
        };
        prop_assert!(o.new_ownership_pct <= o.target_new_ownership_pct,
            "{} > {}", o.new_ownership_pct, o.target_new_ownership_pct);
        // The implied post-money is stated in cents (price x shares, rounded half-up), so it is
        // compared with the same sum in cents: rounding is monotonic, and a price rounded up
        // makes price x fd >= pre-money before either side is rounded.
        let paid_for = o.pre_money.amount + Decimal::from(o.new_shares) * o.price_per_share.amount;
        let paid_for = policy.round_cash(roundbook_ledger::Money::new(paid_for, o.pre_money.currency)).amount;
        prop_assert!(o.implied_post_money.amount >= paid_for,
            "{} < {}", o.implied_post_money.amount, paid_for);
        prop_assert!(o.uninvested.amount >= Decimal::ZERO);
    }

    #[test]
    fn a_recorded_round_adds_exactly_its_new_shares(
        ops in prop::collection::vec(op(), 1..20),
        pre_money in cents(100_000..100_000_000_000),
        amounts in prop::collection::vec(cents(100_000..10_000_000_000), 1..4),
        d in 0..DAYS,
    ) {
        let (mut w, _) = build(&ops);
        let on = day(d);
        let before = table(&w.book, on);
        let fd = before.totals.fully_diluted;
        let mut t = round_terms(pre_money, &amounts, RoundingPolicy::default());
        t.class = w.classes[1];
        t.date = on;
        for (inv, h) in t.investments.iter_mut().zip(&w.holders) {
            inv.investor = *h;
        }
        let mark = w.book.mark();
        let Ok(o) = w.book.record_priced_round(&t) else {
            return Ok(());
        };
        prop_assert_eq!(o.pre_money_fd_shares, fd);
        prop_assert_eq!(w.book.added_since(mark).entries.len(), o.allocations.len());
        if w.book.check(mark).is_ok() {
            let ct = table(&w.book, on);
            let new_shares: u64 = o.allocations.iter().map(|a| a.shares).sum();
            prop_assert_eq!(new_shares, o.new_shares);
            let pref = w.classes[1];
            prop_assert_eq!(class_row(&ct, pref).shares, class_row(&before, pref).shares + new_shares);
            // Preferred converts at 1.5 (floored per holding): FD grows by about 1.5x the new shares.
            let grew = ct.totals.fully_diluted - fd;
            prop_assert!(grew >= new_shares + new_shares / 2 - o.allocations.len() as u64 && grew <= new_shares * 2);
            assert_ties_out(&ct);
            assert_percentages_sum(&ct);
        }
    }
}

/// The case proptest found: at 10 decimals the price rounded up exceeds the exact price by
/// less than half a cent over the whole round, so the implied post-money in cents equals the
/// sum in cents although it is below the unrounded sum.
#[test]
fn the_implied_post_money_is_compared_in_cents() {
    let policy = RoundingPolicy {
        price_decimals: 10,
        ..RoundingPolicy::default()
    };
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    let terms = round_terms(
        d("9611015441.05"),
        &[d("2495797376.40"), d("431740316.83")],
        policy.clone(),
    );
    let o = price_round(&terms, 2_391_153_751, |id| format!("#{id}")).unwrap();
    let paid_for = o.pre_money.amount + Decimal::from(o.new_shares) * o.price_per_share.amount;
    assert!(
        o.implied_post_money.amount < paid_for,
        "the unrounded sum is larger"
    );
    let in_cents = policy.round_cash(roundbook_ledger::Money::new(paid_for, o.pre_money.currency));
    assert!(o.implied_post_money.amount >= in_cents.amount);
}

// ---- the replay's head ---------------------------------------------------------------

/// What a store loads for an append: the accounts `touched` names, every plan and class, and
/// the grants that lapse before the appended entries' last day.
fn slice(head: &Head, touched: &Touched) -> Head {
    let mut s = Head {
        last_effective: head.last_effective,
        plans: head.plans.clone(),
        claimed: head.claimed.clone(),
        authorized: head.authorized.clone(),
        ..Head::default()
    };
    for k in &touched.held {
        if let Some(v) = head.held.get(k) {
            s.held.insert(*k, *v);
        }
    }
    let lapsing = head.grants.iter().filter(|(_, g)| {
        g.outstanding > 0
            && matches!((g.expires, touched.lapse_before), (Some(x), Some(d)) if x < d)
    });
    for (g, a) in lapsing.chain(
        head.grants
            .iter()
            .filter(|(g, _)| touched.grants.contains(g)),
    ) {
        s.grants.insert(*g, *a);
    }
    for k in &touched.convertibles {
        if let Some(v) = head.convertibles.get(k) {
            s.convertibles.insert(*k, *v);
        }
    }
    s
}

/// The head with a slice's accounts written over it, as a store writes an append back.
fn merge(mut head: Head, slice: Head) -> Head {
    head.last_effective = slice.last_effective;
    head.held.extend(slice.held);
    head.grants.extend(slice.grants);
    head.plans.extend(slice.plans);
    head.claimed.extend(slice.claimed);
    head.authorized.extend(slice.authorized);
    head.convertibles.extend(slice.convertibles);
    head
}

proptest! {
    #![proptest_config(config())]

    /// An entry dated on or after the last one, checked against a slice of the head, is
    /// accepted exactly when the full replay accepts it, and leaves the same head.
    #[test]
    fn appending_against_the_head_agrees_with_a_full_replay(
        ops in prop::collection::vec(op(), 1..30),
        appends in prop::collection::vec(op(), 1..20),
    ) {
        let (mut w, _) = build(&ops);
        let mut head = w.book.check_head(w.book.mark()).unwrap();
        for op in &appends {
            let Some((on, m)) = movement(&w, op) else { continue };
            let on = on.max(head.last_effective.unwrap_or(on));
            // Appended grants expire soon, so later appends lapse them first.
            let m = match m {
                Movement::OptionGrant { holder, plan, options, exercise_price, .. } => Movement::OptionGrant {
                    holder,
                    plan,
                    options,
                    exercise_price,
                    expires: Some(on + Duration::days((options % 60) as i64 + 1)),
                },
                m => m,
            };
            let mut b = w.book.clone();
            let mark = b.mark();
            if b.record(on, m.clone(), None, Provenance::Recorded).is_err() {
                continue;
            }
            let full = b.check_head(mark);
            let appended = b.check_appended(mark, &slice(&head, &b.accounts_touched(mark)));
            let local = !matches!(m, Movement::Reversal { .. });
            match (&full, appended) {
                (Ok(full), Some(s)) => {
                    prop_assert_eq!(&merge(head.clone(), s), full, "{:?} on {}\n{:#?}", m, on, b.entries().iter().map(|e| (e.id, e.effective, &e.movement)).collect::<Vec<_>>());
                }
                (Ok(_), None) => prop_assert!(!local, "{:?} on {} needed a replay", m, on),
                (Err(_), None) => {}
                (Err(e), Some(_)) => prop_assert!(false, "{:?} on {} accepted from the head: {}", m, on, e),
            }
            if let Ok(h) = full {
                head = h;
                w.book = b;
            }
        }
    }
}
