//! Helpers shared by the CLI's integration tests: run the real `roundbook`
//! binary against a book in a temporary directory. Each test binary uses a
//! different subset, hence the `dead_code` allowance.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_roundbook");

/// The workspace's end-to-end folder of golden files.
pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden")
}

/// A command line split into arguments on spaces; 'single quotes' keep a
/// name with spaces (or an empty value, '') as one argument:
/// `words("round show 'Series B'")` is `["round", "show", "Series B"]`.
pub fn words(line: &str) -> Vec<&str> {
    let mut out = vec![];
    let mut rest = line.trim_start();
    while !rest.is_empty() {
        let (word, after) = match rest.strip_prefix('\'') {
            Some(quoted) => {
                let end = quoted
                    .find('\'')
                    .unwrap_or_else(|| panic!("unclosed quote in {line:?}"));
                (&quoted[..end], &quoted[end + 1..])
            }
            None => rest.split_at(rest.find(' ').unwrap_or(rest.len())),
        };
        out.push(word);
        rest = after.trim_start();
    }
    out
}

/// `roundbook --book BOOK ARGS...`, with no ROUNDBOOK_BOOK from the caller's environment.
pub fn run(book: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--book")
        .arg(book)
        .args(args)
        .env_remove("ROUNDBOOK_BOOK")
        .output()
        .expect("the roundbook binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs a command that must succeed; returns its stdout.
pub fn ok(book: &Path, args: &[&str]) -> String {
    let o = run(book, args);
    assert!(
        o.status.success(),
        "`roundbook {}` failed ({:?}):\nstdout: {}\nstderr: {}",
        args.join(" "),
        o.status,
        stdout(&o),
        stderr(&o)
    );
    assert!(
        !stderr(&o).contains("panicked"),
        "`roundbook {}` panicked: {}",
        args.join(" "),
        stderr(&o)
    );
    stdout(&o)
}

/// Runs a read command with `--json` and parses its stdout.
pub fn json(book: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = ok(book, &all);
    serde_json::from_str(&out).unwrap_or_else(|e| {
        panic!(
            "`roundbook {}` printed no JSON ({e}):\n{out}",
            all.join(" ")
        )
    })
}

/// The journal entry number in "... as journal entry #N."
pub fn entry_number(out: &str) -> String {
    let at = out
        .find("journal entry #")
        .unwrap_or_else(|| panic!("no journal entry number in: {out}"));
    out[at + "journal entry #".len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

/// A fresh temporary directory and a book path inside it (not yet created).
pub fn temp_book() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let book = dir.path().join("book.roundbook");
    (dir, book)
}

/// A temporary directory holding the xAI demo book.
pub fn demo_book() -> (tempfile::TempDir, PathBuf) {
    let (dir, book) = temp_book();
    ok(&book, &["demo"]);
    (dir, book)
}

/// Every byte of the book file and of its WAL and shared-memory files, if present.
#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot {
    main: Option<Vec<u8>>,
    wal: Option<Vec<u8>>,
    shm_exists: bool,
}

pub fn snapshot(book: &Path) -> Snapshot {
    let side = |suffix: &str| PathBuf::from(format!("{}{suffix}", book.display()));
    Snapshot {
        main: std::fs::read(book).ok(),
        wal: std::fs::read(side("-wal")).ok(),
        shm_exists: side("-shm").exists(),
    }
}

/// Asserts two snapshots are identical, with a short description of where they differ.
pub fn assert_same(before: &Snapshot, after: &Snapshot, what: &str) {
    if before == after {
        return;
    }
    let describe = |a: &Option<Vec<u8>>, b: &Option<Vec<u8>>| -> String {
        match (a, b) {
            (None, None) => "absent before and after".into(),
            (Some(_), None) => "deleted".into(),
            (None, Some(b)) => format!("created ({} bytes)", b.len()),
            (Some(a), Some(b)) if a == b => "identical".into(),
            (Some(a), Some(b)) => {
                let first = a.iter().zip(b.iter()).position(|(x, y)| x != y);
                format!(
                    "changed: {} -> {} bytes, first difference at {:?}",
                    a.len(),
                    b.len(),
                    first
                )
            }
        }
    };
    panic!(
        "{what}: the book's files changed.\n  main file: {}\n  -wal file: {}\n  -shm exists: {} -> {}",
        describe(&before.main, &after.main),
        describe(&before.wal, &after.wal),
        before.shm_exists,
        after.shm_exists
    );
}

/// A decimal from a JSON string (the documented shape of money and percentages).
pub fn dec(v: &Value) -> rust_decimal::Decimal {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("expected a decimal string, got {v}"));
    s.parse()
        .unwrap_or_else(|e| panic!("'{s}' is not a decimal: {e}"))
}

pub fn u(v: &Value) -> u64 {
    v.as_u64()
        .unwrap_or_else(|| panic!("expected a whole number, got {v}"))
}

/// The worked examples of docs/calc.md.
pub fn calc_docs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/calc")
}

/// `roundbook calc docs/calc/NAME.json`, which must print exactly `NAME.out.json`
/// (UPDATE_GOLDEN=1 rewrites it); the output as JSON.
pub fn calc(name: &str) -> Value {
    let input = calc_docs().join(format!("{name}.json"));
    let out = Command::new(BIN)
        .arg("calc")
        .arg(&input)
        .output()
        .expect("roundbook runs");
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let expected = calc_docs().join(format!("{name}.out.json"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&expected, &text).expect("write the expected output");
    } else {
        let want = std::fs::read_to_string(&expected)
            .unwrap_or_else(|e| panic!("{}: {e}", expected.display()));
        assert_eq!(
            text,
            want,
            "{name}: the output differs from {}",
            expected.display()
        );
    }
    serde_json::from_str(&text).expect("JSON")
}

/// A Money's amount.
pub fn amount(v: &Value) -> rust_decimal::Decimal {
    dec(&v["amount"])
}

/// Ownership after a modelled round, in percent, by holder's name.
pub fn after_pct(r: &Value, name: &str) -> rust_decimal::Decimal {
    let d = r["dilution"].as_array().unwrap();
    dec(&d
        .iter()
        .find(|h| h["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in the dilution table"))["after_pct"])
}
