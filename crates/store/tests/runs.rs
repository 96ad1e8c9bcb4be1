//! Monte Carlo runs in the book: stored once per scenario text, append-only, read back whole.

use chrono::NaiveDate;
use roundbook_ledger::{Company, Currency};
use roundbook_store::runs::NewRun;
use roundbook_store::Store;

fn run<'a>(text: &'a str, sha: &'a str, seed: u64) -> NewRun<'a> {
    NewRun {
        scenario_text: text,
        scenario_sha256: sha,
        seed,
        paths: 1000,
        horizon_months: 12,
        backend: "cpu",
        adapter: None,
        engine_version: "0.1.0",
        seconds: 0.5,
        summary_json: r#"{"p_fail":0.25}"#,
    }
}

#[test]
fn runs_are_stored_with_their_scenario_once_and_cannot_be_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.roundbook");
    let company = Company {
        name: "Acme".into(),
        legal_name: "Acme".into(),
        founded: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
        currency: Currency::USD,
        jurisdiction: String::new(),
    };
    let mut store = Store::create(&path, &company).unwrap();
    let a = store
        .record_run(&run("[simulation]\npaths = 1000", "abc", u64::MAX))
        .unwrap();
    let b = store
        .record_run(&run("[simulation]\npaths = 1000", "abc", 7))
        .unwrap();
    assert!(b > a);
    let runs = store.runs().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(
        runs[0].seed,
        u64::MAX,
        "a u64 seed survives SQLite's signed integers"
    );
    assert_eq!(runs[1].summary, r#"{"p_fail":0.25}"#);
    let c = store.connection();
    let scenarios: i64 = c
        .query_row("SELECT count(*) FROM sim_scenarios", [], |r| r.get(0))
        .unwrap();
    assert_eq!(scenarios, 1, "one scenario text, stored once");
    for sql in [
        "UPDATE sim_runs SET paths = 1",
        "DELETE FROM sim_runs",
        "UPDATE sim_scenarios SET text = ''",
        "DELETE FROM sim_scenarios",
    ] {
        let err = c.execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
}
