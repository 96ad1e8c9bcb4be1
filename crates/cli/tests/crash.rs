//! Crash safety: a batch of 100,000 issuances (`issue --csv`, one transaction)
//! killed with SIGKILL part way leaves a sound book holding all of the batch
//! or none of it.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use roundbook_ledger::Movement;

const ROWS: u64 = 100_000;

/// (issuance entries, total shares issued), after checking the file is sound.
fn issuances(book: &Path) -> (u64, u64) {
    let store = roundbook_store::Store::open(book).expect("the book opens after the kill");
    assert_eq!(
        store.integrity_check().expect("the integrity check runs"),
        "ok"
    );
    let b = store.load().expect("the book loads after the kill");
    b.entries()
        .iter()
        .filter_map(|e| match e.movement {
            Movement::StockIssuance { shares, .. } => Some(shares),
            _ => None,
        })
        .fold((0, 0), |(n, total), s| (n + 1, total + s))
}

fn check_passes(book: &Path) {
    let o = run(book, &["check"]);
    assert!(
        o.status.success(),
        "`roundbook check` failed after a kill:\n{}{}",
        stdout(&o),
        stderr(&o)
    );
    assert!(stdout(&o).contains("integrity check: ok"), "{}", stdout(&o));
}

fn start_batch(book: &Path, csv: &Path) -> Child {
    Command::new(BIN)
        .arg("--book")
        .arg(book)
        .arg("issue")
        .arg("--csv")
        .arg(csv)
        .env_remove("ROUNDBOOK_BOOK")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the batch starts")
}

fn wal(book: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", book.display()))
}

/// What one attempt came to.
#[derive(Debug, PartialEq, Eq)]
enum Landed {
    /// Killed while still running.
    MidRun,
    /// The batch finished before the kill was due.
    Finished,
}

/// Waits until `due` says it is time, then kills the child if `try_wait` says it still runs.
fn kill_when(child: &mut Child, mut due: impl FnMut() -> bool) -> Landed {
    let deadline = Instant::now() + Duration::from_secs(60);
    let finished = |child: &mut Child, status: std::process::ExitStatus| {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = std::io::Read::read_to_string(&mut e, &mut err);
        }
        assert!(status.success(), "the batch failed on its own: {err}");
        Landed::Finished
    };
    loop {
        if due() {
            if let Some(status) = child.try_wait().expect("try_wait") {
                return finished(child, status);
            }
            // try_wait just said it runs: the kill lands mid-run.
            child.kill().expect("SIGKILL delivered");
            let status = child.wait().expect("the killed batch is reaped");
            // It may have exited on its own between try_wait and the kill.
            return if status.success() {
                Landed::Finished
            } else {
                Landed::MidRun
            };
        }
        if let Some(status) = child.try_wait().expect("try_wait") {
            return finished(child, status);
        }
        assert!(Instant::now() < deadline, "the batch ran for a minute");
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn a_killed_batch_leaves_all_or_none() {
    let (dir, book) = temp_book();
    ok(&book, &words("init --name Acme --founded 2020-01-01"));
    ok(&book, &words("stakeholder add Alice"));
    ok(&book, &words("stakeholder add Bob"));
    ok(&book, &words("class add Common --kind common"));
    ok(
        &book,
        &words("issue --holder Alice --class Common --shares 1000000 --date 2020-01-01"),
    );

    let csv = dir.path().join("batch.csv");
    let mut text = String::with_capacity(4 * 1024 * 1024);
    text.push_str("date,holder,class,shares,price_per_share\n");
    let mut batch_shares = 0u64;
    for i in 0..ROWS {
        let shares = i % 97 + 1;
        batch_shares += shares;
        let holder = if i % 2 == 0 { "Alice" } else { "Bob" };
        text.push_str(&format!(
            "2021-{:02}-{:02},{holder},Common,{shares},0.{:04}\n",
            i % 12 + 1,
            i % 28 + 1,
            i % 10_000
        ));
    }
    std::fs::write(&csv, text).expect("the CSV is written");

    let (mut count, mut total) = issuances(&book);
    assert_eq!((count, total), (1, 1_000_000));

    let mut mid_run = 0;
    let mut mid_write = false;
    let mut log = vec![];

    // First: kill while SQLite is writing the batch (the WAL is over 1 MiB and growing).
    {
        let mut child = start_batch(&book, &csv);
        let w = wal(&book);
        let landed = kill_when(&mut child, || {
            std::fs::metadata(&w).is_ok_and(|m| m.len() > 1 << 20)
        });
        log.push(format!("while writing: {landed:?}"));
        if landed == Landed::MidRun {
            mid_run += 1;
            mid_write = true;
            // The killed writer left its uncommitted frames behind: opening must roll them back.
            let left = std::fs::metadata(&w).map(|m| m.len()).unwrap_or(0);
            assert!(
                left > 1 << 20,
                "the WAL the kill left behind has {left} bytes"
            );
        }
        let after = issuances(&book);
        assert!(
            after == (count, total) || after == (count + ROWS, total + batch_shares),
            "kill while writing: {after:?}, expected all or none of the batch on top of {:?}",
            (count, total)
        );
        (count, total) = after;
        check_passes(&book);
    }

    // Then: kills after fixed delays, wherever they land.
    for ms in [50u64, 300, 1000, 1500, 2000] {
        let mut child = start_batch(&book, &csv);
        let started = Instant::now();
        let landed = kill_when(&mut child, || {
            started.elapsed() >= Duration::from_millis(ms)
        });
        log.push(format!("after {ms} ms: {landed:?}"));
        let after = issuances(&book);
        match landed {
            Landed::MidRun => {
                mid_run += 1;
                assert!(
                    after == (count, total) || after == (count + ROWS, total + batch_shares),
                    "kill after {ms} ms: {after:?}, expected all or none of the batch on top of {:?}",
                    (count, total)
                );
            }
            Landed::Finished => assert_eq!(
                after,
                (count + ROWS, total + batch_shares),
                "finished within {ms} ms"
            ),
        }
        (count, total) = after;
        check_passes(&book);
    }
    assert!(
        mid_run >= 2,
        "too few kills landed while the batch ran: {log:?}"
    );
    assert!(
        mid_write,
        "no kill landed while the batch was being written: {log:?}"
    );

    // Finally the batch runs to completion, whole.
    let out = ok(
        &book,
        &["issue", "--csv", csv.to_str().expect("a UTF-8 path")],
    );
    assert!(out.contains(&format!("Recorded {ROWS} issuances")), "{out}");
    let after = issuances(&book);
    assert_eq!(
        after,
        (count + ROWS, total + batch_shares),
        "every row of the batch, once"
    );
    check_passes(&book);
    assert!(
        !wal(&book).exists() || std::fs::metadata(wal(&book)).is_ok_and(|m| m.len() == 0),
        "the WAL was checkpointed"
    );
    eprintln!("crash test: {log:?}");
}
