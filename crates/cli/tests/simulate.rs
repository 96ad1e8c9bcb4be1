//! `roundbook simulate` from the shell: the shipped scenario runs, the result does not depend
//! on the thread count, bad parameters name their field path, and Ctrl-C stops a run without
//! writing a result.

mod common;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::Value;

fn scenario() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/scenarios/xai-series-b.toml")
}

fn simulate(book: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "simulate".to_string(),
        scenario().display().to_string(),
        "--backend".into(),
        "cpu".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    run(book, &refs)
}

#[test]
fn the_shipped_scenario_runs_and_does_not_depend_on_threads() {
    let (dir, book) = temp_book();
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.json");
    let out = simulate(
        &book,
        &[
            "--paths",
            "9000",
            "--threads",
            "1",
            "--out",
            a.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = simulate(
        &book,
        &[
            "--paths",
            "9000",
            "--threads",
            "2",
            "--batch",
            "5000",
            "--out",
            b.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let read = |p: &PathBuf| -> Value {
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    };
    let (a, b) = (read(&a), read(&b));
    assert_eq!(
        a["summary"], b["summary"],
        "1 and 2 threads give the same numbers"
    );
    assert_eq!(a["run"]["paths"], 9000);
    assert_eq!(a["run"]["backend"], "cpu");
    assert_eq!(a["run"]["scenario_sha256"], b["run"]["scenario_sha256"]);
    let fans = a["summary"]["fans"].as_array().unwrap();
    assert_eq!(fans.len(), 4, "cash, mark, spend, fully diluted");
    assert_eq!(fans[1].as_array().unwrap().len(), 48);
    let p_fail = a["summary"]["p_fail"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p_fail));
    // The seed changes the numbers.
    let c = dir.path().join("c.json");
    assert!(simulate(
        &book,
        &[
            "--paths",
            "9000",
            "--seed",
            "1",
            "--out",
            c.to_str().unwrap()
        ]
    )
    .status
    .success());
    assert_ne!(read(&c)["summary"], a["summary"]);
}

#[test]
fn bad_parameters_name_their_field_path_and_run_nothing() {
    let (dir, book) = temp_book();
    let text = std::fs::read_to_string(scenario()).unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, text.replace("max = 1.58 }", "max = 1.0 }")).unwrap();
    let out = run(&book, &["simulate", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("compute.pue"), "{}", stderr(&out));
    let out = simulate(&book, &["--paths", "0"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("simulation.paths"),
        "{}",
        stderr(&out)
    );
    let out = simulate(&book, &["--backend", "gpu"]);
    assert!(!out.status.success());
}

#[test]
fn ctrl_c_stops_the_run_within_a_second_and_writes_nothing() {
    let (dir, book) = temp_book();
    let result = dir.path().join("never.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_roundbook"))
        .args([
            "--book",
            book.to_str().unwrap(),
            "simulate",
            scenario().to_str().unwrap(),
            "--backend",
            "cpu",
        ])
        .args(["--paths", "1000000000", "--out", result.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    assert!(child.try_wait().unwrap().is_none(), "still running");
    let sent = Instant::now();
    assert!(Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap()
        .success());
    let out = child.wait_with_output().unwrap();
    assert!(
        sent.elapsed() < Duration::from_secs(2),
        "stopped in {:?}",
        sent.elapsed()
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cancelled"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!result.exists(), "no partial result");
}

#[test]
fn a_run_is_stored_in_the_book_and_listed() {
    let (_dir, book) = demo_book();
    let out = simulate(&book, &["--paths", "5000"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("stored as run #1"),
        "{}",
        stderr(&out)
    );
    let runs = json(&book, &["runs"]);
    let list = runs["runs"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["paths"], 5000);
    assert_eq!(list[0]["seed"], 20240526);
    assert!(list[0]["summary"]["p_fail"].as_f64().is_some());
}

#[test]
fn without_inline_classes_the_books_holders_are_followed() {
    let (dir, book) = demo_book();
    // The shipped scenario with its [[start.classes]] removed: the capitalisation is the book's.
    let text = std::fs::read_to_string(scenario()).unwrap();
    let start = text.find("[[start.classes]]").unwrap();
    let end = text.find("[compute]").unwrap();
    let own = dir.path().join("from-book.toml");
    std::fs::write(&own, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let out = run(
        &book,
        &[
            "--json",
            "simulate",
            own.to_str().unwrap(),
            "--backend",
            "cpu",
            "--paths",
            "6000",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let classes: Vec<&str> = v["run"]["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        classes.contains(&"Series B Preferred") && classes.contains(&"Options (common-equivalent)"),
        "{classes:?}"
    );
    let holders = v["holders"].as_array().unwrap();
    let musk = holders.iter().find(|h| h["holder"] == "Elon Musk").unwrap();
    let p50 = musk["ownership_at_horizon"]["p50"].as_f64().unwrap();
    assert!(p50 > 0.0 && p50 <= 900_000_000.0 / 1_600_000_000.0, "{p50}");
    // Every share of a starting class belongs to a holder: the holders' payouts add up to the
    // starting classes' payouts.
    let by_holders: f64 = holders
        .iter()
        .map(|h| h["exit_payout_mean"].as_f64().unwrap())
        .sum();
    let by_classes: f64 = v["summary"]["payout_mean"].as_array().unwrap()[..classes.len()]
        .iter()
        .map(|x| x.as_f64().unwrap())
        .sum();
    assert!(
        (by_holders - by_classes).abs() <= 1e-6 * by_classes,
        "{by_holders} vs {by_classes}"
    );
    // The first raise's month distribution: its first 24 months add up to P(a raise within 24).
    let first: Vec<f64> = v["summary"]["first_raise_month"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    let within24: f64 = first[..24].iter().sum();
    assert!((within24 - v["summary"]["p_raise_within"][2].as_f64().unwrap()).abs() < 1e-12);
}
