//! The Scenarios view's commands on Tauri's mock runtime: the distribution preview, and a run on
//! the open book's capitalisation (a scenario without [[start.classes]]), on a fresh copy of the
//! xAI example book (assets/xai/SOURCES.md: the Series B of 2024-05-26, $6B at $18B pre-money;
//! share counts illustrative).

mod common;

use common::{harness, rows};
use serde_json::json;

impl common::Harness {
    fn shipped(&self) -> String {
        self.ok("default_scenario", json!({}))
            .as_str()
            .unwrap()
            .to_string()
    }
}

/// The shipped scenario without its [[start.classes]]: the capitalisation is the book's.
fn without_classes(text: &str) -> String {
    let start = text.find("[[start.classes]]").unwrap();
    let end = text.find("[compute]").unwrap();
    format!("{}{}", &text[..start], &text[end..])
}

#[test]
fn the_preview_draws_every_distribution_and_names_a_bad_field_inline() {
    let h = harness();
    let text = h.shipped();
    let p = h.ok("preview_distributions", json!({ "scenario": text }));
    assert_eq!(p["seed"], 20_240_526, "the scenario's own seed");
    let fields = p["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 8);
    let pue = fields.iter().find(|f| f["path"] == "compute.pue").unwrap();
    assert_eq!(pue["dist"]["dist"], "triangular");
    assert_eq!(pue["dist"]["max"], 1.58);
    let counts = pue["drawn"]["histogram"]["counts"].as_array().unwrap();
    assert_eq!(
        counts.iter().map(|c| c.as_u64().unwrap()).sum::<u64>(),
        4096
    );
    // Triangular(1.1, 1.2, 1.58): mean (a + b + c)/3 = 1.2933..., sd about 0.103; 4096 draws.
    let mean = pue["drawn"]["mean"].as_f64().unwrap();
    assert!((mean - 3.88 / 3.0).abs() < 5.0 * 0.103 / 64.0, "{mean}");
    let q = pue["drawn"]["percentiles"].as_array().unwrap();
    assert!(q[0].as_f64() < q[1].as_f64() && q[1].as_f64() < q[2].as_f64());

    // A bad field: its own entry names the field path; the others still draw.
    let bad = text.replace(
        "pue = { dist = \"triangular\", min = 1.1",
        "pue = { dist = \"triangular\", min = 9.1",
    );
    let p = h.ok("preview_distributions", json!({ "scenario": bad }));
    for f in p["fields"].as_array().unwrap() {
        if f["path"] == "compute.pue" {
            assert_eq!(f["error"]["path"], "compute.pue.max", "{f}");
            assert!(f["drawn"].is_null());
        } else {
            assert!(f["error"].is_null(), "{f}");
        }
    }
    // Text that is not TOML at all: one error naming the line.
    let e = h
        .call(
            "preview_distributions",
            json!({ "scenario": "[simulation\n" }),
        )
        .unwrap_err();
    assert_eq!(e["code"], "invalid");
    assert_eq!(e["field"], "line 1");
}

#[test]
fn a_scenario_without_classes_runs_on_the_books_capitalisation() {
    let h = harness();
    let text = without_classes(&h.shipped());
    let r = h.ok(
        "run_simulation",
        json!({ "request": { "scenario": text, "paths": 4096, "seed": 7, "backend": "cpu" } }),
    );
    assert_eq!(
        r["capitalisation"],
        json!({ "from": "book", "as_of": "2024-05-26" })
    );
    let classes: Vec<&str> = r["class_names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        classes.contains(&"Series B Preferred") && classes.contains(&"Options (common-equivalent)"),
        "{classes:?}"
    );
    let holders = r["holders"].as_array().unwrap();
    let musk = holders.iter().find(|x| x["holder"] == "Elon Musk").unwrap();
    let o = &musk["ownership_at_horizon"];
    let (p5, p50, p95) = (
        o["p5"].as_f64().unwrap(),
        o["p50"].as_f64().unwrap(),
        o["p95"].as_f64().unwrap(),
    );
    assert!(0.0 < p5 && p5 <= p50 && p50 <= p95, "{o}");
    // Every share of a starting class has a holder: their mean payouts add up to the classes'.
    let by_holders: f64 = holders
        .iter()
        .map(|x| x["exit_payout_mean"].as_f64().unwrap())
        .sum();
    let by_classes: f64 = r["summary"]["payout_mean"].as_array().unwrap()[..classes.len()]
        .iter()
        .map(|x| x.as_f64().unwrap())
        .sum();
    assert!((by_holders - by_classes).abs() <= 1e-9 * by_classes);
    // The stored runs as the page lists them: the read model's table, the run's number first.
    let stored = h.table("simulation-runs");
    assert_eq!(rows(&stored), 1);
    assert_eq!(stored["rows"][0][0], r["id"]);

    // The shipped scenario lists its own classes: no book holders to show.
    let inline = h.ok(
        "run_simulation",
        json!({ "request": { "scenario": h.shipped(), "paths": 4096, "backend": "cpu" } }),
    );
    assert_eq!(inline["capitalisation"], json!({ "from": "scenario" }));
    assert_eq!(inline["holders"], json!([]));
}
