//! Cap table unit tests: a small company built movement by movement, with
//! every figure worked out by hand in the comments.

mod common;

use common::*;
use roundbook_ledger::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

/// The company of the walk-through below: its people and classes.
struct Acme {
    book: Book,
    alice: StakeholderId,
    bob: StakeholderId,
    carol: StakeholderId,
    vera: StakeholderId,
    sam: StakeholderId,
    common: ClassId,
    series_a: ClassId,
    plan: PlanId,
}

fn acme() -> Acme {
    let mut book = new_book();
    let mark = book.mark();
    let alice = person(&mut book, "Alice Founder", Relationship::Founder);
    let bob = person(&mut book, "Bob Founder", Relationship::Founder);
    let carol = person(&mut book, "Carol Engineer", Relationship::Employee);
    let vera = person(&mut book, "Vera Ventures", Relationship::Investor);
    let sam = person(&mut book, "Sam Seed", Relationship::Investor);
    let common = book
        .add_class(NewClass::common("Common", Some(10_000_000)))
        .unwrap();
    let series_a = book
        .add_class(preferred(
            "Series A Preferred",
            Some(2_000_000),
            dec!(1.00),
            Decimal::ONE,
        ))
        .unwrap();
    let plan = plan(
        &mut book,
        "2020 Stock Plan",
        common,
        date(2020, 2, 1),
        1_000_000,
    );
    book.check(mark).unwrap();
    Acme {
        book,
        alice,
        bob,
        carol,
        vera,
        sam,
        common,
        series_a,
        plan,
    }
}

#[test]
fn add_plan_records_its_reserve_as_a_pool_increase() {
    let a = acme();
    let entries = a.book.entries();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].effective, date(2020, 2, 1));
    assert_eq!(
        entries[0].movement,
        Movement::PoolIncrease {
            plan: a.plan,
            shares: 1_000_000
        }
    );
    let ct = table(&a.book, date(2020, 2, 1));
    let p = plan_row(&ct, a.plan);
    assert_eq!(
        (p.reserved, p.granted_outstanding, p.exercised, p.available),
        (1_000_000, 0, 0, 1_000_000)
    );
    assert_eq!(ct.totals.fully_diluted, 1_000_000);
    assert_eq!(ct.totals.outstanding, 0);
    assert_eq!(p.available_pct, dec!(100));
    assert!(ct.holders.is_empty());
    assert_ties_out(&ct);
}

#[test]
fn a_plan_without_a_reserve_records_nothing() {
    let mut a = acme();
    let before = a.book.entries().len();
    let p = plan(&mut a.book, "Advisor Plan", a.common, date(2020, 3, 1), 0);
    assert_eq!(a.book.entries().len(), before);
    let ct = table(&a.book, date(2020, 3, 1));
    assert_eq!(plan_row(&ct, p).available, 0);
}

#[test]
fn walk_through_every_movement() {
    let Acme {
        mut book,
        alice,
        bob,
        carol,
        vera,
        sam,
        common,
        series_a,
        plan,
    } = acme();

    // 1-2. Founders' stock.
    rec(
        &mut book,
        date(2020, 1, 15),
        issue(alice, common, 4_000_000),
    );
    rec(&mut book, date(2020, 1, 15), issue(bob, common, 3_000_000));
    // 3. Carol's grant from the 1,000,000-share pool.
    let carol_grant = rec(&mut book, date(2020, 3, 1), grant(carol, plan, 200_000));

    // As of 2020-03-01: 7,000,000 outstanding; 200,000 options; 800,000 still in the pool; FD 8,000,000.
    let ct = table(&book, date(2020, 3, 1));
    assert_eq!(ct.totals.outstanding, 7_000_000);
    assert_eq!(ct.totals.options, 200_000);
    assert_eq!(ct.totals.pool_available, 800_000);
    assert_eq!(ct.totals.fully_diluted, 8_000_000);
    assert_eq!(holder_row(&ct, alice).fully_diluted_pct, dec!(50)); // 4.0M / 8.0M
    assert_eq!(holder_row(&ct, bob).fully_diluted_pct, dec!(37.5)); // 3.0M / 8.0M
    assert_eq!(holder_row(&ct, carol).fully_diluted_pct, dec!(2.5)); // 0.2M / 8.0M
    assert_eq!(holder_row(&ct, carol).outstanding, 0);
    assert_eq!(holder_row(&ct, carol).outstanding_pct, dec!(0));
    assert_eq!(plan_row(&ct, plan).available_pct, dec!(10)); // 0.8M / 8.0M
                                                             // 4.0M / 7.0M = 57.142857142857...% to 10 dp
    assert_eq!(holder_row(&ct, alice).outstanding_pct, dec!(57.1428571429));
    let names: Vec<_> = ct.holders.iter().map(|h| h.stakeholder).collect();
    assert_eq!(
        names,
        vec![alice, bob, carol],
        "holders are listed by FD, largest first"
    );
    assert_ties_out(&ct);
    assert_percentages_sum(&ct);

    // 4. A post-money SAFE: listed apart, not counted in FD.
    let safe = rec(
        &mut book,
        date(2020, 4, 1),
        Movement::ConvertibleIssuance {
            holder: sam,
            terms: ConvertibleTerms::Safe {
                investment: usd(dec!(500000)),
                timing: SafeTiming::PostMoney,
                valuation_cap: Some(usd(dec!(10000000))),
                discount: None,
                mfn: false,
            },
        },
    );
    let ct = table(&book, date(2020, 4, 1));
    assert_eq!(ct.totals.fully_diluted, 8_000_000, "a SAFE is not in FD");
    assert_eq!(ct.convertibles.len(), 1);
    let c = &ct.convertibles[0];
    assert_eq!(
        (c.instrument, c.holder, c.kind, c.amount, c.issued),
        (safe, sam, "SAFE", usd(dec!(500000)), date(2020, 4, 1))
    );
    assert!(
        ct.holders.iter().all(|h| h.stakeholder != sam),
        "a SAFE holder holds no shares yet"
    );
    assert_ties_out(&ct);

    // 5. Series A: 1,000,000 preferred at $1.00.
    rec(
        &mut book,
        date(2020, 6, 1),
        Movement::StockIssuance {
            holder: vera,
            class: series_a,
            shares: 1_000_000,
            price_per_share: Some(usd(dec!(1.00))),
            round: None,
        },
    );
    let ct = table(&book, date(2020, 6, 1));
    assert_eq!(ct.totals.outstanding, 8_000_000);
    assert_eq!(ct.totals.fully_diluted, 9_000_000);
    let cr = class_row(&ct, common);
    assert_eq!(
        (
            cr.shares,
            cr.as_converted,
            cr.options,
            cr.pool_available,
            cr.fully_diluted
        ),
        (7_000_000, 7_000_000, 200_000, 800_000, 8_000_000)
    );
    let ar = class_row(&ct, series_a);
    assert_eq!(
        (
            ar.shares,
            ar.as_converted,
            ar.options,
            ar.pool_available,
            ar.fully_diluted
        ),
        (1_000_000, 1_000_000, 0, 0, 1_000_000)
    );
    assert_eq!(ar.outstanding_pct, dec!(12.5)); // 1M / 8M
    assert_ties_out(&ct);
    assert_percentages_sum(&ct);

    // 6. Carol exercises 50,000: they become common shares; the pool's available is unchanged.
    rec(
        &mut book,
        date(2021, 1, 1),
        Movement::Exercise {
            grant: carol_grant,
            options: 50_000,
        },
    );
    let ct = table(&book, date(2021, 1, 1));
    let cr = holder_row(&ct, carol);
    assert_eq!(
        (cr.outstanding, cr.options, cr.fully_diluted),
        (50_000, 150_000, 200_000)
    );
    let p = plan_row(&ct, plan);
    assert_eq!(
        (p.reserved, p.granted_outstanding, p.exercised, p.available),
        (1_000_000, 150_000, 50_000, 800_000)
    );
    assert_eq!(
        (
            ct.totals.outstanding,
            ct.totals.options,
            ct.totals.pool_available,
            ct.totals.fully_diluted
        ),
        (8_050_000, 150_000, 800_000, 9_000_000)
    );
    assert_ties_out(&ct);

    // 7. Bob transfers 100,000 common to Carol.
    rec(
        &mut book,
        date(2021, 2, 1),
        transfer(bob, carol, common, 100_000),
    );
    let ct = table(&book, date(2021, 2, 1));
    assert_eq!(held(&ct, bob, common), 2_900_000);
    assert_eq!(held(&ct, carol, common), 150_000);
    assert_eq!(
        ct.totals.outstanding, 8_050_000,
        "a transfer moves shares, it does not create them"
    );
    assert_ties_out(&ct);

    // 8. 200,000 of Alice's shares cancelled.
    rec(
        &mut book,
        date(2021, 3, 1),
        Movement::StockCancellation {
            holder: alice,
            class: common,
            shares: 200_000,
        },
    );
    let ct = table(&book, date(2021, 3, 1));
    assert_eq!(held(&ct, alice, common), 3_800_000);
    assert_eq!(
        (ct.totals.outstanding, ct.totals.fully_diluted),
        (7_850_000, 8_800_000)
    );
    assert_ties_out(&ct);

    // 9. 30,000 of Carol's options cancelled: back to the pool.
    rec(
        &mut book,
        date(2021, 4, 1),
        Movement::OptionCancellation {
            grant: carol_grant,
            options: 30_000,
        },
    );
    let ct = table(&book, date(2021, 4, 1));
    assert_eq!(holder_row(&ct, carol).options, 120_000);
    let p = plan_row(&ct, plan);
    assert_eq!(
        (p.granted_outstanding, p.exercised, p.available),
        (120_000, 50_000, 830_000)
    );
    assert_eq!(
        (
            ct.totals.options,
            ct.totals.pool_available,
            ct.totals.fully_diluted
        ),
        (120_000, 830_000, 8_800_000)
    );
    assert_ties_out(&ct);

    // 10. The company repurchases 300,000 of Bob's shares at $0.50.
    rec(
        &mut book,
        date(2021, 5, 1),
        Movement::Repurchase {
            holder: bob,
            class: common,
            shares: 300_000,
            price_per_share: usd(dec!(0.50)),
        },
    );
    let ct = table(&book, date(2021, 5, 1));
    assert_eq!(held(&ct, bob, common), 2_600_000);
    assert_eq!(
        (ct.totals.outstanding, ct.totals.fully_diluted),
        (7_550_000, 8_500_000)
    );
    assert_ties_out(&ct);

    // 11. The pool grows by 500,000.
    rec(
        &mut book,
        date(2021, 6, 1),
        Movement::PoolIncrease {
            plan,
            shares: 500_000,
        },
    );
    let ct = table(&book, date(2021, 6, 1));
    let p = plan_row(&ct, plan);
    assert_eq!((p.reserved, p.available), (1_500_000, 1_330_000));
    assert_eq!(ct.totals.fully_diluted, 9_000_000);
    assert_ties_out(&ct);

    // 12. Vera converts 400,000 Series A into 400,000 common.
    rec(
        &mut book,
        date(2021, 7, 1),
        Movement::StockConversion {
            holder: vera,
            from_class: series_a,
            shares: 400_000,
            to_class: common,
            resulting_shares: 400_000,
        },
    );
    let ct = table(&book, date(2021, 7, 1));
    assert_eq!(held(&ct, vera, series_a), 600_000);
    assert_eq!(held(&ct, vera, common), 400_000);
    // Common: 3.8M + 2.6M + 0.15M + 0.4M = 6.95M shares, + 120k options + 1.33M pool = 8.4M FD.
    let cr = class_row(&ct, common);
    assert_eq!((cr.shares, cr.fully_diluted), (6_950_000, 8_400_000));
    assert_eq!(class_row(&ct, series_a).fully_diluted, 600_000);
    assert_eq!(
        (ct.totals.outstanding, ct.totals.fully_diluted),
        (7_550_000, 9_000_000)
    );
    assert_ties_out(&ct);

    // 13. Sam's SAFE converts into 600,000 Series A.
    rec(
        &mut book,
        date(2021, 8, 1),
        Movement::ConvertibleConversion {
            instrument: safe,
            class: series_a,
            shares: 600_000,
        },
    );
    let end = date(2021, 12, 31);
    let ct = table(&book, end);
    assert!(
        ct.convertibles.is_empty(),
        "a converted SAFE is no longer listed"
    );
    assert_eq!(held(&ct, sam, series_a), 600_000);
    assert_eq!(
        (
            ct.totals.outstanding,
            ct.totals.options,
            ct.totals.pool_available,
            ct.totals.fully_diluted
        ),
        (8_150_000, 120_000, 1_330_000, 9_600_000)
    );
    // Per holder at the end (FD): Alice 3.8M, Bob 2.6M, Vera 1.0M, Sam 0.6M, Carol 0.27M.
    let fd: Vec<_> = ct
        .holders
        .iter()
        .map(|h| (h.stakeholder, h.fully_diluted))
        .collect();
    assert_eq!(
        fd,
        vec![
            (alice, 3_800_000),
            (bob, 2_600_000),
            (vera, 1_000_000),
            (sam, 600_000),
            (carol, 270_000)
        ]
    );
    assert_eq!(holder_row(&ct, sam).fully_diluted_pct, dec!(6.25)); // 0.6M / 9.6M
    assert_eq!(class_row(&ct, series_a).fully_diluted_pct, dec!(12.5)); // (0.6M Vera + 0.6M Sam) / 9.6M
    assert_eq!(class_row(&ct, series_a).shares, 1_200_000);
    assert_ties_out(&ct);
    assert_percentages_sum(&ct);

    // Every view on the way still stands, and nothing was lost between the checkpoints.
    assert_eq!(
        table(&book, date(2020, 3, 1)).totals.fully_diluted,
        8_000_000
    );
    assert_eq!(table(&book, date(2021, 7, 31)).convertibles.len(), 1);
    assert_eq!(book.entries().len(), 14);
    assert_eq!(ct.rounding, RoundingPolicy::default());
    assert_eq!(ct.as_of, end);
}

#[test]
fn preferred_counts_as_converted_with_the_conversion_rule() {
    let mut book = new_book();
    let mark = book.mark();
    let ann = person(&mut book, "Ann", Relationship::Investor);
    let common = book.add_class(NewClass::common("Common", None)).unwrap();
    let seed = book
        .add_class(preferred("Series Seed", None, dec!(2.00), dec!(1.5)))
        .unwrap();
    book.check(mark).unwrap();
    rec(&mut book, date(2020, 5, 1), issue(ann, seed, 1_001));
    rec(&mut book, date(2020, 5, 1), issue(ann, common, 10));

    // 1,001 x 1.5 = 1,501.5 as converted: floor by default.
    let ct = table(&book, date(2020, 5, 1));
    let h = holder_row(&ct, ann);
    let seed_holding = h.holdings.iter().find(|x| x.class == seed).unwrap();
    assert_eq!(
        (seed_holding.shares, seed_holding.as_converted),
        (1_001, 1_501)
    );
    assert_eq!(h.outstanding, 1_511);
    assert_eq!(class_row(&ct, seed).as_converted, 1_501);
    assert_eq!(class_row(&ct, seed).shares, 1_001);
    assert_ties_out(&ct);

    // Nearest rounds the half up; ceiling too.
    for (rule, expect) in [
        (ShareRounding::Nearest, 1_502),
        (ShareRounding::Ceiling, 1_502),
        (ShareRounding::Floor, 1_501),
    ] {
        let policy = RoundingPolicy {
            conversion: rule,
            ..RoundingPolicy::default()
        };
        let ct = book.cap_table(date(2020, 5, 1), &policy).unwrap();
        assert_eq!(class_row(&ct, seed).as_converted, expect, "{rule:?}");
        assert_eq!(ct.totals.outstanding, expect + 10, "{rule:?}");
        assert_eq!(ct.rounding, policy);
        assert_ties_out(&ct);
    }
}

#[test]
fn notes_are_listed_with_their_principal() {
    let mut a = acme();
    let id = rec(
        &mut a.book,
        date(2020, 9, 1),
        Movement::ConvertibleIssuance {
            holder: a.sam,
            terms: ConvertibleTerms::Note {
                principal: usd(dec!(250000)),
                interest_rate: dec!(0.05),
                compounding: Compounding::Simple,
                day_count: DayCount::Act365,
                maturity: date(2022, 9, 1),
                valuation_cap: None,
                discount: Some(dec!(0.2)),
            },
        },
    );
    let ct = table(&a.book, date(2020, 9, 1));
    assert_eq!(ct.convertibles.len(), 1);
    assert_eq!(
        (ct.convertibles[0].instrument, ct.convertibles[0].kind),
        (id, "convertible note")
    );
    assert_eq!(ct.convertibles[0].amount, usd(dec!(250000)));
    assert_eq!(ct.totals.fully_diluted, 1_000_000, "only the pool is in FD");
}

#[test]
fn a_convertible_converts_only_once() {
    let mut a = acme();
    let safe = rec(
        &mut a.book,
        date(2020, 4, 1),
        Movement::ConvertibleIssuance {
            holder: a.sam,
            terms: ConvertibleTerms::Safe {
                investment: usd(dec!(100000)),
                timing: SafeTiming::PreMoney,
                valuation_cap: None,
                discount: Some(dec!(0.15)),
                mfn: true,
            },
        },
    );
    rec(
        &mut a.book,
        date(2020, 6, 1),
        Movement::ConvertibleConversion {
            instrument: safe,
            class: a.series_a,
            shares: 1_000,
        },
    );
    let err = try_rec(
        &mut a.book,
        date(2020, 7, 1),
        Movement::ConvertibleConversion {
            instrument: safe,
            class: a.series_a,
            shares: 1_000,
        },
    )
    .unwrap_err();
    assert!(matches!(err, LedgerError::Conflict { .. }), "{err:?}");
    assert_eq!(err.field(), Some("instrument"));
}

#[test]
fn a_conversion_must_be_of_a_convertible_and_after_its_issue() {
    let mut a = acme();
    let shares = rec(&mut a.book, date(2020, 3, 1), issue(a.alice, a.common, 10));
    let err = try_rec(
        &mut a.book,
        date(2020, 4, 1),
        Movement::ConvertibleConversion {
            instrument: shares,
            class: a.series_a,
            shares: 5,
        },
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("instrument"));
    let err = try_rec(
        &mut a.book,
        date(2020, 4, 1),
        Movement::ConvertibleConversion {
            instrument: EntryId(999),
            class: a.series_a,
            shares: 5,
        },
    )
    .unwrap_err();
    assert!(matches!(err, LedgerError::Unknown { .. }));
    assert_eq!(err.field(), Some("instrument"));
}

#[test]
fn the_cap_table_serialises_amounts_and_percentages_as_strings() {
    let mut a = acme();
    rec(
        &mut a.book,
        date(2020, 3, 1),
        issue(a.alice, a.common, 3_000_000),
    );
    let ct = table(&a.book, date(2020, 3, 1));
    let json = serde_json::to_value(&ct).unwrap();
    // 3M of 4M FD (3M + 1M pool) = 75%.
    let pct: Decimal = json["holders"][0]["fully_diluted_pct"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(pct, dec!(75));
    assert_eq!(
        json["totals"]["fully_diluted"],
        serde_json::json!(4_000_000)
    );
    assert_eq!(json["as_of"], serde_json::json!("2020-03-01"));
}

#[test]
fn added_since_lists_what_a_command_added() {
    let mut a = acme();
    let mark = a.book.mark();
    assert!(a.book.added_since(mark).is_empty());
    let dan = person(&mut a.book, "Dan", Relationship::Advisor);
    a.book
        .record(
            date(2020, 5, 1),
            issue(dan, a.common, 5),
            None,
            Provenance::Illustrative,
        )
        .unwrap();
    a.book.check(mark).unwrap();
    let added = a.book.added_since(mark);
    assert_eq!(added.stakeholders.len(), 1);
    assert_eq!(added.stakeholders[0].id, dan);
    assert_eq!(added.entries.len(), 1);
    assert_eq!(added.entries[0].provenance, Provenance::Illustrative);
    assert!(added.classes.is_empty() && added.plans.is_empty() && added.rounds.is_empty());
}

#[test]
fn a_book_rebuilt_from_its_parts_gives_the_same_cap_table() {
    let mut a = acme();
    let g = rec(&mut a.book, date(2020, 3, 1), grant(a.carol, a.plan, 1_000));
    rec(
        &mut a.book,
        date(2020, 3, 1),
        issue(a.alice, a.common, 9_000),
    );
    let r = rec(&mut a.book, date(2020, 4, 1), reversal(g));
    let b = &a.book;
    let rebuilt = Book::from_parts(
        b.company.clone(),
        b.stakeholders().to_vec(),
        b.classes().to_vec(),
        b.plans().to_vec(),
        b.rounds().to_vec(),
        b.valuations().to_vec(),
        b.entries().to_vec(),
    );
    assert_eq!(rebuilt.reversal_of(g), Some(r));
    for d in [date(2020, 3, 1), date(2020, 4, 1)] {
        assert_eq!(table(&rebuilt, d), table(b, d));
    }
    // The journal survives JSON intact, as the store keeps it.
    let json = serde_json::to_string(b.entries()).unwrap();
    let back: Vec<Entry> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, b.entries());
}
