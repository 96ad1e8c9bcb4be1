//! Effective dates and reversals: the cap table as of any date, backdated
//! entries, and undoing an entry without changing it.

mod common;

use common::*;
use roundbook_ledger::*;
use rust_decimal_macros::dec;

struct Small {
    book: Book,
    alice: StakeholderId,
    bob: StakeholderId,
    common: ClassId,
    pref: ClassId,
    plan: PlanId,
}

fn small() -> Small {
    let mut book = new_book();
    let mark = book.mark();
    let alice = person(&mut book, "Alice", Relationship::Founder);
    let bob = person(&mut book, "Bob", Relationship::Employee);
    let common = book
        .add_class(NewClass::common("Common", Some(1_000_000)))
        .unwrap();
    let pref = book
        .add_class(preferred("Series A", None, dec!(1), dec!(1)))
        .unwrap();
    let plan = plan(&mut book, "Plan", common, date(2020, 1, 1), 100_000);
    book.check(mark).unwrap();
    Small {
        book,
        alice,
        bob,
        common,
        pref,
        plan,
    }
}

// ---- as-of dates ------------------------------------------------------------

#[test]
fn an_entry_counts_from_its_effective_date_on() {
    let mut s = small();
    rec(
        &mut s.book,
        date(2020, 6, 15),
        issue(s.alice, s.common, 1_000),
    );
    assert_eq!(table(&s.book, date(2020, 6, 14)).totals.outstanding, 0);
    assert!(table(&s.book, date(2020, 6, 14)).holders.is_empty());
    assert_eq!(table(&s.book, date(2020, 6, 15)).totals.outstanding, 1_000);
    assert_eq!(table(&s.book, date(2030, 1, 1)).totals.outstanding, 1_000);
}

#[test]
fn a_plan_is_not_on_the_table_before_it_is_adopted() {
    let mut s = small();
    let late = plan(&mut s.book, "2021 Plan", s.common, date(2021, 3, 1), 5_000);
    let before = table(&s.book, date(2021, 2, 28));
    assert!(before.plans.iter().all(|p| p.plan != late));
    assert_eq!(before.totals.pool_available, 100_000);
    let on = table(&s.book, date(2021, 3, 1));
    assert_eq!(plan_row(&on, late).available, 5_000);
    assert_eq!(on.totals.pool_available, 105_000);
}

#[test]
fn backdated_entries_appear_in_views_after_their_effective_date() {
    let mut s = small();
    rec(
        &mut s.book,
        date(2021, 1, 1),
        issue(s.alice, s.common, 1_000),
    );
    // Recorded later, effective earlier.
    let late = rec(&mut s.book, date(2020, 6, 1), issue(s.bob, s.common, 500));
    assert!(s.book.entry(late).unwrap().recorded_at >= s.book.entries()[1].recorded_at);

    let ct = table(&s.book, date(2020, 5, 31));
    assert_eq!(ct.totals.outstanding, 0);
    let ct = table(&s.book, date(2020, 6, 1));
    assert_eq!(held(&ct, s.bob, s.common), 500);
    assert_eq!(held(&ct, s.alice, s.common), 0);
    let ct = table(&s.book, date(2020, 12, 31));
    assert_eq!(ct.totals.outstanding, 500);
    let ct = table(&s.book, date(2021, 1, 1));
    assert_eq!(ct.totals.outstanding, 1_500);
    assert_eq!(holder_row(&ct, s.bob).outstanding_pct, dec!(33.3333333333));
    assert_ties_out(&ct);
}

#[test]
fn a_backdated_issuance_can_fund_a_later_transfer_but_not_an_earlier_one() {
    let mut s = small();
    rec(&mut s.book, date(2020, 3, 1), issue(s.alice, s.common, 100));
    // The transfer needs 300; Alice has 100 then.
    let mut b = s.book.clone();
    let err = try_rec(
        &mut b,
        date(2020, 9, 1),
        transfer(s.alice, s.bob, s.common, 300),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("shares"));
    // Backdate 200 more to before the transfer: now it stands.
    rec(&mut s.book, date(2020, 8, 1), issue(s.alice, s.common, 200));
    rec(
        &mut s.book,
        date(2020, 9, 1),
        transfer(s.alice, s.bob, s.common, 300),
    );
    let ct = table(&s.book, date(2020, 9, 1));
    assert_eq!(
        (held(&ct, s.alice, s.common), held(&ct, s.bob, s.common)),
        (0, 300)
    );
    // Alice, with nothing left, drops off the table.
    assert!(ct.holders.iter().all(|h| h.stakeholder != s.alice));
}

#[test]
fn entries_on_one_day_apply_in_the_order_recorded() {
    let mut s = small();
    rec(&mut s.book, date(2020, 3, 1), issue(s.alice, s.common, 100));
    rec(
        &mut s.book,
        date(2020, 5, 1),
        transfer(s.alice, s.bob, s.common, 100),
    );
    // Bob passes the 100 back on the same day, recorded after the transfer in: fine.
    rec(
        &mut s.book,
        date(2020, 5, 1),
        transfer(s.bob, s.alice, s.common, 60),
    );
    let ct = table(&s.book, date(2020, 5, 1));
    assert_eq!(
        (held(&ct, s.alice, s.common), held(&ct, s.bob, s.common)),
        (60, 40)
    );
}

// ---- reversals ----------------------------------------------------------------

/// Records `m` on `on`, then its reversal on the same date, and checks the cap
/// table afterwards equals the one before `m` was recorded.
fn assert_reversal_restores(book: &mut Book, on: chrono::NaiveDate, m: Movement) {
    let later = date(2029, 12, 31);
    let before_on = table(book, on);
    let before_later = table(book, later);
    let id = rec(book, on, m.clone());
    assert_ne!(
        table(book, later),
        before_later,
        "{m:?} changed nothing, so this test proves nothing"
    );
    let r = rec(
        book,
        on,
        Movement::Reversal {
            reverses: id,
            reason: "entered in error".into(),
        },
    );
    assert_eq!(book.reversal_of(id), Some(r));
    assert_eq!(
        table(book, on),
        before_on,
        "as of {on} after reversing {m:?}"
    );
    assert_eq!(
        table(book, later),
        before_later,
        "as of {later} after reversing {m:?}"
    );
}

#[test]
fn reversing_any_movement_on_its_date_restores_the_cap_table() {
    let mut s = small();
    let (a, b, c, p) = (s.alice, s.bob, s.common, s.pref);
    let d = date(2020, 6, 1);
    rec(&mut s.book, d, issue(a, c, 10_000));
    rec(&mut s.book, d, issue(a, p, 5_000));
    let g = rec(&mut s.book, d, grant(b, s.plan, 2_000));
    let safe = rec(
        &mut s.book,
        d,
        Movement::ConvertibleIssuance {
            holder: b,
            terms: ConvertibleTerms::Safe {
                investment: usd(dec!(50000)),
                timing: SafeTiming::PostMoney,
                valuation_cap: Some(usd(dec!(5000000))),
                discount: Some(dec!(0.2)),
                mfn: false,
            },
        },
    );
    let on = date(2020, 9, 1);
    let movements = vec![
        issue(b, c, 700),
        grant(a, s.plan, 300),
        Movement::Exercise {
            grant: g,
            options: 500,
        },
        transfer(a, b, c, 1_000),
        Movement::StockCancellation {
            holder: a,
            class: c,
            shares: 400,
        },
        Movement::OptionCancellation {
            grant: g,
            options: 250,
        },
        Movement::Repurchase {
            holder: a,
            class: p,
            shares: 100,
            price_per_share: usd(dec!(1.25)),
        },
        Movement::PoolIncrease {
            plan: s.plan,
            shares: 9_000,
        },
        Movement::StockConversion {
            holder: a,
            from_class: p,
            shares: 1_000,
            to_class: c,
            resulting_shares: 1_000,
        },
        Movement::ConvertibleIssuance {
            holder: a,
            terms: ConvertibleTerms::Safe {
                investment: usd(dec!(1000)),
                timing: SafeTiming::PreMoney,
                valuation_cap: None,
                discount: None,
                mfn: true,
            },
        },
        Movement::ConvertibleConversion {
            instrument: safe,
            class: p,
            shares: 800,
        },
    ];
    for m in movements {
        assert_reversal_restores(&mut s.book, on, m);
    }
    assert_ties_out(&table(&s.book, on));
}

#[test]
fn a_later_reversal_undoes_the_entry_from_its_own_date_on() {
    let mut s = small();
    let id = rec(
        &mut s.book,
        date(2020, 3, 1),
        issue(s.alice, s.common, 1_000),
    );
    rec(&mut s.book, date(2020, 9, 1), reversal(id));
    assert_eq!(table(&s.book, date(2020, 2, 29)).totals.outstanding, 0);
    assert_eq!(
        table(&s.book, date(2020, 8, 31)).totals.outstanding,
        1_000,
        "history before the reversal stands"
    );
    assert_eq!(table(&s.book, date(2020, 9, 1)).totals.outstanding, 0);
    // The original entry is unchanged: a reversal adds, never edits.
    assert_eq!(
        s.book.entry(id).unwrap().movement,
        issue(s.alice, s.common, 1_000)
    );
}

#[test]
fn reversing_twice_is_refused() {
    let mut s = small();
    let id = rec(
        &mut s.book,
        date(2020, 3, 1),
        issue(s.alice, s.common, 1_000),
    );
    let r = rec(&mut s.book, date(2020, 3, 1), reversal(id));
    let err = try_rec(&mut s.book, date(2020, 4, 1), reversal(id)).unwrap_err();
    assert!(matches!(err, LedgerError::Conflict { .. }), "{err:?}");
    assert_eq!(err.field(), Some("entry"));
    assert!(err.to_string().contains(&format!("#{r}")), "{err}");
}

#[test]
fn reversing_a_reversal_is_refused() {
    let mut s = small();
    let id = rec(
        &mut s.book,
        date(2020, 3, 1),
        issue(s.alice, s.common, 1_000),
    );
    let r = rec(&mut s.book, date(2020, 3, 1), reversal(id));
    let err = try_rec(&mut s.book, date(2020, 4, 1), reversal(r)).unwrap_err();
    assert_eq!(err.field(), Some("entry"));
    assert!(matches!(err, LedgerError::Invalid { .. }), "{err:?}");
}

#[test]
fn reversing_an_unknown_entry_is_refused() {
    let mut s = small();
    let err = try_rec(&mut s.book, date(2020, 4, 1), reversal(EntryId(77))).unwrap_err();
    assert!(matches!(err, LedgerError::Unknown { .. }), "{err:?}");
    assert_eq!(err.field(), Some("entry"));
}

#[test]
fn reversing_an_issuance_whose_shares_were_transferred_away_is_refused() {
    let mut s = small();
    let id = rec(
        &mut s.book,
        date(2020, 3, 1),
        issue(s.alice, s.common, 1_000),
    );
    rec(
        &mut s.book,
        date(2020, 6, 1),
        transfer(s.alice, s.bob, s.common, 800),
    );
    // Dated after the transfer: the reversal itself cannot stand.
    let mut b = s.book.clone();
    let mark = b.mark();
    b.record(date(2020, 7, 1), reversal(id), None, Provenance::Recorded)
        .unwrap();
    let err = b.check(mark).unwrap_err();
    assert!(matches!(err, LedgerError::Conflict { .. }), "{err:?}");
    assert_eq!(err.field(), Some("entry"));
    assert!(err.to_string().contains("Alice holds 200"), "{err}");
}

#[test]
fn reversing_an_issuance_on_its_date_after_a_later_transfer_is_refused() {
    let mut s = small();
    let id = rec(
        &mut s.book,
        date(2020, 3, 1),
        issue(s.alice, s.common, 1_000),
    );
    let t = rec(
        &mut s.book,
        date(2020, 6, 1),
        transfer(s.alice, s.bob, s.common, 800),
    );
    let mark = s.book.mark();
    s.book
        .record(date(2020, 3, 1), reversal(id), None, Provenance::Recorded)
        .unwrap();
    let err = s.book.check(mark).unwrap_err();
    assert!(matches!(err, LedgerError::Conflict { .. }), "{err:?}");
    // What breaks is the later transfer, and the error names it; the field at fault is
    // the entry the user asked to reverse.
    assert_eq!(err.field(), Some("entry"));
    assert!(err.to_string().contains(&format!("#{t}")), "{err}");
}

#[test]
fn a_reversal_cannot_predate_its_entry() {
    let mut s = small();
    let id = rec(
        &mut s.book,
        date(2020, 3, 1),
        issue(s.alice, s.common, 1_000),
    );
    let err = try_rec(&mut s.book, date(2020, 2, 29), reversal(id)).unwrap_err();
    assert_eq!(err.field(), Some("date"));
    assert_eq!(
        s.book.reversal_of(id),
        None,
        "a refused reversal leaves no trace"
    );
}

#[test]
fn a_reversal_needs_a_reason() {
    let mut s = small();
    let id = rec(
        &mut s.book,
        date(2020, 3, 1),
        issue(s.alice, s.common, 1_000),
    );
    for reason in ["", "   "] {
        let err = try_rec(
            &mut s.book,
            date(2020, 3, 1),
            Movement::Reversal {
                reverses: id,
                reason: reason.into(),
            },
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("reason"), "{reason:?}");
    }
    assert_eq!(s.book.reversal_of(id), None);
    assert_eq!(s.book.entries().len(), 2);
}

#[test]
fn reversing_a_grant_with_exercised_options_is_refused() {
    let mut s = small();
    let g = rec(&mut s.book, date(2020, 3, 1), grant(s.bob, s.plan, 1_000));
    rec(
        &mut s.book,
        date(2020, 4, 1),
        Movement::Exercise {
            grant: g,
            options: 1_000,
        },
    );
    let err = try_rec(&mut s.book, date(2020, 5, 1), reversal(g)).unwrap_err();
    assert_eq!(err.field(), Some("entry"));
}

#[test]
fn reversing_a_pool_increase_whose_options_were_granted_is_refused() {
    let mut s = small();
    let inc = rec(
        &mut s.book,
        date(2020, 3, 1),
        Movement::PoolIncrease {
            plan: s.plan,
            shares: 50_000,
        },
    );
    rec(&mut s.book, date(2020, 4, 1), grant(s.bob, s.plan, 120_000));
    let err = try_rec(&mut s.book, date(2020, 5, 1), reversal(inc)).unwrap_err();
    assert!(matches!(err, LedgerError::Conflict { .. }), "{err:?}");
    assert_eq!(err.field(), Some("entry"));
}
