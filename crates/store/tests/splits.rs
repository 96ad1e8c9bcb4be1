//! Stock splits and authorised-share adjustments in the book file: written and read back
//! exactly (with the rounding and classes the split recorded), reversible, refused
//! without a trace, and a book written before migration 6 keeps its journal.

use std::path::PathBuf;

use chrono::NaiveDate;
use roundbook_ledger::*;
use roundbook_store::{migrate, Store, StoreError, APPLICATION_ID};
use rusqlite::Connection;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
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

/// Common 1,005 to Ann, then a 1-for-10 reverse split (100 left, 0.5 paid in lieu) and the
/// authorised shares set to 5,000.
fn build(store: &mut Store) -> (ClassId, StakeholderId, EntryId) {
    store
        .transact(|b| -> Result<_, StoreError> {
            let ann = b.add_stakeholder(NewStakeholder {
                name: "Ann".into(),
                kind: StakeholderKind::Individual,
                relationships: vec![Relationship::Founder],
                provenance: Provenance::Recorded,
                note: None,
            })?;
            let common = b.add_class(NewClass::common("Common", Some(100_000)))?;
            b.add_class(NewClass::for_round(b, "Series A", None, None))?;
            b.record(
                date(2020, 1, 1),
                Movement::StockIssuance {
                    holder: ann,
                    class: common,
                    shares: 1_005,
                    price_per_share: None,
                    round: None,
                },
                None,
                Provenance::Recorded,
            )?;
            let split =
                b.record_split(date(2021, 1, 1), common, 1, 10, None, Provenance::Recorded)?;
            b.record(
                date(2021, 2, 1),
                Movement::AuthorizedSharesAdjustment {
                    class: common,
                    authorized: 5_000,
                },
                None,
                Provenance::Recorded,
            )?;
            Ok((common, ann, split))
        })
        .unwrap()
}

#[test]
fn a_split_is_stored_and_read_back_exactly() {
    let (_d, path) = tmp();
    let mut store = Store::create(&path, &company()).unwrap();
    let (common, ann, split) = build(&mut store);
    let written = store.load().unwrap();
    drop(store);
    let book = Store::open(&path).unwrap().load().unwrap();
    assert_eq!(book.entries(), written.entries());
    match &book.entry(split).unwrap().movement {
        Movement::StockSplit {
            numerator,
            denominator,
            rounding,
            converting_classes,
            ..
        } => {
            assert_eq!((*numerator, *denominator), (1, 10));
            assert_eq!(rounding, &RoundingPolicy::default());
            assert_eq!(converting_classes, &vec![ClassId(2)]);
        }
        other => panic!("read back as {other:?}"),
    }
    let t = book
        .cap_table(date(2021, 3, 1), &RoundingPolicy::default())
        .unwrap();
    assert_eq!(t.holders[0].stakeholder, ann);
    assert_eq!(t.holders[0].holdings[0].shares, 100);
    assert_eq!(
        t.classes
            .iter()
            .find(|c| c.class == common)
            .unwrap()
            .authorized,
        Some(5_000)
    );
    let effect = book.split_effect(split).unwrap();
    assert_eq!(effect.fractions_dropped(), rust_decimal::Decimal::new(5, 1));
}

#[test]
fn a_refused_split_writes_nothing_and_a_reversal_restores() {
    let (_d, path) = tmp();
    let mut store = Store::create(&path, &company()).unwrap();
    let (common, _, split) = build(&mut store);
    let before = std::fs::read(&path).unwrap();
    // Backdated under the authorised-shares adjustment of 2021-02-01: refused by date.
    let err = store
        .transact(|b| {
            Ok::<_, roundbook_store::StoreError>(b.record_split(
                date(2021, 1, 15),
                common,
                2,
                1,
                None,
                Provenance::Recorded,
            )?)
        })
        .unwrap_err();
    assert!(err.to_string().contains("date"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    store
        .transact(|b| -> Result<_, StoreError> {
            Ok(b.record(
                date(2021, 1, 1),
                Movement::Reversal {
                    reverses: split,
                    reason: "the board did not approve it".into(),
                },
                None,
                Provenance::Recorded,
            )?)
        })
        .unwrap();
    let t = store
        .load()
        .unwrap()
        .cap_table(date(2021, 3, 1), &RoundingPolicy::default())
        .unwrap();
    assert_eq!(t.holders[0].holdings[0].shares, 1_005);
}

#[test]
fn a_book_from_before_migration_6_keeps_its_journal() {
    let (_d, path) = tmp();
    {
        let mut conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        migrate::migrate_to(&mut conn, &path, 5).unwrap();
        conn.execute_batch(
            "INSERT INTO company VALUES (1, 'Old Co', 'Old Co', '2019-05-01', 'USD', '', '2019-05-01T00:00:00Z');
             INSERT INTO stakeholders VALUES (1, 'Ada', 'individual', 'founder', 'recorded', NULL, '2019-05-01T00:00:00Z');
             INSERT INTO share_classes VALUES (1, 'Common', 'common', NULL, '0', 'none', NULL, 0, '1', 'none', NULL, 'recorded', '2019-05-01T00:00:00Z');
             INSERT INTO transactions (id, effective, recorded_at, kind, holder_id, class_id, quantity, provenance)
               VALUES (1, '2019-05-01', '2019-05-01T00:00:00Z', 'stock-issuance', 1, 1, 1000, 'recorded');
             INSERT INTO transactions (id, effective, recorded_at, kind, holder_id, class_id, quantity, provenance)
               VALUES (2, '2019-06-01', '2019-06-01T00:00:00Z', 'stock-issuance', 1, 1, 7, 'recorded');
             INSERT INTO transactions (id, effective, recorded_at, kind, ref_id, reason, provenance)
               VALUES (3, '2019-06-01', '2019-06-02T00:00:00Z', 'reversal', 2, 'twice', 'recorded');",
        )
        .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_versions().unwrap(),
        (1..=migrate::latest_version()).collect::<Vec<_>>()
    );
    let book = store.load().unwrap();
    assert_eq!(book.entries().len(), 3);
    assert_eq!(book.reversal_of(EntryId(2)), Some(EntryId(3)));
    // The rebuilt table is still append-only, still one reversal per entry, and takes a split.
    let c = store.connection();
    assert!(c
        .execute("UPDATE transactions SET quantity = 2 WHERE id = 1", [])
        .is_err());
    assert!(c
        .execute("DELETE FROM transactions WHERE id = 1", [])
        .is_err());
    assert!(c
        .execute(
            "INSERT INTO transactions (id, effective, recorded_at, kind, ref_id, reason, provenance)
             VALUES (4, '2019-06-01', '2019-06-02T00:00:00Z', 'reversal', 2, 'again', 'recorded')",
            [],
        )
        .is_err());
    store
        .transact(|b| -> Result<_, StoreError> {
            Ok(b.record_split(
                date(2020, 1, 1),
                ClassId(1),
                2,
                1,
                None,
                Provenance::Recorded,
            )?)
        })
        .unwrap();
    let t = store
        .load()
        .unwrap()
        .cap_table(date(2020, 1, 1), &RoundingPolicy::default())
        .unwrap();
    assert_eq!(t.totals.outstanding, 2_000);
}
