//! Scenarios imported under a name (migration 0005): once per name, the text once per
//! hash, append-only in the database itself.

use chrono::NaiveDate;
use roundbook_ledger::*;
use roundbook_store::{Store, StoreError};

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let company = Company {
        name: "Acme".into(),
        legal_name: "Acme, Inc.".into(),
        founded: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
        currency: Currency::USD,
        jurisdiction: String::new(),
    };
    let s = Store::create(&dir.path().join("b.roundbook"), &company).unwrap();
    (dir, s)
}

#[test]
fn a_name_is_given_once_and_a_text_is_kept_once() {
    let (_d, mut s) = store();
    let first = s
        .import_scenario("base", "text A", "aaa", Some("a.toml"))
        .unwrap();
    assert!(first.new_text);
    let second = s.import_scenario("copy", "text A", "aaa", None).unwrap();
    assert!(!second.new_text, "the same text is stored once");
    let err = s
        .import_scenario("base", "text B", "bbb", None)
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Ledger(l) if l.field() == Some("name")),
        "{err}"
    );
    assert!(
        err.to_string().contains("'base' is already in the book"),
        "{err}"
    );
    let err = s.import_scenario("  ", "text B", "bbb", None).unwrap_err();
    assert_eq!(err.code().as_str(), "invalid");

    let named = s.named_scenarios().unwrap();
    let names: Vec<&str> = named.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["base", "copy"]);
    assert_eq!(named[0].text, "text A");
    assert_eq!(named[0].source.as_deref(), Some("a.toml"));
    let texts: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM sim_scenarios", [], |r| r.get(0))
        .unwrap();
    assert_eq!(texts, 1, "the refused import of text B wrote nothing");
}

#[test]
fn the_database_refuses_to_change_or_delete_a_name() {
    let (_d, mut s) = store();
    s.import_scenario("base", "text A", "aaa", None).unwrap();
    for sql in [
        "UPDATE sim_scenario_names SET name = 'other'",
        "DELETE FROM sim_scenario_names",
    ] {
        let err = s.connection().execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
}
