//! Conversion ratio adjustments in the book file: written, read back exactly, reversible,
//! and the as-of cap table reads the ratio in force from the stored journal.

use std::path::PathBuf;

use chrono::NaiveDate;
use roundbook_ledger::antidilution::anti_dilution_adjustment;
use roundbook_ledger::*;
use roundbook_store::{Store, StoreError};
use rust_decimal::Decimal;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn usd(amount: Decimal) -> Money {
    Money::new(amount, Currency::USD)
}

fn company() -> Company {
    Company {
        name: "Acme".into(),
        legal_name: "Acme, Inc.".into(),
        founded: date(2020, 1, 1),
        currency: Currency::USD,
        jurisdiction: "Delaware".into(),
    }
}

fn tmp() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.roundbook");
    (dir, path)
}

fn person(b: &mut Book, name: &str) -> Result<StakeholderId> {
    b.add_stakeholder(NewStakeholder {
        name: name.into(),
        kind: StakeholderKind::Individual,
        relationships: vec![Relationship::Investor],
        provenance: Provenance::Recorded,
        note: None,
    })
}

fn issue(holder: StakeholderId, class: ClassId, shares: u64) -> Movement {
    Movement::StockIssuance {
        holder,
        class,
        shares,
        price_per_share: None,
        round: None,
    }
}

/// The company of the ledger's anti-dilution tests: common 7,000,000 + pool 1,000,000,
/// Series A 2,000,000 at $1.00 (broad-based), then 2,000,000 Series B at $0.50 on
/// 2022-07-01, and the adjustment: CP2 = 11,000,000 / 12,000,000 -> $0.91667.
/// Returns the adjustment's entry id.
fn build(store: &mut Store) -> EntryId {
    store
        .transact(|b| -> Result<_, StoreError> {
            let fay = person(b, "Fay Founder")?;
            let vera = person(b, "Vera Ventures")?;
            let ben = person(b, "Ben Bridge")?;
            let common = b.add_class(NewClass::common("Common", None))?;
            let preferred = |name: &str, oip: Decimal, ad: AntiDilution| NewClass {
                name: name.into(),
                kind: ClassKind::Preferred,
                original_issue_price: Some(usd(oip)),
                preference_multiple: Decimal::ONE,
                participation: Participation::None,
                seniority: 1,
                conversion_ratio: Decimal::ONE,
                anti_dilution: ad,
                authorized: None,
                provenance: Provenance::Recorded,
            };
            let a = b.add_class(preferred(
                "Series A",
                Decimal::ONE,
                AntiDilution::BroadBasedWeightedAverage,
            ))?;
            let s = b.add_class(preferred(
                "Series B",
                Decimal::new(5, 1),
                AntiDilution::None,
            ))?;
            b.add_plan(NewPlan {
                name: "2020 Plan".into(),
                class: common,
                adopted: date(2020, 1, 1),
                reserved: 1_000_000,
                provenance: Provenance::Recorded,
            })?;
            b.record(
                date(2020, 1, 1),
                issue(fay, common, 7_000_000),
                None,
                Provenance::Recorded,
            )?;
            b.record(
                date(2021, 1, 1),
                issue(vera, a, 2_000_000),
                None,
                Provenance::Recorded,
            )?;
            b.record(
                date(2022, 7, 1),
                issue(ben, s, 2_000_000),
                None,
                Provenance::Recorded,
            )?;
            let adj = anti_dilution_adjustment(
                b,
                a,
                date(2022, 7, 1),
                usd(Decimal::new(50, 2)),
                2_000_000,
                &RoundingPolicy::default(),
            )?
            .expect("a down round adjusts Series A");
            Ok(b.record(
                adj.date,
                adj.movement(),
                Some("Series B down round".into()),
                Provenance::Recorded,
            )?)
        })
        .unwrap()
}

fn series_a_as_converted(book: &Book, on: NaiveDate) -> u64 {
    let a = book.find_class("class", "Series A").unwrap();
    let ct = book.cap_table(on, &RoundingPolicy::default()).unwrap();
    ct.classes
        .iter()
        .find(|c| c.class == a)
        .unwrap()
        .as_converted
}

#[test]
fn an_adjustment_is_stored_and_read_back_exactly() {
    let (_d, path) = tmp();
    let mut store = Store::create(&path, &company()).unwrap();
    let id = build(&mut store);
    let written = store.load().unwrap().entry(id).unwrap().clone();
    drop(store);

    let store = Store::open(&path).unwrap();
    let book = store.load().unwrap();
    let read = book.entry(id).unwrap();
    assert_eq!(
        (
            read.id,
            read.effective,
            &read.movement,
            &read.memo,
            read.provenance
        ),
        (
            written.id,
            written.effective,
            &written.movement,
            &written.memo,
            written.provenance
        )
    );
    let Movement::ConversionRatioAdjustment {
        new_ratio, reason, ..
    } = &read.movement
    else {
        panic!("not an adjustment: {:?}", read.movement);
    };
    assert_eq!(*new_ratio, Decimal::ONE / Decimal::new(91667, 5));
    assert!(reason.contains("0.91667"), "{reason}");

    // The row: its kind, the ratio as decimal text, the class, the reason; nothing else.
    let (kind, ratio, class, reason_col, quantity, price): (
        String,
        String,
        i64,
        String,
        Option<i64>,
        Option<String>,
    ) = store
        .connection()
        .query_row(
            "SELECT kind, ratio, class_id, reason, quantity, price FROM transactions WHERE id = ?1",
            [id.0],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(kind, "conversion-ratio-adjustment");
    assert_eq!(ratio, new_ratio.to_string());
    assert_eq!(class, book.find_class("class", "Series A").unwrap().0);
    assert_eq!(&reason_col, reason);
    assert_eq!((quantity, price), (None, None));
    let sql_type: String = store
        .connection()
        .query_row(
            "SELECT typeof(ratio) FROM transactions WHERE id = ?1",
            [id.0],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(sql_type, "text");
    // Other kinds leave the column empty.
    let others: i64 = store
        .connection()
        .query_row(
            "SELECT count(*) FROM transactions WHERE ratio IS NOT NULL AND kind <> 'conversion-ratio-adjustment'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(others, 0);

    // The cap table from the file: floor(2,000,000 / 0.91667) = 2,181,810 from 2022-07-01.
    assert_eq!(series_a_as_converted(&book, date(2022, 6, 30)), 2_000_000);
    assert_eq!(series_a_as_converted(&book, date(2022, 7, 1)), 2_181_810);
    // A book loaded as of a date (only the entries effective by then) agrees.
    let before = store.load_as_of(date(2022, 6, 30)).unwrap();
    assert_eq!(series_a_as_converted(&before, date(2022, 6, 30)), 2_000_000);
    let after = store.load_as_of(date(2022, 7, 1)).unwrap();
    assert_eq!(series_a_as_converted(&after, date(2022, 7, 1)), 2_181_810);
}

#[test]
fn a_stored_adjustment_is_reversed_like_any_entry() {
    let (_d, path) = tmp();
    let mut store = Store::create(&path, &company()).unwrap();
    let id = build(&mut store);
    store
        .transact(|b| -> Result<_, StoreError> {
            Ok(b.record(
                date(2023, 1, 1),
                Movement::Reversal {
                    reverses: id,
                    reason: "the Series B holders waived the adjustment".into(),
                },
                None,
                Provenance::Recorded,
            )?)
        })
        .unwrap();
    drop(store);
    let store = Store::open(&path).unwrap();
    let book = store.load().unwrap();
    assert!(book.reversal_of(id).is_some());
    let a = book.find_class("class", "Series A").unwrap();
    assert_eq!(series_a_as_converted(&book, date(2022, 12, 31)), 2_181_810);
    assert_eq!(series_a_as_converted(&book, date(2023, 1, 1)), 2_000_000);
    assert_eq!(
        book.conversion_ratio(a, date(2023, 1, 1)).unwrap(),
        Decimal::ONE
    );
    let late = store.load_as_of(date(2023, 1, 1)).unwrap();
    assert_eq!(series_a_as_converted(&late, date(2023, 1, 1)), 2_000_000);
}

#[test]
fn a_refused_adjustment_writes_nothing() {
    let (_d, path) = tmp();
    let mut store = Store::create(&path, &company()).unwrap();
    build(&mut store);
    drop(store);
    let before = std::fs::read(&path).unwrap();
    let mut store = Store::open(&path).unwrap();
    let err = store
        .transact(|b| -> Result<_, StoreError> {
            let a = b.find_class("class", "Series A")?;
            Ok(b.record(
                date(2023, 1, 1),
                Movement::ConversionRatioAdjustment {
                    class: a,
                    new_ratio: Decimal::ZERO,
                    reason: "typo".into(),
                },
                None,
                Provenance::Recorded,
            )?)
        })
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Ledger(e) if e.field() == Some("new_ratio")),
        "{err}"
    );
    drop(store);
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

/// The schema's CHECK list accepts the new kind (and still refuses an unknown one), and a
/// row written by SQL alone reads back as the movement.
#[test]
fn the_schema_knows_the_new_kind() {
    let (_d, path) = tmp();
    let store = Store::create(&path, &company()).unwrap();
    let c = store.connection();
    c.execute_batch(
        "INSERT INTO share_classes VALUES (1, 'Series A', 'preferred', '1', '1', 'none', NULL, 1, '1', 'broad-based-weighted-average', NULL, 'recorded', '2020-01-01T00:00:00Z');
         INSERT INTO transactions (id, effective, recorded_at, kind, class_id, ratio, reason, provenance)
           VALUES (1, '2022-07-01', '2022-07-01T00:00:00Z', 'conversion-ratio-adjustment', 1, '1.25', 'test', 'recorded');",
    )
    .unwrap();
    let bad = c.execute(
        "INSERT INTO transactions (id, effective, recorded_at, kind, provenance) VALUES (2, '2022-07-01', '2022-07-01T00:00:00Z', 'ratio-change', 'recorded')",
        [],
    );
    assert!(bad.is_err(), "an unknown kind is refused by the CHECK list");
    let book = store.load().unwrap();
    assert_eq!(
        book.entry(EntryId(1)).unwrap().movement,
        Movement::ConversionRatioAdjustment {
            class: ClassId(1),
            new_ratio: Decimal::new(125, 2),
            reason: "test".into(),
        }
    );
}
