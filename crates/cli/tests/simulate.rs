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

/// Starts a long run, sends SIGINT, and checks it stops within 2 s having written nothing.
/// Returns None when the run could not start (no GPU adapter here).
fn ctrl_c_stops(backend: &str, extra: &[&str]) -> Option<()> {
    let (dir, book) = temp_book();
    let result = dir.path().join("never.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_roundbook"))
        .args([
            "--book",
            book.to_str().unwrap(),
            "simulate",
            scenario().to_str().unwrap(),
            "--backend",
            backend,
        ])
        .args(["--paths", "1000000000", "--out", result.to_str().unwrap()])
        .args(extra)
        .env("NODEVICE_SELECT", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the progress bar: the run itself has started (a debug build takes seconds to
    // compile the GPU kernels first, which no Ctrl-C can shorten).
    let mut stderr_pipe = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        use std::io::Read;
        let mut seen = Vec::new();
        let mut buf = [0u8; 256];
        let mut told = false;
        while let Ok(n) = stderr_pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
            if !told && String::from_utf8_lossy(&seen).contains("simulating [") {
                told = tx.send(()).is_ok();
            }
        }
        String::from_utf8_lossy(&seen).into_owned()
    });
    if rx.recv_timeout(Duration::from_secs(120)).is_err() {
        let _ = child.kill();
        let _ = child.wait();
        let err = reader.join().unwrap();
        assert!(!gpu_expected(), "the run never started: {err}");
        return None;
    }
    let sent = Instant::now();
    assert!(Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap()
        .success());
    let status = child.wait().unwrap();
    assert!(
        sent.elapsed() < Duration::from_secs(2),
        "stopped in {:?}",
        sent.elapsed()
    );
    assert!(!status.success());
    let err = reader.join().unwrap();
    assert!(err.contains("cancelled"), "{err}");
    assert!(!result.exists(), "no partial result");
    Some(())
}

#[test]
fn ctrl_c_stops_the_run_within_a_second_and_writes_nothing() {
    assert!(ctrl_c_stops("cpu", &[]).is_some());
}

#[test]
fn ctrl_c_stops_a_gpu_run_between_batches() {
    // Batches of one chunk: the run checks for Ctrl-C between them.
    if ctrl_c_stops("gpu", &["--batch", "4096"]).is_none() {
        eprintln!("skipped: no GPU adapter here");
    }
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

/// The run with the environment given (for wgpu's adapter search).
fn simulate_with_env(
    book: &std::path::Path,
    backend: &str,
    env: &[(&str, &str)],
    out: &std::path::Path,
) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_roundbook"));
    cmd.arg("--book")
        .arg(book)
        .arg("simulate")
        .arg(scenario())
        .args(["--paths", "5000", "--backend", backend, "--out"])
        .arg(out)
        .env("NODEVICE_SELECT", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// No adapter at all: Vulkan pointed at no driver and the other APIs switched off.
const NO_ADAPTER: [(&str, &str); 2] = [
    ("WGPU_BACKEND", "vulkan"),
    ("VK_DRIVER_FILES", "/nonexistent"),
];

fn gpu_expected() -> bool {
    std::env::var_os("ROUNDBOOK_REQUIRE_GPU").is_some_and(|v| v == "1")
}

#[test]
fn with_no_adapter_auto_runs_on_the_cpu_and_says_why() {
    let (dir, book) = demo_book();
    let out_file = dir.path().join("auto.json");
    let out = simulate_with_env(&book, "auto", &NO_ADAPTER, &out_file);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.lines().any(
            |l| l.starts_with("roundbook: no GPU adapter") && l.ends_with("running on the CPU")
        ),
        "{err}"
    );
    let v: Value = serde_json::from_slice(&std::fs::read(&out_file).unwrap()).unwrap();
    assert_eq!(v["run"]["backend"], "cpu");
    assert!(v["run"]["adapter"].is_null());
    // --backend gpu does not fall back: it fails, naming the field, and stores nothing.
    let out = simulate_with_env(&book, "gpu", &NO_ADAPTER, &dir.path().join("gpu.json"));
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("backend: no GPU adapter"), "{err}");
    assert!(!dir.path().join("gpu.json").exists());
    let runs = ok(&book, &["runs"]);
    assert_eq!(
        runs.lines().filter(|l| l.contains(" cpu ")).count(),
        1,
        "{runs}"
    );
}

#[test]
fn on_a_gpu_the_run_records_the_adapter_and_matches_the_cpu() {
    let (dir, book) = demo_book();
    let g = dir.path().join("gpu.json");
    let out = simulate_with_env(&book, "gpu", &[], &g);
    if !out.status.success() && !gpu_expected() {
        eprintln!("skipped: no GPU adapter here ({})", stderr(&out));
        return;
    }
    assert!(out.status.success(), "{}", stderr(&out));
    let c = dir.path().join("cpu.json");
    let out = simulate_with_env(&book, "cpu", &[], &c);
    assert!(out.status.success(), "{}", stderr(&out));
    let g: Value = serde_json::from_slice(&std::fs::read(&g).unwrap()).unwrap();
    let c: Value = serde_json::from_slice(&std::fs::read(&c).unwrap()).unwrap();
    assert_eq!(g["run"]["backend"], "gpu");
    let adapter = g["run"]["adapter"].as_str().unwrap();
    assert!(!adapter.is_empty());
    // Counts are exact on any adapter; on a software one (CI's lavapipe) so are percentiles.
    assert_eq!(g["summary"]["p_fail"], c["summary"]["p_fail"]);
    assert_eq!(
        g["summary"]["p_raise_within"],
        c["summary"]["p_raise_within"]
    );
    if adapter.contains("llvmpipe") {
        assert_eq!(
            g["summary"]["fans"][1][47]["percentiles"],
            c["summary"]["fans"][1][47]["percentiles"]
        );
        assert_eq!(g["summary"]["sensitivity"], c["summary"]["sensitivity"]);
    }
    let runs = ok(&book, &["runs"]);
    assert!(runs.contains(" gpu "), "{runs}");
}
