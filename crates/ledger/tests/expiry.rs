//! Option expiry: options neither exercised nor cancelled by their grant's expiry
//! date lapse the day after and return to the plan's pool, in the cap table and in
//! the history check alike.

mod common;

use common::*;
use roundbook_ledger::*;
use rust_decimal_macros::dec;

struct Setup {
    book: Book,
    ada: StakeholderId,
    ben: StakeholderId,
    plan: PlanId,
    grant: EntryId,
}

fn setup() -> Setup {
    let mut book = new_book();
    let ada = person(&mut book, "Ada", Relationship::Employee);
    let ben = person(&mut book, "Ben", Relationship::Employee);
    let common = book
        .add_class(NewClass::common("Common", Some(10_000)))
        .unwrap();
    let plan = plan(&mut book, "Plan", common, date(2020, 1, 1), 1_000);
    let grant = rec(
        &mut book,
        date(2020, 2, 1),
        Movement::OptionGrant {
            holder: ada,
            plan,
            options: 600,
            exercise_price: usd(dec!(0.10)),
            expires: Some(date(2022, 1, 31)),
        },
    );
    Setup {
        book,
        ada,
        ben,
        plan,
        grant,
    }
}

#[test]
fn unexercised_options_lapse_the_day_after_expiry() {
    let mut s = setup();
    rec(
        &mut s.book,
        date(2021, 6, 1),
        Movement::Exercise {
            grant: s.grant,
            options: 100,
        },
    );

    let on_expiry = table(&s.book, date(2022, 1, 31));
    assert_eq!(holder_row(&on_expiry, s.ada).options, 500);
    assert_eq!(plan_row(&on_expiry, s.plan).available, 400);
    assert_eq!(plan_row(&on_expiry, s.plan).expired, 0);

    let after = table(&s.book, date(2022, 2, 1));
    assert_eq!(holder_row(&after, s.ada).options, 0);
    assert_eq!(
        holder_row(&after, s.ada).outstanding,
        100,
        "exercised shares stay"
    );
    let p = plan_row(&after, s.plan);
    assert_eq!(
        (p.granted_outstanding, p.exercised, p.expired, p.available),
        (0, 100, 500, 900)
    );
    // Fully diluted is unchanged by a lapse: the options move from a holder to the pool.
    assert_eq!(after.totals.fully_diluted, on_expiry.totals.fully_diluted);
    assert_ties_out(&after);
}

#[test]
fn expired_options_cannot_be_exercised() {
    let mut s = setup();
    let err = try_rec(
        &mut s.book,
        date(2022, 2, 1),
        Movement::Exercise {
            grant: s.grant,
            options: 1,
        },
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("date"));
    assert!(err.to_string().contains("until 2022-01-31"), "{err}");
    // On the last day it still can.
    rec(
        &mut s.book,
        date(2022, 1, 31),
        Movement::Exercise {
            grant: s.grant,
            options: 600,
        },
    );
}

#[test]
fn lapsed_options_can_be_granted_again() {
    let mut s = setup();
    // Before the lapse only 400 are available.
    let too_many = Movement::OptionGrant {
        holder: s.ben,
        plan: s.plan,
        options: 1_000,
        exercise_price: usd(dec!(0.50)),
        expires: None,
    };
    // A refused change leaves the book to be thrown away, as the store does; try it on a copy.
    let err = try_rec(&mut s.book.clone(), date(2022, 1, 31), too_many.clone()).unwrap_err();
    assert_eq!(err.field(), Some("options"));
    // After it, the whole reserve is back.
    rec(&mut s.book, date(2022, 2, 1), too_many);
    let ct = table(&s.book, date(2022, 3, 1));
    assert_eq!(holder_row(&ct, s.ben).options, 1_000);
    assert_eq!(plan_row(&ct, s.plan).available, 0);
}

/// Found by the head property test: an exercise reversed after the grant expired gave its
/// options back to the expired grant, where they stayed outstanding for good. Had the exercise
/// never been recorded they would have lapsed, so they lapse as the reversal takes effect.
#[test]
fn options_given_back_to_an_expired_grant_lapse_at_once() {
    let mut s = setup();
    let exercise = rec(
        &mut s.book,
        date(2021, 6, 1),
        Movement::Exercise {
            grant: s.grant,
            options: 100,
        },
    );
    rec(&mut s.book, date(2022, 3, 1), reversal(exercise));

    let before = table(&s.book, date(2022, 2, 28));
    assert_eq!(holder_row(&before, s.ada).outstanding, 100);
    let after = table(&s.book, date(2022, 3, 1));
    assert!(
        after.holders.iter().all(|h| h.stakeholder != s.ada),
        "no shares, and no options outstanding on an expired grant"
    );
    let p = plan_row(&after, s.plan);
    assert_eq!(
        (p.granted_outstanding, p.exercised, p.expired, p.available),
        (0, 0, 600, 1_000)
    );
    assert_ties_out(&after);
}
