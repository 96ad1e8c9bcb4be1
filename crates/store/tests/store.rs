//! The book file: migrations, append-only enforcement in the database, and
//! clear errors (never a panic) for files that are not sound books.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use roundbook_ledger::*;
use roundbook_store::{migrate, Store, StoreError, APPLICATION_ID};
use rusqlite::Connection;

fn company() -> Company {
    Company {
        name: "Acme".into(),
        legal_name: "Acme, Inc.".into(),
        founded: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
        currency: Currency::USD,
        jurisdiction: "Delaware".into(),
    }
}

fn tmp() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.roundbook");
    (dir, path)
}

fn demo(path: &Path) -> Store {
    let mut s = Store::create(path, &example::xai_company()).unwrap();
    s.transact(|b| Ok::<_, roundbook_store::StoreError>(example::populate_xai(b)?))
        .unwrap();
    s
}

#[test]
fn a_fresh_file_has_every_migration_wal_and_foreign_keys() {
    let (_d, path) = tmp();
    let store = Store::create(&path, &company()).unwrap();
    let all: Vec<i64> = migrate::MIGRATIONS.iter().map(|m| m.version).collect();
    assert_eq!(store.schema_versions().unwrap(), all);
    let c = store.connection();
    let app: i32 = c
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .unwrap();
    assert_eq!(app, APPLICATION_ID);
    let mode: String = c
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = c
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    assert_eq!(store.load().unwrap().company, company());
}

#[test]
fn create_refuses_an_existing_file_and_leaves_it_alone() {
    let (_d, path) = tmp();
    std::fs::write(&path, b"precious").unwrap();
    let err = Store::create(&path, &company()).err().unwrap();
    assert!(matches!(err, StoreError::AlreadyExists(_)), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), b"precious");
}

#[test]
fn an_older_schema_is_upgraded_and_keeps_its_data() {
    let (_d, path) = tmp();
    {
        // A book as the first release wrote it: schema 1 only.
        let mut conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        migrate::migrate_to(&mut conn, &path, 1).unwrap();
        conn.execute_batch(
            "INSERT INTO company VALUES (1, 'Old Co', 'Old Co', '2019-05-01', 'USD', '', '2019-05-01T00:00:00Z');
             INSERT INTO stakeholders VALUES (1, 'Ada', 'individual', 'founder', 'recorded', NULL, '2019-05-01T00:00:00Z');
             INSERT INTO share_classes VALUES (1, 'Common', 'common', NULL, '0', 'none', NULL, 0, '1', 'none', NULL, 'recorded', '2019-05-01T00:00:00Z');
             INSERT INTO transactions (id, effective, recorded_at, kind, holder_id, class_id, quantity, provenance)
               VALUES (1, '2019-05-01', '2019-05-01T00:00:00Z', 'stock-issuance', 1, 1, 1000, 'recorded');",
        )
        .unwrap();
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'book_settings'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 0, "schema 1 has no settings table");
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_versions().unwrap(),
        (1..=migrate::latest_version()).collect::<Vec<_>>()
    );
    // The journal it had is chained once, by the migration that adds the chain.
    assert!(store.verify_chain().unwrap().is_ok());
    let book = store.load().unwrap();
    assert_eq!(book.company.name, "Old Co");
    assert_eq!(book.default_rounding(), RoundingPolicy::default());
    let ct = book
        .cap_table(
            NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            &book.default_rounding(),
        )
        .unwrap();
    assert_eq!(ct.totals.outstanding, 1000);
    // and the new table works
    let mut store = store;
    let policy = RoundingPolicy {
        price_decimals: 2,
        ..Default::default()
    };
    store
        .transact(|b| Ok::<_, roundbook_store::StoreError>(b.set_default_rounding(policy.clone())?))
        .unwrap();
    assert_eq!(store.load().unwrap().default_rounding(), policy);
}

#[test]
fn every_table_refuses_update_and_delete() {
    let (_d, path) = tmp();
    let store = demo(&path);
    let c = store.connection();
    for (table, column) in [
        ("company", "name"),
        ("stakeholders", "name"),
        ("share_classes", "name"),
        ("equity_plans", "name"),
        ("rounds", "name"),
        ("valuations", "provider"),
        ("transactions", "memo"),
        ("book_settings", "value"),
    ] {
        if table == "book_settings" {
            c.execute("INSERT INTO book_settings (key, value, recorded_at) VALUES ('rounding', '{}', 'x')", []).unwrap();
        }
        let upd = c.execute(&format!("UPDATE {table} SET {column} = 'changed'"), []);
        let err = upd.expect_err(table).to_string();
        assert!(err.contains("append-only"), "{table}: {err}");
        let del = c.execute(&format!("DELETE FROM {table}"), []);
        assert!(
            del.expect_err(table).to_string().contains("append-only"),
            "{table}"
        );
    }
    let n: i64 = c
        .query_row("SELECT count(*) FROM transactions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 11, "no journal row was deleted");
    let name: String = c
        .query_row("SELECT name FROM stakeholders WHERE id = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(name, "Elon Musk", "no row was changed");
}

#[test]
fn the_database_allows_one_reversal_per_entry() {
    let (_d, path) = tmp();
    let store = demo(&path);
    let c = store.connection();
    let ins = "INSERT INTO transactions (effective, recorded_at, kind, ref_id, reason, provenance)
               VALUES ('2024-05-26', '2026-01-01T00:00:00Z', 'reversal', 6, 'typo', 'recorded')";
    c.execute(ins, []).unwrap();
    let err = c.execute(ins, []).unwrap_err().to_string();
    assert!(err.contains("append-only"), "{err}");
}

/// `INSERT OR REPLACE` deletes the row it meets without firing DELETE triggers: each table
/// refuses an insert that would meet a recorded row, on its id or on a unique key.
#[test]
fn no_recorded_row_is_replaced() {
    let (_d, path) = tmp();
    let store = demo(&path);
    let c = store.connection();
    let tables: Vec<String> = c
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_no_update'",
        )
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|t| t.unwrap().trim_end_matches("_no_update").to_string())
        .collect();
    assert!(tables.len() >= 18, "{tables:?}");
    let mut tried = 0;
    for table in &tables {
        let rows: i64 = c
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        if rows == 0 {
            continue;
        }
        tried += 1;
        // The same row again, by REPLACE: refused, and the table as it was.
        for verb in ["INSERT OR REPLACE INTO", "REPLACE INTO"] {
            let err = c
                .execute(
                    &format!("{verb} {table} SELECT * FROM {table} ORDER BY rowid LIMIT 1"),
                    [],
                )
                .expect_err(table)
                .to_string();
            assert!(err.contains("append-only"), "{table}: {err}");
        }
        let after: i64 = c
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(after, rows, "{table}");
    }
    assert!(tried >= 6, "the demo book fills most tables ({tried})");
    // A new id with a recorded name would push the recorded row out through its unique key.
    let err = c
        .execute(
            "INSERT OR REPLACE INTO stakeholders (id, name, kind, relationships, provenance, recorded_at)
             VALUES (999, 'ELON MUSK', 'individual', '', 'recorded', 'x')",
            [],
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("append-only"), "{err}");
    let name: String = c
        .query_row("SELECT name FROM stakeholders WHERE id = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(name, "Elon Musk");
    drop(store);
    // The book still loads and checks.
    let book = Store::open(&path).unwrap().load().unwrap();
    assert_eq!(book.entries().len(), 11);
}

#[test]
fn money_is_stored_as_decimal_text() {
    let (_d, path) = tmp();
    let store = demo(&path);
    let c = store.connection();
    let (t, v): (String, String) = c
        .query_row(
            "SELECT typeof(pre_money), pre_money FROM rounds WHERE name = 'Series B'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(t, "text");
    assert_eq!(v, "18000000000");
    let p: String = c
        .query_row(
            "SELECT typeof(price) FROM transactions WHERE id = 6",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(p, "text");
}

#[test]
fn what_is_written_is_what_is_read() {
    let (_d, path) = tmp();
    let mut store = Store::create(&path, &example::xai_company()).unwrap();
    let mut expected = None;
    store
        .transact(|b| -> Result<_, StoreError> {
            let o = example::populate_xai(b)?;
            expected = Some(b.clone());
            Ok(o)
        })
        .unwrap();
    drop(store);
    let loaded = Store::open(&path).unwrap().load().unwrap();
    let expected = expected.unwrap();
    assert_eq!(loaded.stakeholders(), expected.stakeholders());
    assert_eq!(loaded.classes(), expected.classes());
    assert_eq!(loaded.plans(), expected.plans());
    assert_eq!(loaded.rounds(), expected.rounds());
    assert_eq!(loaded.valuations(), expected.valuations());
    // recorded_at is stored to the microsecond; everything else is exact.
    assert_eq!(loaded.entries().len(), expected.entries().len());
    for (a, b) in loaded.entries().iter().zip(expected.entries()) {
        assert_eq!(
            (a.id, a.effective, &a.movement, &a.memo, a.provenance),
            (b.id, b.effective, &b.movement, &b.memo, b.provenance)
        );
        assert!(
            (a.recorded_at - b.recorded_at)
                .num_microseconds()
                .unwrap()
                .abs()
                < 1
        );
    }
}

#[test]
fn a_refused_change_leaves_the_file_byte_for_byte() {
    let (_d, path) = tmp();
    drop(demo(&path));
    let before = std::fs::read(&path).unwrap();
    let mut store = Store::open(&path).unwrap();
    // Transfer more Series B than Valor holds: refused by the history check, after the closure ran.
    let err = store
        .transact(|b| -> Result<_, StoreError> {
            let valor = b.find_stakeholder("from", "Valor Equity Partners")?;
            let vy = b.find_stakeholder("to", "Vy Capital")?;
            let class = b.find_class("class", "Series B Preferred")?;
            Ok(b.record(
                NaiveDate::from_ymd_opt(2024, 6, 1).unwrap(),
                Movement::Transfer {
                    from: valor,
                    to: vy,
                    class,
                    shares: 100_000_001,
                    price_per_share: None,
                },
                None,
                Provenance::Recorded,
            )?)
        })
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Ledger(e) if e.field() == Some("shares")),
        "{err}"
    );
    drop(store);
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_newer_schema_is_refused_with_a_clear_error() {
    let (_d, path) = tmp();
    let store = Store::create(&path, &company()).unwrap();
    store
        .connection()
        .execute(
            "INSERT INTO schema_migrations VALUES (99, '0099_future', 'x', '2030-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
    drop(store);
    let err = Store::open(&path).err().unwrap();
    assert!(
        matches!(err, StoreError::NewerSchema { found: 99, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("newer Roundbook"));
}

#[test]
fn a_changed_migration_is_detected() {
    let (_d, path) = tmp();
    let store = Store::create(&path, &company()).unwrap();
    store.connection().execute_batch("DROP TABLE schema_migrations; CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, checksum TEXT, applied_at TEXT); INSERT INTO schema_migrations VALUES (1, '0001_book', 'tampered', 'x');").unwrap();
    drop(store);
    let err = Store::open(&path).err().unwrap();
    assert!(
        matches!(err, StoreError::MigrationChanged { version: 1, .. }),
        "{err}"
    );
}

#[test]
fn files_that_are_not_books_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("text.roundbook", b"company,shares\nAcme,100\n".to_vec()),
        (
            "random.roundbook",
            (0..20_000u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
                .collect(),
        ),
        ("empty.roundbook", vec![]),
    ];
    for (name, bytes) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, &bytes).unwrap();
        let err = Store::open(&p)
            .err()
            .unwrap_or_else(|| panic!("{name} opened"));
        assert!(matches!(err, StoreError::NotABook(..)), "{name}: {err}");
        assert!(
            err.to_string().contains("is not a Roundbook book"),
            "{name}: {err}"
        );
        assert_eq!(std::fs::read(&p).unwrap(), bytes, "{name} was changed");
    }
    // Another program's SQLite file.
    let other = dir.path().join("other.sqlite");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    let err = Store::open(&other).err().unwrap();
    assert!(matches!(err, StoreError::NotABook(..)), "{err}");
    // A directory, and nothing at all.
    assert!(matches!(
        Store::open(dir.path()).err().unwrap(),
        StoreError::NotABook(..)
    ));
    assert!(matches!(
        Store::open(&dir.path().join("missing")).err().unwrap(),
        StoreError::NotFound(_)
    ));
}

#[test]
fn a_damaged_book_gives_an_error_not_a_panic() {
    let (_d, path) = tmp();
    let original = {
        let store = demo(&path);
        store.load().unwrap()
    };
    let good = std::fs::read(&path).unwrap();
    assert!(good.len() > 8192);
    // Damage in several places: the header, a middle page, the last page.
    for (start, len) in [
        (0usize, 100usize),
        (4096, 4096),
        (good.len() - 4096, 4096),
        (1000, 3000),
    ] {
        let mut bad = good.clone();
        for b in &mut bad[start..start + len] {
            *b = 0xA5;
        }
        std::fs::write(&path, &bad).unwrap();
        let outcome = std::panic::catch_unwind(|| {
            let store = Store::open(&path)?;
            let integrity = store.integrity_check()?;
            let book = store.load()?;
            book.check(Mark::default())?;
            Ok::<_, StoreError>((integrity, book.entries().to_vec()))
        });
        match outcome.expect("no panic on a damaged file") {
            // Damage that landed in a page's free space harms nothing: then the book must read as before.
            Ok((integrity, entries)) => assert!(
                integrity != "ok" || entries == original.entries(),
                "damage at {start} changed the book unnoticed"
            ),
            Err(e) => {
                let m = e.to_string();
                assert!(!m.is_empty());
                assert!(
                    matches!(
                        e,
                        StoreError::Corrupt(..)
                            | StoreError::NotABook(..)
                            | StoreError::Sql(_)
                            | StoreError::MigrationChanged { .. }
                    ),
                    "damage at {start}: {m}"
                );
            }
        }
    }
}

/// Opens the demo book's file as another program would, with the append-only triggers dropped
/// (anyone who can write the file can drop them), runs `sql`, and verifies the chain.
fn tampered(sql: &str) -> Result<roundbook_store::chain::Head, roundbook_store::chain::Break> {
    let (_d, path) = tmp();
    drop(demo(&path));
    let c = Connection::open(&path).unwrap();
    c.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    let triggers: Vec<String> = c
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'transactions'",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for t in triggers {
        c.execute_batch(&format!("DROP TRIGGER {t}")).unwrap();
    }
    c.execute_batch(sql).unwrap();
    drop(c);
    Store::open(&path).unwrap().verify_chain().unwrap()
}

#[test]
fn the_journal_chain_names_the_first_entry_changed_outside_roundbook() {
    let (_d, path) = tmp();
    let store = demo(&path);
    let head = store.verify_chain().unwrap().unwrap();
    assert_eq!(head.entries, 11);
    assert_eq!(head.hash.as_ref().map(String::len), Some(64));
    drop(store);
    // Read again, an unchanged journal gives the same head.
    let again = Store::open(&path).unwrap().verify_chain().unwrap().unwrap();
    assert_eq!(again, head);
    // An edited amount: Valor's 100,000,000 Series B shares (entry 6) become 200,000,000.
    let b = tampered("UPDATE transactions SET quantity = 200000000 WHERE id = 6").unwrap_err();
    assert_eq!(b.entry, EntryId(6), "{b:?}");
    // A removed entry: the next one no longer follows its predecessor.
    let b = tampered("DELETE FROM transactions WHERE id = 8 AND NOT EXISTS (SELECT 1 FROM transactions WHERE ref_id = 8)")
        .unwrap_err();
    assert_eq!(b.entry, EntryId(9), "{b:?}");
    // A row added with plain SQL, after the last entry.
    let b = tampered(
        "INSERT INTO transactions (id, effective, recorded_at, kind, holder_id, class_id, quantity, provenance)
         VALUES (12, '2024-06-01', '2024-06-01T00:00:00Z', 'stock-issuance', 1, 1, 5, 'recorded')",
    )
    .unwrap_err();
    assert_eq!(b.entry, EntryId(12));
    assert!(b.why.contains("not in the chain"), "{b:?}");
    // Two entries' contents swapped (their ids kept): the first of them is named.
    let b = tampered(
        "UPDATE transactions SET memo = CASE id WHEN 7 THEN (SELECT memo FROM transactions WHERE id = 8) \
         ELSE (SELECT memo FROM transactions WHERE id = 7) END, \
         holder_id = CASE id WHEN 7 THEN (SELECT holder_id FROM transactions WHERE id = 8) \
         ELSE (SELECT holder_id FROM transactions WHERE id = 7) END WHERE id IN (7, 8)",
    )
    .unwrap_err();
    assert_eq!(b.entry, EntryId(7), "{b:?}");
}
