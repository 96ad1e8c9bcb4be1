//! The command layer on Tauri's mock runtime: each command called through the real IPC path
//! (argument names, serde shapes, the {code, message, field} error), on a fresh copy of the xAI
//! example book, with no display.
//!
//! Worked example: xAI's Series B, announced 2024-05-26: $6B raised at an $18B pre-money
//! valuation, $24B post-money (assets/xai/SOURCES.md). Share counts in the book are illustrative.

mod common;

use common::{column, harness, rows};
use std::path::Path;

use roundbook_app::books;
use rust_decimal::Decimal;
use serde_json::{json, Value};

impl common::Harness {
    fn journal_len(&self) -> usize {
        self.ok("journal", json!({})).as_array().unwrap().len()
    }

    /// The cap table by holder as the page shows it on `as_of`.
    fn cap_table(&self, as_of: &str, by: &str) -> Value {
        self.ok(
            "read_table",
            json!({ "form": { "table": "captable", "as_of": as_of, "by": by } }),
        )
    }

    fn fully_diluted(&self, as_of: &str) -> u64 {
        fully_diluted(&self.cap_table(as_of, "holder"))
    }
}

/// The fully diluted total of a cap table as the read model sends it.
fn fully_diluted(t: &Value) -> u64 {
    t["totals"][column(t, "Fully diluted")].as_u64().unwrap()
}

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("{v} is not a decimal string"))
        .parse()
        .unwrap()
}

fn series_c(pre_money: &str, amount: &str) -> Value {
    json!({
        "name": "Series C",
        "date": "2024-12-23",
        "class": "Series C Preferred",
        "class_choice": "new",
        "pre_money": pre_money,
        "investments": [{ "investor": "Valor Equity Partners", "amount": amount }],
        "lead": "",
        "pool_target": "",
        "pool_plan": "",
        "note": ""
    })
}

/// The file's bytes, to show a refused command changed nothing on disk.
fn book_bytes(p: &Path) -> Vec<u8> {
    let copy = p.with_extension("probe");
    let _ = std::fs::remove_file(&copy);
    roundbook_store::Store::open(p)
        .unwrap()
        .save_copy(&copy)
        .unwrap();
    let bytes = std::fs::read(&copy).unwrap();
    std::fs::remove_file(&copy).unwrap();
    bytes
}

#[test]
fn overview_states_the_public_series_b_exactly() {
    let h = harness();
    let o = h.ok("overview", json!({}));
    assert_eq!(o["company"]["name"], "xAI");
    let last = &o["last_round"];
    assert_eq!(last["name"], "Series B");
    assert_eq!(last["date"], "2024-05-26");
    assert_eq!(
        dec(&last["pre_money"]["amount"]),
        Decimal::from(18_000_000_000u64)
    );
    assert_eq!(
        dec(&last["amount_raised"]["amount"]),
        Decimal::from(6_000_000_000u64)
    );
    assert_eq!(
        dec(&last["post_money"]["amount"]),
        Decimal::from(24_000_000_000u64)
    );
    // Total raised is the sum of every round's amount, exactly.
    let rounds = h.ok("rounds", json!({}));
    let sum: Decimal = rounds
        .as_array()
        .unwrap()
        .iter()
        .map(|r| dec(&r["amount_raised"]["amount"]))
        .sum();
    assert_eq!(dec(&o["total_raised"]["amount"]), sum);
    assert!(
        o["fully_diluted_shares"].as_u64().unwrap() >= o["outstanding_shares"].as_u64().unwrap()
    );
    assert_eq!(o["illustrative"], true);
    assert!(
        o["cash"]["amount"].is_string(),
        "the xAI plan has terms, so cash is stated"
    );
}

#[test]
fn the_window_title_and_book_info_name_the_open_book() {
    let h = harness();
    let info = h.ok("book_info", json!({}));
    assert_eq!(info["company"], "xAI");
    assert_eq!(info["file_name"], "xai.roundbook");
    assert_eq!(info["title"], "xAI (xai.roundbook) - Roundbook");
}

#[test]
fn an_invalid_round_names_the_field_and_records_nothing() {
    let h = harness();
    let before = book_bytes(&h.book);
    let entries = h.journal_len();
    for (form, field) in [
        (series_c("forty billion", "6000000000"), "pre_money"),
        (series_c("", "6000000000"), "pre_money"),
        (series_c("44000000000", "-5"), "investments.0.amount"),
        (series_c("44000000000", "0"), "investments.0.amount"),
    ] {
        for cmd in ["model_round", "commit_round"] {
            let e = h.err(cmd, json!({ "form": form }));
            assert_eq!(e["code"], "invalid", "{cmd}: {e}");
            assert_eq!(e["field"], field, "{cmd}: {e}");
            assert!(
                e["message"].as_str().unwrap().contains(field),
                "the message names the field: {e}"
            );
        }
    }
    let mut unknown = series_c("44000000000", "6000000000");
    unknown["investments"][0]["investor"] = json!("Nobody Capital");
    let e = h.err("commit_round", json!({ "form": unknown }));
    assert_eq!(e["code"], "unknown");
    assert_eq!(e["field"], "investments.0.investor");
    let mut existing = series_c("44000000000", "6000000000");
    existing["class"] = json!("Series B Preferred");
    let e = h.err("commit_round", json!({ "form": existing }));
    assert_eq!(e["field"], "class");
    assert_eq!(h.journal_len(), entries);
    assert_eq!(book_bytes(&h.book), before, "the file is unchanged");
}

#[test]
fn a_modelled_round_is_exactly_what_commit_records() {
    let h = harness();
    let form = series_c("44000000000", "6000000000");
    let entries = h.journal_len();
    let fd_before = h.fully_diluted("2024-12-23");
    let model = h.ok("model_round", json!({ "form": form }));
    assert_eq!(h.journal_len(), entries, "modelling writes nothing");
    let committed = h.ok("commit_round", json!({ "form": form }));
    assert_eq!(model["outcome"], committed["outcome"]);
    assert_eq!(model["after"], committed["after"]);
    let o = &committed["outcome"];
    // Post-money = pre-money + new money, exactly ($44B + $6B).
    assert_eq!(
        dec(&o["post_money"]["amount"]),
        Decimal::from(50_000_000_000u64)
    );
    let new_shares = o["new_shares"].as_u64().unwrap();
    assert!(new_shares > 0);
    let fd_after = h.fully_diluted("2024-12-23");
    assert_eq!(
        fd_after,
        fd_before + new_shares + o["pool_increase"].as_u64().unwrap()
    );
    assert_eq!(fully_diluted(&committed["after"]), fd_after);
    assert_eq!(committed["as_of"], "2024-12-23");
    assert_eq!(fully_diluted(&committed["before"]), fd_before);
    // The price times the new shares is within one share's price of the new money.
    let price = dec(&o["price_per_share"]["amount"]);
    let paid = price * Decimal::from(new_shares);
    assert!((paid - Decimal::from(6_000_000_000u64)).abs() <= price);
    assert!(h.journal_len() > entries);
    // The same round again is refused: its new class now exists, a conflict with the book
    // (the command line's `--create-class` on an existing class says the same).
    let e = h.err("commit_round", json!({ "form": form }));
    assert_eq!(e["code"], "conflict", "{e}");
    assert_eq!(e["field"], "class", "{e}");
}

#[test]
fn reversing_an_entry_needs_a_reason_and_appends_one_entry() {
    let h = harness();
    let journal = h.ok("journal", json!({}));
    let last_issue = journal
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|l| l["kind"] == "stock-issuance")
        .unwrap()
        .clone();
    let id = last_issue["id"].as_i64().unwrap();
    let n = h.journal_len();
    let fd = h.fully_diluted("");
    let e = h.err("reverse_entry", json!({ "entry": id, "reason": "  " }));
    assert_eq!(e["field"], "reason");
    assert_eq!(h.journal_len(), n);
    let r = h.ok(
        "reverse_entry",
        json!({ "entry": id, "reason": "entered twice" }),
    );
    assert_eq!(r["reverses"], id);
    let journal = h.ok("journal", json!({}));
    let lines = journal.as_array().unwrap();
    assert_eq!(lines.len(), n + 1, "a reversal adds; nothing is deleted");
    let original = lines.iter().find(|l| l["id"] == id).unwrap();
    assert_eq!(original["reversed_by"], r["reversal"]);
    assert_eq!(
        original["summary"], last_issue["summary"],
        "the original is unchanged"
    );
    let shares = last_issue["shares"].as_u64().unwrap();
    assert_eq!(h.fully_diluted(""), fd - shares);
    // An entry is reversed at most once.
    let e = h.err("reverse_entry", json!({ "entry": id, "reason": "again" }));
    assert_eq!(e["code"], "conflict", "{e}");
    let e = h.err("reverse_entry", json!({ "entry": 999_999, "reason": "x" }));
    assert_eq!(e["field"], "entry");
}

#[test]
fn the_cap_table_as_of_a_date_and_a_bad_date() {
    let h = harness();
    // Before the Series B (2024-05-26) the table has no Series B holders.
    let early = h.cap_table("2024-01-01", "class");
    let b = early["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c[0] == "Series B Preferred")
        .unwrap();
    assert_eq!(b[column(&early, "Shares")], 0);
    assert!(h.fully_diluted("2024-01-01") < h.fully_diluted("2024-06-01"));
    let e = h.err(
        "read_table",
        json!({ "form": { "table": "captable", "as_of": "2024-13-01" } }),
    );
    assert_eq!(e["field"], "as_of");
    assert!(e["message"].as_str().unwrap().contains("2024-13-01"));
    // Tauri's own refusal (a missing argument) also reaches the page, as a string.
    let e = h.err("read_table", json!({}));
    assert!(e.is_string(), "{e}");
}

#[test]
fn the_waterfall_distributes_exactly_what_it_says() {
    let h = harness();
    let v = h.ok(
        "exit_waterfall",
        json!({ "form": { "exit_value": "24000000000", "as_of": "2024-06-01" } }),
    );
    let o = &v["outcome"];
    let by_class: Decimal = o["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| dec(&c["total"]["amount"]))
        .sum();
    let by_holder: Decimal = o["holders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| dec(&c["total"]["amount"]))
        .sum();
    let distributed = dec(&o["total_distributed"]["amount"]);
    assert_eq!(by_holder, distributed);
    assert!(
        by_class <= distributed,
        "options are paid apart from the classes"
    );
    assert_eq!(v["curve"].as_array().unwrap().len(), 41);
    assert!(!v["breakpoints"].as_array().unwrap().is_empty());
    let e = h.err("exit_waterfall", json!({ "form": { "exit_value": "-1" } }));
    assert_eq!(e["field"], "exit_value");
    // The exit's settings from the page: stated back, and a bad one named.
    let v = h.ok(
        "exit_waterfall",
        json!({ "form": { "exit_value": "24000000000", "as_of": "2024-06-01",
                          "preference_basis": "invested", "notes": "repay" } }),
    );
    assert_eq!(v["outcome"]["conventions"]["preference_basis"], "invested");
    assert!(
        v["settings"].as_str().unwrap().contains("invested"),
        "{}",
        v["settings"]
    );
    let e = h.err(
        "exit_waterfall",
        json!({ "form": { "exit_value": "10", "note_repayment_multiple": "0.5" } }),
    );
    assert_eq!(e["field"], "note_repayment_multiple");
    let e = h.err(
        "exit_waterfall",
        json!({ "form": { "exit_value": "10", "debt": "a lot" } }),
    );
    assert_eq!(e["field"], "debt");
}

#[test]
fn a_small_simulation_runs_is_stored_and_a_bad_scenario_is_named() {
    let h = harness();
    let scenario = h.ok("default_scenario", json!({}));
    let text = scenario.as_str().unwrap();
    assert!(text.contains("[simulation]"));
    assert_eq!(rows(&h.table("simulation-runs")), 0);
    let r = h.ok(
        "run_simulation",
        json!({ "request": { "scenario": text, "paths": 4096, "seed": 7, "backend": "cpu" } }),
    );
    assert_eq!(r["paths"], 4096);
    assert_eq!(r["seed"], 7);
    assert_eq!(r["backend"], "cpu");
    assert_eq!(r["summary"]["paths"], 4096);
    let p_fail = r["summary"]["p_fail"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p_fail));
    // The stored runs as the page lists them: the read model's table, the run's number first.
    let stored = h.ok(
        "read_table",
        json!({ "form": { "table": "simulation-runs" } }),
    );
    assert_eq!(stored["rows"].as_array().unwrap().len(), 1);
    assert_eq!(stored["rows"][0][0], r["id"]);
    // The same seed and paths give the same numbers.
    let again = h.ok(
        "run_simulation",
        json!({ "request": { "scenario": text, "paths": 4096, "seed": 7, "backend": "cpu" } }),
    );
    assert_eq!(again["summary"]["p_fail"], r["summary"]["p_fail"]);
    assert_eq!(again["summary"]["fans"], r["summary"]["fans"]);

    let bad = text.replace(
        "pue = { dist = \"triangular\", min = 1.1",
        "pue = { dist = \"triangular\", min = 9.1",
    );
    let e = h.err(
        "run_simulation",
        json!({ "request": { "scenario": bad, "paths": 100 } }),
    );
    assert_eq!(e["code"], "invalid");
    assert!(
        e["field"].as_str().unwrap().starts_with("compute.pue"),
        "{e}"
    );
    let e = h.err(
        "run_simulation",
        json!({ "request": { "scenario": text, "paths": 0 } }),
    );
    assert_eq!(e["field"], "paths");
    assert_eq!(rows(&h.table("simulation-runs")), 2);
    assert_eq!(
        h.ok("cancel_simulation", json!({})),
        false,
        "nothing is running"
    );
}

#[test]
fn open_recent_reopens_only_books_the_user_chose() {
    let h = harness();
    let e = h.err("open_recent", json!({ "path": "/etc/passwd" }));
    assert_eq!(e["code"], "not-recent");
    // The open book was remembered at start, so it can be reopened from the list.
    let recent = h.ok("recent_books", json!({}));
    let path = h.book.display().to_string();
    assert_eq!(recent, json!([path]));
    let info = h.ok("open_recent", json!({ "path": path }));
    assert_eq!(info["company"], "xAI");
}

#[test]
fn a_new_book_and_a_copy() {
    let dir = tempfile::tempdir().unwrap();
    let bad = books::NewBookForm {
        name: "Acme".into(),
        founded: "2020-02-30".into(),
        currency: "USD".into(),
        jurisdiction: String::new(),
    };
    let path = dir.path().join("acme.roundbook");
    let e = books::create_book(&path, &bad).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("founded"));
    assert!(!path.exists(), "nothing is created for a bad form");
    let good = books::NewBookForm {
        founded: "2020-01-15".into(),
        ..bad
    };
    let info = books::create_book(&path, &good).unwrap();
    assert_eq!(info.company, "Acme");
    let e = books::create_book(&path, &good).unwrap_err();
    assert_eq!(e.code.as_str(), "book-exists");

    let xai = dir.path().join("xai.roundbook");
    books::create_example_book(&xai).unwrap();
    let copy = dir.path().join("copy.roundbook");
    books::save_copy(&xai, &copy).unwrap();
    let a = roundbook_store::Store::open(&xai).unwrap().load().unwrap();
    let b = roundbook_store::Store::open(&copy).unwrap().load().unwrap();
    assert_eq!(a.entries(), b.entries());
    assert_eq!(a.rounds(), b.rounds());
    let e = books::save_copy(&xai, &copy).unwrap_err();
    assert_eq!(
        e.code.as_str(),
        "book-exists",
        "a copy never overwrites a file"
    );
}

#[test]
fn errors_serialise_as_code_message_field() {
    let e = roundbook_app::AppError::invalid("pre_money", "is required");
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        json!({ "code": "invalid", "message": "pre_money: is required", "field": "pre_money" })
    );
    let Err(missing) = roundbook_store::Store::open(Path::new("/nonexistent/x.roundbook")) else {
        panic!("a missing book opened");
    };
    let e: roundbook_app::AppError = missing.into();
    assert_eq!(e.code.as_str(), "book-not-found");
    assert!(e.message.contains("/nonexistent/x.roundbook"));
}

#[test]
fn a_round_whose_issuances_are_all_reversed_raised_nothing() {
    let h = harness();
    let before = h.ok("overview", json!({}));
    let committed = h.ok(
        "commit_round",
        json!({ "form": series_c("44000000000", "6000000000") }),
    );
    let after = h.ok("overview", json!({}));
    assert_eq!(after["last_round"]["name"], "Series C");
    assert_eq!(
        dec(&after["total_raised"]["amount"]) - dec(&before["total_raised"]["amount"]),
        dec(&committed["outcome"]["new_money"]["amount"])
    );
    let journal = h.ok("journal", json!({}));
    let issue = journal
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|l| l["kind"] == "stock-issuance")
        .unwrap();
    // Share counts read as a finance user reads them.
    assert!(
        issue["summary"].as_str().unwrap().starts_with(&format!(
            "Issued {} Series C Preferred",
            group(issue["shares"].as_u64().unwrap())
        )),
        "{}",
        issue["summary"]
    );
    h.ok(
        "reverse_entry",
        json!({ "entry": issue["id"], "reason": "the round did not close" }),
    );
    let reversed = h.ok("overview", json!({}));
    assert_eq!(reversed["last_round"]["name"], "Series B");
    assert_eq!(reversed["total_raised"], before["total_raised"]);
    assert_eq!(reversed["rounds"], before["rounds"]);
}

fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
