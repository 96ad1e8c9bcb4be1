//! Bad input is refused, with the field it concerns, and leaves the book as it was.

mod common;

use common::*;
use roundbook_ledger::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

struct Small {
    book: Book,
    alice: StakeholderId,
    bob: StakeholderId,
    common: ClassId,
    pref: ClassId,
    plan: PlanId,
}

/// Common authorised 1,000,000, with a 100,000 pool; Alice holds 500,000.
fn small() -> Small {
    let mut book = new_book();
    let mark = book.mark();
    let alice = person(&mut book, "Alice", Relationship::Founder);
    let bob = person(&mut book, "Bob", Relationship::Employee);
    let common = book
        .add_class(NewClass::common("Common", Some(1_000_000)))
        .unwrap();
    let pref = book
        .add_class(preferred("Series A", Some(10_000), dec!(1), dec!(1)))
        .unwrap();
    let plan = plan(&mut book, "Plan", common, date(2020, 2, 1), 100_000);
    book.check(mark).unwrap();
    rec(&mut book, date(2020, 2, 1), issue(alice, common, 500_000));
    Small {
        book,
        alice,
        bob,
        common,
        pref,
        plan,
    }
}

/// Records `m`, expecting `record` itself (not `check`) to refuse it with `field`;
/// the book must be unchanged.
fn refused_on_record(
    book: &mut Book,
    on: chrono::NaiveDate,
    m: Movement,
    field: &str,
) -> LedgerError {
    let before = book.entries().len();
    let err = book
        .record(on, m.clone(), None, Provenance::Recorded)
        .unwrap_err();
    assert_eq!(err.field(), Some(field), "{m:?}: {err}");
    assert_eq!(
        book.entries().len(),
        before,
        "a refused entry must not be added"
    );
    err
}

/// Records `m` (which passes on its own) and expects `check` to refuse the history.
fn refused_on_check(book: &Book, on: chrono::NaiveDate, m: Movement, field: &str) -> LedgerError {
    let mut b = book.clone();
    let mark = b.mark();
    b.record(on, m.clone(), None, Provenance::Recorded)
        .unwrap_or_else(|e| panic!("{m:?} refused on record: {e}"));
    let err = b.check(mark).unwrap_err();
    assert!(
        matches!(err, LedgerError::Conflict { .. }),
        "{m:?}: {err:?}"
    );
    assert_eq!(err.field(), Some(field), "{m:?}: {err}");
    // The book before the attempt is untouched and still consistent.
    book.check(book.mark()).unwrap();
    err
}

#[test]
fn zero_shares_or_options_are_refused() {
    let mut s = small();
    let on = date(2020, 3, 1);
    refused_on_record(&mut s.book, on, issue(s.alice, s.common, 0), "shares");
    refused_on_record(
        &mut s.book,
        on,
        transfer(s.alice, s.bob, s.common, 0),
        "shares",
    );
    refused_on_record(
        &mut s.book,
        on,
        Movement::StockCancellation {
            holder: s.alice,
            class: s.common,
            shares: 0,
        },
        "shares",
    );
    refused_on_record(
        &mut s.book,
        on,
        Movement::PoolIncrease {
            plan: s.plan,
            shares: 0,
        },
        "shares",
    );
    refused_on_record(&mut s.book, on, grant(s.bob, s.plan, 0), "options");
    let g = rec(&mut s.book, on, grant(s.bob, s.plan, 10));
    refused_on_record(
        &mut s.book,
        on,
        Movement::Exercise {
            grant: g,
            options: 0,
        },
        "options",
    );
    refused_on_record(
        &mut s.book,
        on,
        Movement::OptionCancellation {
            grant: g,
            options: 0,
        },
        "options",
    );
    refused_on_record(
        &mut s.book,
        on,
        Movement::StockConversion {
            holder: s.alice,
            from_class: s.common,
            shares: 10,
            to_class: s.pref,
            resulting_shares: 0,
        },
        "resulting_shares",
    );
}

#[test]
fn more_than_max_shares_in_one_entry_is_refused() {
    let mut s = small();
    refused_on_record(
        &mut s.book,
        date(2020, 3, 1),
        issue(s.alice, s.pref, MAX_SHARES + 1),
        "shares",
    );
}

#[test]
fn unknown_references_are_refused() {
    let mut s = small();
    let on = date(2020, 3, 1);
    let ghost = StakeholderId(99);
    let e = refused_on_record(&mut s.book, on, issue(ghost, s.common, 10), "holder");
    assert!(matches!(e, LedgerError::Unknown { .. }));
    refused_on_record(&mut s.book, on, issue(s.alice, ClassId(99), 10), "class");
    refused_on_record(
        &mut s.book,
        on,
        transfer(ghost, s.bob, s.common, 10),
        "from",
    );
    refused_on_record(
        &mut s.book,
        on,
        transfer(s.alice, ghost, s.common, 10),
        "to",
    );
    refused_on_record(&mut s.book, on, grant(ghost, s.plan, 10), "holder");
    refused_on_record(&mut s.book, on, grant(s.bob, PlanId(9), 10), "plan");
    refused_on_record(
        &mut s.book,
        on,
        Movement::Exercise {
            grant: EntryId(999),
            options: 1,
        },
        "grant",
    );
    let issuance = s.book.entries().last().unwrap().id;
    let e = refused_on_record(
        &mut s.book,
        on,
        Movement::Exercise {
            grant: issuance,
            options: 1,
        },
        "grant",
    );
    assert!(
        matches!(e, LedgerError::Invalid { .. }),
        "an issuance is not a grant"
    );
    refused_on_record(
        &mut s.book,
        on,
        Movement::StockIssuance {
            holder: s.alice,
            class: s.common,
            shares: 1,
            price_per_share: None,
            round: Some(RoundId(4)),
        },
        "round",
    );
    assert_eq!(
        s.book
            .find_stakeholder("holder", "nobody")
            .unwrap_err()
            .field(),
        Some("holder")
    );
    assert_eq!(
        s.book.find_stakeholder("holder", " alice ").unwrap(),
        s.alice
    );
    assert_eq!(
        s.book
            .find_stakeholder("holder", &format!("#{}", s.bob))
            .unwrap(),
        s.bob
    );
    assert_eq!(s.book.find_class("class", "series a").unwrap(), s.pref);
    assert_eq!(s.book.find_plan("plan", "#1").unwrap(), s.plan);
    assert!(s.book.find_round("round", "Seed").is_err());
}

#[test]
fn dates_before_founding_are_refused() {
    let mut s = small();
    let eve = founded().pred_opt().unwrap();
    refused_on_record(&mut s.book, eve, issue(s.alice, s.common, 10), "date");
    // The founding day itself is fine.
    rec(&mut s.book, founded(), issue(s.alice, s.pref, 10));
    let err = s
        .book
        .add_plan(NewPlan {
            name: "Early".into(),
            class: s.common,
            adopted: eve,
            reserved: 10,
            provenance: Provenance::Recorded,
        })
        .unwrap_err();
    assert_eq!(err.field(), Some("date"));
    assert!(s.book.plans().iter().all(|p| p.name != "Early"));
}

#[test]
fn entries_before_what_they_depend_on_are_refused() {
    let mut s = small();
    let g = rec(&mut s.book, date(2020, 5, 1), grant(s.bob, s.plan, 100));
    refused_on_record(
        &mut s.book,
        date(2020, 4, 30),
        Movement::Exercise {
            grant: g,
            options: 1,
        },
        "date",
    );
    refused_on_record(
        &mut s.book,
        date(2020, 4, 30),
        Movement::OptionCancellation {
            grant: g,
            options: 1,
        },
        "date",
    );
    // A grant before its plan was adopted (2020-02-01).
    refused_on_record(
        &mut s.book,
        date(2020, 1, 31),
        grant(s.bob, s.plan, 1),
        "date",
    );
    refused_on_record(
        &mut s.book,
        date(2020, 1, 31),
        Movement::PoolIncrease {
            plan: s.plan,
            shares: 1,
        },
        "date",
    );
    let mut bad_expiry = grant(s.bob, s.plan, 1);
    if let Movement::OptionGrant { expires, .. } = &mut bad_expiry {
        *expires = Some(date(2020, 6, 1));
    }
    refused_on_record(&mut s.book, date(2020, 6, 1), bad_expiry, "expires");
}

#[test]
fn more_shares_than_authorised_are_refused() {
    let s = small();
    // Common: 500,000 issued + 100,000 reserved; 400,000 left.
    let mut ok = s.book.clone();
    rec(&mut ok, date(2020, 3, 1), issue(s.bob, s.common, 400_000));
    let err = refused_on_check(
        &s.book,
        date(2020, 3, 1),
        issue(s.bob, s.common, 400_001),
        "shares",
    );
    assert!(err.to_string().contains("authorised"), "{err}");
    // The pool counts against the class too.
    refused_on_check(
        &s.book,
        date(2020, 3, 1),
        Movement::PoolIncrease {
            plan: s.plan,
            shares: 400_001,
        },
        "shares",
    );
    refused_on_check(
        &s.book,
        date(2020, 3, 1),
        issue(s.bob, s.pref, 10_001),
        "shares",
    );
    refused_on_check(
        &s.book,
        date(2020, 3, 1),
        Movement::StockConversion {
            holder: s.alice,
            from_class: s.common,
            shares: 10,
            to_class: s.pref,
            resulting_shares: 10_001,
        },
        "shares",
    );
}

#[test]
fn transferring_more_than_held_is_refused() {
    let s = small();
    let err = refused_on_check(
        &s.book,
        date(2020, 3, 1),
        transfer(s.alice, s.bob, s.common, 500_001),
        "shares",
    );
    assert!(err.to_string().contains("Alice holds 500000"), "{err}");
    refused_on_check(
        &s.book,
        date(2020, 3, 1),
        transfer(s.bob, s.alice, s.common, 1),
        "shares",
    );
    // Shares held in one class cannot pay for another.
    refused_on_check(
        &s.book,
        date(2020, 3, 1),
        transfer(s.alice, s.bob, s.pref, 1),
        "shares",
    );
    // Before the issuance (2020-02-01) Alice holds nothing.
    refused_on_check(
        &s.book,
        date(2020, 1, 31),
        transfer(s.alice, s.bob, s.common, 1),
        "shares",
    );
    refused_on_check(
        &s.book,
        date(2020, 3, 1),
        Movement::StockCancellation {
            holder: s.alice,
            class: s.common,
            shares: 500_001,
        },
        "shares",
    );
    refused_on_check(
        &s.book,
        date(2020, 3, 1),
        Movement::Repurchase {
            holder: s.bob,
            class: s.common,
            shares: 1,
            price_per_share: usd(dec!(1)),
        },
        "shares",
    );
    refused_on_check(
        &s.book,
        date(2020, 3, 1),
        Movement::StockConversion {
            holder: s.bob,
            from_class: s.common,
            shares: 1,
            to_class: s.pref,
            resulting_shares: 1,
        },
        "shares",
    );
}

#[test]
fn granting_more_options_than_available_is_refused() {
    let mut s = small();
    let err = refused_on_check(
        &s.book,
        date(2020, 3, 1),
        grant(s.bob, s.plan, 100_001),
        "options",
    );
    assert!(
        err.to_string().contains("100000 options available"),
        "{err}"
    );
    let g = rec(&mut s.book, date(2020, 3, 1), grant(s.bob, s.plan, 100_000));
    // Exercising or cancelling more than the grant has outstanding.
    refused_on_check(
        &s.book,
        date(2020, 4, 1),
        Movement::Exercise {
            grant: g,
            options: 100_001,
        },
        "options",
    );
    refused_on_check(
        &s.book,
        date(2020, 4, 1),
        Movement::OptionCancellation {
            grant: g,
            options: 100_001,
        },
        "options",
    );
    // Cancelled options return to the pool and can be granted again.
    rec(
        &mut s.book,
        date(2020, 4, 1),
        Movement::OptionCancellation {
            grant: g,
            options: 40_000,
        },
    );
    refused_on_check(
        &s.book,
        date(2020, 5, 1),
        grant(s.alice, s.plan, 40_001),
        "options",
    );
    rec(
        &mut s.book,
        date(2020, 5, 1),
        grant(s.alice, s.plan, 40_000),
    );
    assert_eq!(table(&s.book, date(2020, 5, 1)).totals.pool_available, 0);
}

#[test]
fn transfer_to_self_is_refused() {
    let mut s = small();
    let e = refused_on_record(
        &mut s.book,
        date(2020, 3, 1),
        transfer(s.alice, s.alice, s.common, 1),
        "to",
    );
    assert!(matches!(e, LedgerError::Invalid { .. }));
    refused_on_record(
        &mut s.book,
        date(2020, 3, 1),
        Movement::StockConversion {
            holder: s.alice,
            from_class: s.common,
            shares: 1,
            to_class: s.common,
            resulting_shares: 1,
        },
        "to_class",
    );
}

fn safe(
    holder: StakeholderId,
    investment: Decimal,
    cap: Option<Decimal>,
    discount: Option<Decimal>,
) -> Movement {
    Movement::ConvertibleIssuance {
        holder,
        terms: ConvertibleTerms::Safe {
            investment: usd(investment),
            timing: SafeTiming::PostMoney,
            valuation_cap: cap.map(usd),
            discount,
            mfn: false,
        },
    }
}

#[test]
fn safe_terms_are_checked() {
    let mut s = small();
    let on = date(2020, 3, 1);
    refused_on_record(
        &mut s.book,
        on,
        safe(s.bob, dec!(1000), None, Some(dec!(1.0))),
        "discount",
    );
    refused_on_record(
        &mut s.book,
        on,
        safe(s.bob, dec!(1000), None, Some(dec!(-0.1))),
        "discount",
    );
    refused_on_record(
        &mut s.book,
        on,
        safe(s.bob, dec!(1000), Some(dec!(0)), None),
        "valuation_cap",
    );
    refused_on_record(
        &mut s.book,
        on,
        safe(s.bob, dec!(1000), Some(dec!(-5000000)), None),
        "valuation_cap",
    );
    refused_on_record(
        &mut s.book,
        on,
        safe(s.bob, dec!(0), None, None),
        "investment",
    );
    refused_on_record(
        &mut s.book,
        on,
        safe(StakeholderId(42), dec!(10), None, None),
        "holder",
    );
    // The edges that are allowed: no discount, 0 and 0.99.
    rec(
        &mut s.book,
        on,
        safe(s.bob, dec!(1000), Some(dec!(0.01)), Some(dec!(0))),
    );
    rec(
        &mut s.book,
        on,
        safe(s.bob, dec!(1000), None, Some(dec!(0.99))),
    );
    assert_eq!(table(&s.book, on).convertibles.len(), 2);
}

#[test]
fn note_terms_are_checked() {
    let mut s = small();
    let on = date(2020, 3, 1);
    let note = |rate: Decimal, maturity: chrono::NaiveDate, principal: Money| {
        Movement::ConvertibleIssuance {
            holder: s.bob,
            terms: ConvertibleTerms::Note {
                principal,
                interest_rate: rate,
                compounding: Compounding::Compound,
                day_count: DayCount::Thirty360,
                maturity,
                valuation_cap: None,
                discount: None,
            },
        }
    };
    refused_on_record(
        &mut s.book,
        on,
        note(dec!(-0.01), date(2022, 1, 1), usd(dec!(10))),
        "interest_rate",
    );
    refused_on_record(
        &mut s.book,
        on,
        note(dec!(0.05), on, usd(dec!(10))),
        "maturity",
    );
    refused_on_record(
        &mut s.book,
        on,
        note(dec!(0.05), date(2022, 1, 1), usd(dec!(0))),
        "principal",
    );
    refused_on_record(
        &mut s.book,
        on,
        note(dec!(0.05), date(2022, 1, 1), eur(dec!(10))),
        "principal",
    );
}

#[test]
fn duplicate_names_are_refused() {
    let mut s = small();
    for name in ["Alice", "alice", "  ALICE  "] {
        let err = s
            .book
            .add_stakeholder(NewStakeholder {
                name: name.into(),
                kind: StakeholderKind::Individual,
                relationships: vec![],
                provenance: Provenance::Recorded,
                note: None,
            })
            .unwrap_err();
        assert_eq!(err.field(), Some("name"), "{name:?}");
        assert!(matches!(err, LedgerError::Conflict { .. }));
    }
    for name in ["", "   ", "tab\there"] {
        let err = s
            .book
            .add_stakeholder(NewStakeholder {
                name: name.into(),
                kind: StakeholderKind::Institution,
                relationships: vec![],
                provenance: Provenance::Recorded,
                note: None,
            })
            .unwrap_err();
        assert_eq!(err.field(), Some("name"), "{name:?}");
    }
    assert_eq!(s.book.stakeholders().len(), 2);
    assert_eq!(
        s.book
            .add_class(NewClass::common("common", None))
            .unwrap_err()
            .field(),
        Some("name")
    );
    let err = s
        .book
        .add_plan(NewPlan {
            name: "PLAN".into(),
            class: s.common,
            adopted: founded(),
            reserved: 0,
            provenance: Provenance::Recorded,
        })
        .unwrap_err();
    assert_eq!(err.field(), Some("name"));
    assert!(Book::new(Company {
        name: " ".into(),
        ..company(founded())
    })
    .is_err());
}

#[test]
fn relationships_are_sorted_and_deduplicated() {
    let mut s = small();
    let id = s
        .book
        .add_stakeholder(NewStakeholder {
            name: "Dana".into(),
            kind: StakeholderKind::Individual,
            relationships: vec![
                Relationship::Board,
                Relationship::Founder,
                Relationship::Board,
            ],
            provenance: Provenance::Public,
            note: None,
        })
        .unwrap();
    assert_eq!(
        s.book.stakeholder(id).unwrap().relationships,
        vec![Relationship::Founder, Relationship::Board]
    );
}

#[test]
fn class_terms_are_checked() {
    let mut s = small();
    let mut c = NewClass::common("Common B", None);
    c.preference_multiple = dec!(1);
    assert_eq!(
        s.book.add_class(c).unwrap_err().field(),
        Some("preference_multiple")
    );
    let mut c = preferred("Series B", None, dec!(1), dec!(1));
    c.original_issue_price = None;
    assert_eq!(
        s.book.add_class(c).unwrap_err().field(),
        Some("original_issue_price")
    );
    let mut c = preferred("Series B", None, dec!(1), dec!(0));
    assert_eq!(
        s.book.add_class(c).unwrap_err().field(),
        Some("conversion_ratio")
    );
    c = preferred("Series B", Some(0), dec!(1), dec!(1));
    assert_eq!(s.book.add_class(c).unwrap_err().field(), Some("authorized"));
    let mut c = preferred("Series B", None, dec!(1), dec!(1));
    c.participation = Participation::Capped {
        cap_multiple: dec!(1),
    };
    assert_eq!(
        s.book.add_class(c).unwrap_err().field(),
        Some("participation_cap")
    );
    let mut c = preferred("Series B", None, dec!(1), dec!(1));
    c.original_issue_price = Some(eur(dec!(1)));
    assert_eq!(
        s.book.add_class(c).unwrap_err().field(),
        Some("original_issue_price")
    );
    let mut c = preferred("Series B", None, dec!(1), dec!(1));
    c.preference_multiple = dec!(-1);
    assert_eq!(
        s.book.add_class(c).unwrap_err().field(),
        Some("preference_multiple")
    );
    assert_eq!(s.book.classes().len(), 2, "nothing refused was added");
}

#[test]
fn amounts_in_another_currency_are_refused() {
    let mut s = small();
    let on = date(2020, 3, 1);
    let e = refused_on_record(
        &mut s.book,
        on,
        Movement::StockIssuance {
            holder: s.alice,
            class: s.common,
            shares: 1,
            price_per_share: Some(eur(dec!(1))),
            round: None,
        },
        "price_per_share",
    );
    assert!(e.to_string().contains("EUR"), "{e}");
    let mut g = grant(s.bob, s.plan, 1);
    if let Movement::OptionGrant { exercise_price, .. } = &mut g {
        *exercise_price = eur(dec!(0.1));
    }
    refused_on_record(&mut s.book, on, g, "exercise_price");
    refused_on_record(
        &mut s.book,
        on,
        Movement::Repurchase {
            holder: s.alice,
            class: s.common,
            shares: 1,
            price_per_share: eur(dec!(1)),
        },
        "price_per_share",
    );
    refused_on_record(
        &mut s.book,
        on,
        Movement::Transfer {
            from: s.alice,
            to: s.bob,
            class: s.common,
            shares: 1,
            price_per_share: Some(eur(dec!(1))),
        },
        "price_per_share",
    );
    refused_on_record(
        &mut s.book,
        on,
        safe(s.bob, dec!(1), None, None).with_eur_investment(),
        "investment",
    );
    assert_eq!(
        Money::parse("amount", "EUR 5", Currency::USD)
            .unwrap_err()
            .field(),
        Some("amount")
    );
    assert_eq!(
        usd(dec!(1)).checked_add(eur(dec!(1))).unwrap_err().field(),
        Some("currency")
    );
}

#[test]
fn negative_prices_are_refused() {
    let mut s = small();
    refused_on_record(
        &mut s.book,
        date(2020, 3, 1),
        Movement::StockIssuance {
            holder: s.alice,
            class: s.common,
            shares: 1,
            price_per_share: Some(usd(dec!(-1))),
            round: None,
        },
        "price_per_share",
    );
    // A zero price (founders' stock, a gift) is allowed.
    rec(
        &mut s.book,
        date(2020, 3, 1),
        Movement::Transfer {
            from: s.alice,
            to: s.bob,
            class: s.common,
            shares: 1,
            price_per_share: Some(usd(dec!(0))),
        },
    );
}

trait EurInvestment {
    fn with_eur_investment(self) -> Movement;
}

impl EurInvestment for Movement {
    fn with_eur_investment(mut self) -> Movement {
        if let Movement::ConvertibleIssuance {
            terms: ConvertibleTerms::Safe { investment, .. },
            ..
        } = &mut self
        {
            investment.currency = "EUR".parse().unwrap();
        }
        self
    }
}

#[test]
fn a_backdated_cancellation_that_breaks_a_later_transfer_is_refused() {
    let mut s = small();
    // Alice holds 500,000 from 2020-02-01 and transfers 400,000 on 2020-09-01.
    let t = rec(
        &mut s.book,
        date(2020, 9, 1),
        transfer(s.alice, s.bob, s.common, 400_000),
    );
    // A cancellation of 200,000 today would fail on its own; backdated to June it
    // fits then (500,000 held) but leaves 300,000 for the September transfer.
    let err = refused_on_check(
        &s.book,
        date(2020, 6, 1),
        Movement::StockCancellation {
            holder: s.alice,
            class: s.common,
            shares: 200_000,
        },
        "date",
    );
    let text = err.to_string();
    assert!(text.contains(&format!("later entry #{t}")), "{text}");
    assert!(text.contains("Alice holds 300000"), "{text}");
    // After the transfer it is refused for itself, on its own field.
    refused_on_check(
        &s.book,
        date(2020, 10, 1),
        Movement::StockCancellation {
            holder: s.alice,
            class: s.common,
            shares: 200_000,
        },
        "shares",
    );
    // And 100,000 fits both before and after.
    rec(
        &mut s.book,
        date(2020, 6, 1),
        Movement::StockCancellation {
            holder: s.alice,
            class: s.common,
            shares: 100_000,
        },
    );
    assert_eq!(
        held(&table(&s.book, date(2020, 9, 1)), s.alice, s.common),
        0
    );
}

#[test]
fn a_backdated_grant_that_empties_the_pool_for_a_later_grant_is_refused() {
    let mut s = small();
    let later = rec(&mut s.book, date(2020, 9, 1), grant(s.bob, s.plan, 60_000));
    let err = refused_on_check(
        &s.book,
        date(2020, 3, 1),
        grant(s.alice, s.plan, 50_000),
        "date",
    );
    assert!(err.to_string().contains(&format!("#{later}")), "{err}");
}

#[test]
fn errors_carry_a_code_and_a_place() {
    let e = LedgerError::invalid("shares", "must be greater than zero").at("row 3");
    assert_eq!(e.code().as_str(), "invalid");
    assert_eq!(e.field(), Some("shares"));
    assert_eq!(e.to_string(), "shares: row 3: must be greater than zero");
    assert_eq!(
        LedgerError::conflict("date", "x").code().as_str(),
        "conflict"
    );
    assert_eq!(
        LedgerError::unknown("holder", "x").code().as_str(),
        "unknown"
    );
}
