//! Stock splits and authorised-share adjustments: public worked examples, the rules of
//! docs/captable.md ("Stock splits"), refusals, and properties (ownership and exit payouts
//! unchanged, a reversed split restores the table exactly).

mod common;

use common::*;
use proptest::prelude::*;
use roundbook_ledger::waterfall::{waterfall, ExitTerms};
use roundbook_ledger::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn split(book: &Book, class: ClassId, n: u64, d: u64) -> Movement {
    book.stock_split(class, n, d)
}

/// Apple Inc., press release of 2020-07-30 ("Apple Reports Third Quarter Results"): a
/// four-for-one split; each shareholder of record on 2020-08-24 received three additional
/// shares for every share held, trading split-adjusted from 2020-08-31. 100 shares became 400.
#[test]
fn apple_four_for_one_2020_a_holder_of_100_has_400() {
    let mut book = new_book();
    let holder = person(&mut book, "Ann Holder", Relationship::Investor);
    let other = person(&mut book, "Bo Other", Relationship::Investor);
    let common = book
        .add_class(NewClass::common("Common", Some(1_000)))
        .unwrap();
    rec(&mut book, date(2020, 6, 1), issue(holder, common, 100));
    rec(&mut book, date(2020, 6, 1), issue(other, common, 150));
    let m = split(&book, common, 4, 1);
    let id = rec(&mut book, date(2020, 8, 31), m);

    let before = table(&book, date(2020, 8, 30));
    let after = table(&book, date(2020, 8, 31));
    assert_eq!(held(&before, holder, common), 100);
    assert_eq!(held(&after, holder, common), 400);
    assert_eq!(held(&after, other, common), 600);
    assert_eq!(class_row(&after, common).authorized, Some(4_000));
    assert_eq!(class_row(&before, common).authorized, Some(1_000));
    assert_eq!(
        holder_row(&after, holder).fully_diluted_pct,
        holder_row(&before, holder).fully_diluted_pct
    );
    assert_ties_out(&after);
    let effect = book.split_effect(id).unwrap();
    assert_eq!(effect.fractions_dropped(), Decimal::ZERO);
    assert_eq!(effect.authorized, Some((1_000, 4_000)));
}

/// Tesla, Inc.: a five-for-one split effective 2020-08-31 (press release of 2020-08-11) and a
/// three-for-one split effective 2022-08-25 (8-K of 2022-08-05). The 2018 CEO Performance
/// Award, 20,264,042 options at $350.02 (proxy statement of 2018-02-08), is stated in the
/// Form 10-K for 2022 as 303,960,630 options at $23.34: 20,264,042 x 5 x 3, and
/// 350.02 / 5 = 70.004 -> $70.01, / 3 = 23.3367 -> $23.34, each rounded up to the cent.
/// One share bought before 2020-08-31 is 15 shares after both.
#[test]
fn tesla_five_for_one_and_three_for_one_scale_the_ceo_award_and_its_strike() {
    let mut book = Book::new(company(date(2003, 7, 1))).unwrap();
    let cents_up = RoundingPolicy {
        price_decimals: 2,
        ..RoundingPolicy::default()
    };
    book.set_default_rounding(cents_up).unwrap();
    let musk = person(&mut book, "Elon Musk", Relationship::Employee);
    let fan = person(&mut book, "Early Buyer", Relationship::Investor);
    let common = book.add_class(NewClass::common("Common", None)).unwrap();
    let plan = plan(&mut book, "2019 Plan", common, date(2018, 1, 1), 20_264_042);
    rec(&mut book, date(2018, 1, 2), issue(fan, common, 1));
    let award = rec(
        &mut book,
        date(2018, 3, 21),
        Movement::OptionGrant {
            holder: musk,
            plan,
            options: 20_264_042,
            exercise_price: usd(dec!(350.02)),
            expires: None,
        },
    );
    let m = split(&book, common, 5, 1);
    let first = rec(&mut book, date(2020, 8, 31), m);
    let m = split(&book, common, 3, 1);
    let second = rec(&mut book, date(2022, 8, 25), m);

    let e1 = book.split_effect(first).unwrap();
    assert_eq!(e1.grants[0].after, 101_320_210);
    assert_eq!(e1.grants[0].exercise_price_after, dec!(70.01));
    let e2 = book.split_effect(second).unwrap();
    assert_eq!(e2.grants[0].grant, award);
    assert_eq!(e2.grants[0].before, 101_320_210);
    assert_eq!(e2.grants[0].after, 303_960_630);
    assert_eq!(e2.grants[0].exercise_price_before, dec!(70.01));
    assert_eq!(e2.grants[0].exercise_price_after, dec!(23.34));

    let t = table(&book, date(2022, 12, 31));
    assert_eq!(held(&t, fan, common), 15);
    assert_eq!(holder_row(&t, musk).options, 303_960_630);
    assert_eq!(plan_row(&t, plan).reserved, 303_960_630);
    assert_eq!(plan_row(&t, plan).available, 0);
    // The waterfall sees the strike in force: $23.34.
    let (cap, _) = book
        .capitalisation(
            date(2022, 12, 31),
            &book.default_rounding(),
            &Default::default(),
        )
        .unwrap();
    assert_eq!(cap.options[0].strike, dec!(23.34));
    assert_eq!(cap.options[0].count, 303_960_630);
}

/// A 1-for-10 reverse split, by hand: 1,005 shares -> 100.5 -> 100 (0.5 dropped, paid in
/// cash); 7 -> 0.7 -> 0; 2,000 -> 200. Options 95 -> 9 (0.5 dropped) at $0.10 x 10 = $1.00.
/// Pool: 1,000 reserved, 95 granted, 905 available -> 90 available (floor 90.5), granted 9,
/// so reserved 99. Authorised 10,000 -> 1,000.
#[test]
fn reverse_split_drops_fractions_and_states_them() {
    let mut book = new_book();
    let a = person(&mut book, "Ann", Relationship::Founder);
    let b = person(&mut book, "Bea", Relationship::Employee);
    let c = person(&mut book, "Cy", Relationship::Investor);
    let common = book
        .add_class(NewClass::common("Common", Some(10_000)))
        .unwrap();
    let p = plan(&mut book, "Plan", common, founded(), 1_000);
    rec(&mut book, founded(), issue(a, common, 1_005));
    rec(&mut book, founded(), issue(b, common, 7));
    rec(&mut book, founded(), issue(c, common, 2_000));
    rec(&mut book, founded(), grant(b, p, 95));
    let m = split(&book, common, 1, 10);
    let id = rec(&mut book, date(2021, 1, 1), m);

    let t = table(&book, date(2021, 1, 1));
    assert_eq!(held(&t, a, common), 100);
    assert_eq!(held(&t, b, common), 0);
    assert_eq!(held(&t, c, common), 200);
    assert_eq!(holder_row(&t, b).options, 9);
    assert_eq!(plan_row(&t, p).available, 90);
    assert_eq!(plan_row(&t, p).reserved, 99);
    assert_eq!(class_row(&t, common).authorized, Some(1_000));
    assert_ties_out(&t);

    let e = book.split_effect(id).unwrap();
    let dropped: Vec<(StakeholderId, u64, u64, Decimal)> = e
        .holdings
        .iter()
        .map(|h| (h.holder, h.before, h.after, h.fraction_dropped))
        .collect();
    assert_eq!(
        dropped,
        vec![
            (a, 1_005, 100, dec!(0.5)),
            (b, 7, 0, dec!(0.7)),
            (c, 2_000, 200, dec!(0)),
        ]
    );
    assert_eq!(e.grants[0].fraction_dropped, dec!(0.5));
    assert_eq!(e.grants[0].exercise_price_after, dec!(1.00));
    assert_eq!(e.fractions_dropped(), dec!(1.7));
    assert_eq!(e.plans[0].available_before, 905);
    assert_eq!(e.plans[0].available_after, 90);
}

/// A 2:1 split of common doubles what Series A converts into (ratio 1 -> 2), so Series A's
/// share of the company is unchanged; a 2:1 split of Series A itself halves its original
/// issue price ($1.00 -> $0.50) and its ratio (2 -> 1), keeping the preference at $1,000.
#[test]
fn splits_adjust_conversion_ratios_and_the_issue_price() {
    let mut book = new_book();
    let f = person(&mut book, "Fay", Relationship::Founder);
    let v = person(&mut book, "Vera", Relationship::Investor);
    let common = book.add_class(NewClass::common("Common", None)).unwrap();
    let a = book
        .add_class(preferred("Series A", None, dec!(1.00), Decimal::ONE))
        .unwrap();
    rec(&mut book, founded(), issue(f, common, 3_000));
    rec(&mut book, date(2021, 1, 1), issue(v, a, 1_000));
    let m = split(&book, common, 2, 1);
    let s1 = rec(&mut book, date(2022, 1, 1), m);
    assert_eq!(
        book.conversion_ratio(a, date(2021, 12, 31)).unwrap(),
        dec!(1)
    );
    assert_eq!(book.conversion_ratio(a, date(2022, 1, 1)).unwrap(), dec!(2));
    let t = table(&book, date(2022, 1, 1));
    assert_eq!(holder_row(&t, v).outstanding, 2_000);
    assert_eq!(holder_row(&t, f).outstanding, 6_000);
    assert_eq!(holder_row(&t, v).outstanding_pct, dec!(25.0000000000));
    let e = book.split_effect(s1).unwrap();
    assert_eq!(e.conversion_ratios, vec![(a, dec!(1), dec!(2))]);

    let m = split(&book, a, 2, 1);
    rec(&mut book, date(2023, 1, 1), m);
    let t = table(&book, date(2023, 1, 1));
    assert_eq!(held(&t, v, a), 2_000);
    assert_eq!(holder_row(&t, v).outstanding, 2_000);
    assert_eq!(book.conversion_ratio(a, date(2023, 1, 1)).unwrap(), dec!(1));
    let (cap, _) = book
        .capitalisation(
            date(2023, 1, 1),
            &RoundingPolicy::default(),
            &Default::default(),
        )
        .unwrap();
    let class_a = cap.classes.iter().find(|c| c.name == "Series A").unwrap();
    assert_eq!(class_a.original_issue_price, dec!(0.50));
    // At $1,000 the preference ($0.50 x 2,000) takes everything, as before the split.
    let out = waterfall(
        &cap,
        &ExitTerms::new(dec!(1000)),
        &RoundingPolicy::default(),
    )
    .unwrap();
    assert_eq!(out.holder("Vera").unwrap().total.amount, dec!(1000.00));
}

/// Reversing a split as of its own date restores every figure; a later date is refused.
#[test]
fn a_reversed_split_restores_the_table_and_only_as_of_its_date() {
    let mut book = new_book();
    let a = person(&mut book, "Ann", Relationship::Founder);
    let common = book
        .add_class(NewClass::common("Common", Some(9_999)))
        .unwrap();
    let p = plan(&mut book, "Plan", common, founded(), 333);
    rec(&mut book, founded(), issue(a, common, 101));
    rec(&mut book, founded(), grant(a, p, 33));
    let before = table(&book, date(2022, 1, 1));
    let m = split(&book, common, 3, 2);
    let id = rec(&mut book, date(2021, 1, 1), m);
    assert_ne!(table(&book, date(2022, 1, 1)), before);

    let err = try_rec(
        &mut book,
        date(2021, 6, 1),
        Movement::Reversal {
            reverses: id,
            reason: "wrong".into(),
        },
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("date"));
    rec(&mut book, date(2021, 1, 1), reversal(id));
    assert_eq!(table(&book, date(2022, 1, 1)), before);
    assert!(book.split_effect(id).unwrap().holdings.is_empty());
}

fn fingerprint(book: &Book) -> (usize, String) {
    (book.entries().len(), format!("{:?}", book.entries()))
}

#[test]
fn bad_splits_name_the_field_and_change_nothing() {
    let mut book = new_book();
    let a = person(&mut book, "Ann", Relationship::Founder);
    let common = book.add_class(NewClass::common("Common", None)).unwrap();
    let unissued = book
        .add_class(preferred("Series A", None, dec!(1), Decimal::ONE))
        .unwrap();
    rec(&mut book, date(2021, 1, 1), issue(a, common, 100));
    rec(&mut book, date(2021, 6, 1), issue(a, common, 50));
    let cases: Vec<(Movement, chrono::NaiveDate, &str)> = vec![
        (split(&book, common, 0, 1), date(2021, 7, 1), "numerator"),
        (split(&book, common, 2, 0), date(2021, 7, 1), "denominator"),
        (split(&book, common, 3, 3), date(2021, 7, 1), "ratio"),
        (split(&book, ClassId(99), 2, 1), date(2021, 7, 1), "class"),
        (split(&book, unissued, 2, 1), date(2021, 7, 1), "class"),
        // Before the class's first issuance.
        (split(&book, common, 2, 1), date(2020, 12, 31), "date"),
        // Under an issuance already recorded later, in the old shares.
        (split(&book, common, 2, 1), date(2021, 3, 1), "date"),
        (
            split(&book, common, MAX_SPLIT + 1, 1),
            date(2021, 7, 1),
            "numerator",
        ),
    ];
    for (m, on, field) in cases {
        let before = fingerprint(&book);
        let err = try_rec(&mut book, on, m.clone()).unwrap_err();
        assert_eq!(err.field(), Some(field), "{m:?}: {err}");
        assert_eq!(fingerprint(&book), before, "{m:?}");
    }
}

const MAX_SPLIT: u64 = roundbook_ledger::split::MAX_SPLIT_TERM;

/// A reversal dated after a split cannot undo shares counted before it.
#[test]
fn a_reversal_cannot_reach_back_across_a_split() {
    let mut book = new_book();
    let a = person(&mut book, "Ann", Relationship::Founder);
    let common = book.add_class(NewClass::common("Common", None)).unwrap();
    let first = rec(&mut book, date(2021, 1, 1), issue(a, common, 100));
    let m = split(&book, common, 2, 1);
    rec(&mut book, date(2021, 6, 1), m);
    let err = try_rec(
        &mut book,
        date(2021, 7, 1),
        Movement::Reversal {
            reverses: first,
            reason: "rescinded".into(),
        },
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("date"));
    assert!(err.to_string().contains("before the split"), "{err}");
    // As of its own date it is undone, split and all.
    rec(&mut book, date(2021, 1, 1), reversal(first));
    assert_eq!(held(&table(&book, date(2021, 7, 1)), a, common), 0);
}

/// The authorised shares of a class from a date (OCF's authorized shares adjustment): the
/// sample "decrease-authorized-series-a-preferred-after-financing" lowers 10,000,000 to
/// 9,365,000, the shares sold. Below what is outstanding is refused; a reversal restores.
#[test]
fn authorised_shares_adjustment_sets_the_limit_from_its_date() {
    let mut book = new_book();
    let v = person(&mut book, "Vera", Relationship::Investor);
    let a = book
        .add_class(preferred(
            "Series A",
            Some(10_000_000),
            dec!(1),
            Decimal::ONE,
        ))
        .unwrap();
    rec(&mut book, date(2022, 12, 1), issue(v, a, 9_365_000));
    let adj = rec(
        &mut book,
        date(2022, 12, 16),
        Movement::AuthorizedSharesAdjustment {
            class: a,
            authorized: 9_365_000,
        },
    );
    assert_eq!(
        class_row(&table(&book, date(2022, 12, 15)), a).authorized,
        Some(10_000_000)
    );
    assert_eq!(
        class_row(&table(&book, date(2022, 12, 16)), a).authorized,
        Some(9_365_000)
    );
    // A refused entry stays in a book the store then drops: try on copies.
    let err = try_rec(&mut book.clone(), date(2023, 1, 1), issue(v, a, 1)).unwrap_err();
    assert_eq!(err.field(), Some("shares"));
    let err = try_rec(
        &mut book.clone(),
        date(2023, 1, 1),
        Movement::AuthorizedSharesAdjustment {
            class: a,
            authorized: 9_000_000,
        },
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("authorized"));
    rec(&mut book, date(2023, 2, 1), reversal(adj));
    assert_eq!(
        class_row(&table(&book, date(2023, 2, 1)), a).authorized,
        Some(10_000_000)
    );
}

/// A company drawn at random: common holders, a plan with grants at cent strikes, and a
/// 1x non-participating Series A.
#[derive(Debug, Clone)]
struct Co {
    common: Vec<u64>,
    grants: Vec<(u64, u32)>,
    pool: u64,
    preferred: Vec<u64>,
}

fn co() -> impl Strategy<Value = Co> {
    (
        prop::collection::vec(1u64..5_000_000, 1..6),
        prop::collection::vec((1u64..200_000, 1u32..500), 0..4),
        0u64..1_000_000,
        prop::collection::vec(1u64..3_000_000, 0..4),
    )
        .prop_map(|(common, grants, pool, preferred)| Co {
            common,
            grants,
            pool,
            preferred,
        })
}

fn build(co: &Co) -> (Book, ClassId) {
    let mut book = new_book();
    let common = book.add_class(NewClass::common("Common", None)).unwrap();
    let a = book
        .add_class(preferred("Series A", None, dec!(1.25), Decimal::ONE))
        .unwrap();
    let granted: u64 = co.grants.iter().map(|g| g.0).sum();
    let p = plan(&mut book, "Plan", common, founded(), granted + co.pool);
    for (i, n) in co.common.iter().enumerate() {
        let h = person(&mut book, &format!("Common {i}"), Relationship::Founder);
        rec(&mut book, founded(), issue(h, common, *n));
    }
    for (i, (n, cents)) in co.grants.iter().enumerate() {
        let h = person(&mut book, &format!("Employee {i}"), Relationship::Employee);
        rec(
            &mut book,
            founded(),
            Movement::OptionGrant {
                holder: h,
                plan: p,
                options: *n,
                exercise_price: usd(Decimal::new(i64::from(*cents), 2)),
                expires: None,
            },
        );
    }
    for (i, n) in co.preferred.iter().enumerate() {
        let h = person(&mut book, &format!("Investor {i}"), Relationship::Investor);
        rec(&mut book, date(2021, 1, 1), issue(h, a, *n));
    }
    (book, common)
}

fn payouts(book: &Book, exit: Decimal) -> Vec<(String, Decimal)> {
    let (cap, _) = book
        .capitalisation(
            date(2023, 1, 1),
            &RoundingPolicy::default(),
            &Default::default(),
        )
        .unwrap();
    let out = waterfall(&cap, &ExitTerms::new(exit), &RoundingPolicy::default()).unwrap();
    out.holders
        .iter()
        .map(|h| (h.holder.clone(), h.total.amount))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A forward n-for-1 split of common leaves every fully diluted percentage and every
    /// exit payout exactly as it was (no rounding: every count is a whole multiple).
    #[test]
    fn forward_split_keeps_ownership_and_payouts(
        co in co(),
        n in prop::sample::select(vec![2u64, 4, 5, 10, 20]),
        exit in 0u64..60_000_000,
    ) {
        let (mut book, common) = build(&co);
        let before = table(&book, date(2023, 1, 1));
        let paid_before = payouts(&book, Decimal::from(exit));
        let m = split(&book, common, n, 1);
        rec(&mut book, date(2022, 1, 1), m);
        let after = table(&book, date(2023, 1, 1));
        assert_ties_out(&after);
        prop_assert_eq!(after.totals.fully_diluted, before.totals.fully_diluted * n);
        for h in &before.holders {
            let x = holder_row(&after, h.stakeholder);
            prop_assert_eq!(x.fully_diluted, h.fully_diluted * n);
            prop_assert_eq!(x.fully_diluted_pct, h.fully_diluted_pct);
        }
        prop_assert_eq!(payouts(&book, Decimal::from(exit)), paid_before);
    }

    /// Any split n:d moves each holder's fully diluted count by less than one share per
    /// holding or grant from the exact n/d multiple (the fractions dropped, as stated), and
    /// reversing it as of its date restores the table exactly.
    #[test]
    fn any_split_is_exact_up_to_the_stated_fractions_and_reverses_exactly(
        co in co(),
        n in 1u64..12,
        d in 1u64..12,
    ) {
        prop_assume!(n != d);
        let (mut book, common) = build(&co);
        let before = table(&book, date(2023, 1, 1));
        let m = split(&book, common, n, d);
        let id = match try_rec(&mut book, date(2022, 1, 1), m) {
            Ok(id) => id,
            Err(e) => panic!("refused: {e}"),
        };
        let after = table(&book, date(2023, 1, 1));
        assert_ties_out(&after);
        let effect = book.split_effect(id).unwrap();
        for h in &before.holders {
            let x = holder_row(&after, h.stakeholder);
            let exact = Decimal::from(h.fully_diluted) * Decimal::from(n) / Decimal::from(d);
            let dropped: Decimal = effect.holdings.iter().filter(|s| s.holder == h.stakeholder)
                .map(|s| s.fraction_dropped)
                .chain(effect.grants.iter().filter(|g| g.holder == h.stakeholder).map(|g| g.fraction_dropped))
                .sum();
            // Preferred holders are not split; their as-converted count is floored once.
            let slack = if x.holdings.iter().any(|k| k.class != common) { Decimal::ONE } else { Decimal::ZERO };
            let gap = exact - Decimal::from(x.fully_diluted) - dropped;
            prop_assert!(gap >= Decimal::ZERO && gap <= slack, "{} gap {gap}", h.name);
        }
        rec(&mut book, date(2022, 1, 1), reversal(id));
        prop_assert_eq!(table(&book, date(2023, 1, 1)), before);
    }
}
