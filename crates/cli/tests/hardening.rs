//! Hostile input, tried as an attacker would: values at the edge of what the book accepts, files
//! that are not files, dates in other grammars, names that look like ids. Each test here failed
//! before its fix.

mod common;

use std::path::Path;

use common::*;

/// A book whose every value was accepted: eight issuances at the largest price a decimal with
/// five places holds, each 1 share.
fn book_at_the_edge() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, book) = temp_book();
    ok(&book, &words("init --name Acme --founded 2020-01-01"));
    ok(&book, &words("stakeholder add A"));
    ok(&book, &words("class add Common --kind common"));
    for _ in 0..8 {
        ok(
            &book,
            &words(
                "issue --holder A --class Common --shares 1 --date 2021-01-01 --price 9999999999999999999999999999",
            ),
        );
    }
    (dir, book)
}

fn out(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

#[test]
fn a_book_of_accepted_values_exports_even_when_its_totals_outgrow_a_decimal() {
    let (dir, book) = book_at_the_edge();
    for args in [
        vec!["export", "xlsx", "--out", &out(dir.path(), "b.xlsx")],
        vec![
            "export",
            "csv",
            "journal",
            "--out",
            &out(dir.path(), "j.csv"),
        ],
        vec![
            "export",
            "csv",
            "participations",
            "--out",
            &out(dir.path(), "p.csv"),
        ],
        vec!["export", "pdf", "--out", &out(dir.path(), "b.pdf")],
    ] {
        let o = run(&book, &args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    }
    let text = std::fs::read_to_string(dir.path().join("j.csv")).unwrap();
    assert_eq!(text.lines().count(), 1 + 8, "header and every entry");
    assert!(text.contains("9999999999999999999999999999.00"), "{text}");
}

#[test]
fn a_29_digit_price_is_refused_in_the_csv_import_and_on_the_command_line() {
    let (dir, book) = temp_book();
    ok(&book, &words("init --name Acme --founded 2020-01-01"));
    ok(&book, &words("stakeholder add A"));
    ok(&book, &words("class add Common --kind common"));
    let csv = dir.path().join("big.csv");
    std::fs::write(
        &csv,
        "date,holder,class,shares,price_per_share\n2021-01-01,A,Common,1,79228162514264337593543950335\n",
    )
    .unwrap();
    let before = snapshot(&book);
    let o = run(&book, &["import", "csv", csv.to_str().unwrap()]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("line 2") && e.contains("price_per_share") && e.contains("28"),
        "{e}"
    );
    let o = run(
        &book,
        &words("issue --holder A --class Common --shares 1 --date 2021-01-01 --price 79228162514264337593543950335"),
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("price"), "{}", stderr(&o));
    assert_same(&before, &snapshot(&book), "a refused 29-digit price");
}

const SCENARIO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../assets/scenarios/xai-series-b.toml"
);

fn stored_runs(book: &Path) -> usize {
    json(book, &["runs"])["runs"].as_array().unwrap().len()
}

#[test]
fn a_simulation_whose_result_file_cannot_be_written_stores_nothing() {
    let (dir, book) = demo_book();
    let before = snapshot(&book);
    let simulate = |out: &str| {
        run(
            &book,
            &[
                "simulate",
                SCENARIO,
                "--paths",
                "2000",
                "--backend",
                "cpu",
                "--out",
                out,
            ],
        )
    };
    // No such folder: refused before the run, naming --out.
    let o = simulate("/nonexistent/x.json");
    assert!(!o.status.success());
    assert!(stderr(&o).contains("out"), "{}", stderr(&o));
    assert_same(
        &before,
        &snapshot(&book),
        "simulate --out /nonexistent/x.json",
    );
    // A folder that exists but a file that cannot be written (the path is a folder): the run
    // is computed, and not kept when its file fails.
    let taken = dir.path().join("taken");
    std::fs::create_dir(&taken).unwrap();
    let o = simulate(taken.to_str().unwrap());
    assert!(!o.status.success(), "{}", stdout(&o));
    assert_eq!(stored_runs(&book), 0, "{}", stderr(&o));
    // And with a good file, the run is kept and the file names it.
    let file = dir.path().join("run.json");
    let o = simulate(file.to_str().unwrap());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stored_runs(&book), 1);
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(written["run"]["id"], 1);
}

/// The shipped scenario with one line changed.
fn scenario_with(dir: &Path, name: &str, from: &str, to: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(SCENARIO).unwrap();
    assert!(text.contains(from), "the shipped scenario has {from}");
    let path = dir.join(name);
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

#[test]
fn every_scenario_bound_is_checked_before_a_run_or_an_import() {
    let (dir, book) = demo_book();
    let before = snapshot(&book);
    let rounds = scenario_with(
        dir.path(),
        "rounds.toml",
        "max_rounds = 4",
        "max_rounds = 4294967295",
    );
    let huge = scenario_with(
        dir.path(),
        "huge.toml",
        "post_money = 24000000000",
        "post_money = 3.5e38",
    );
    let mut many = std::fs::read_to_string(SCENARIO).unwrap();
    for i in 0..40 {
        many.push_str(&format!(
            "\n[[start.classes]]\nname = \"Extra {i}\"\nshares = 1000\npreference = 0\n"
        ));
    }
    let classes = dir.path().join("classes.toml");
    std::fs::write(&classes, many).unwrap();
    for (file, field) in [
        (&rounds, "funding.max_rounds"),
        (&huge, "start.post_money"),
        (&classes, "start.classes"),
    ] {
        for args in [
            vec![
                "simulate",
                file.to_str().unwrap(),
                "--paths",
                "1000",
                "--backend",
                "cpu",
            ],
            vec!["import", "scenario", file.to_str().unwrap()],
        ] {
            let o = run(&book, &args);
            assert!(!o.status.success(), "{args:?}");
            let e = stderr(&o);
            assert!(e.contains(field), "{args:?}: {e}");
            assert!(!e.contains("panicked"), "{e}");
        }
    }
    // The run's own bounds: threads and the paths a batch holds.
    for (flag, value) in [("--threads", "100000"), ("--batch", "1000000000000")] {
        let o = run(
            &book,
            &[
                "simulate",
                SCENARIO,
                "--paths",
                "1000",
                "--backend",
                "cpu",
                flag,
                value,
            ],
        );
        assert!(!o.status.success(), "{flag} {value}");
        assert!(stderr(&o).contains(&flag[2..]), "{}", stderr(&o));
    }
    assert_same(&before, &snapshot(&book), "refused scenarios");
}

/// One date grammar everywhere (ISO 8601 calendar dates): chrono's `%Y-%m-%d` took these.
#[test]
fn a_date_is_yyyy_mm_dd_on_every_surface_and_the_message_shows_the_form() {
    let (dir, book) = demo_book();
    let before = snapshot(&book);
    for bad in ["2024-1-1", "+2024-06-01", "24-06-01"] {
        let o = run(
            &book,
            &[
                "issue", "--holder", "Fidelity", "--class", "Common", "--shares", "1", "--date",
                bad,
            ],
        );
        assert!(!o.status.success(), "{bad}");
        let e = stderr(&o);
        assert!(e.contains("date") && e.contains("YYYY-MM-DD"), "{bad}: {e}");
    }
    // A two-digit year is not the year 24.
    let o = run(&book, &["compute", "terms", "set", "--cash-month", "24-01"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("YYYY-MM"), "{}", stderr(&o));
    // The CSV import names the line.
    let csv = dir.path().join("dates.csv");
    std::fs::write(
        &csv,
        "date,holder,class,shares\n2024-1-1,Fidelity,Common,1\n",
    )
    .unwrap();
    let o = run(&book, &["import", "csv", csv.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("line 2") && stderr(&o).contains("YYYY-MM-DD"),
        "{}",
        stderr(&o)
    );
    assert_same(&before, &snapshot(&book), "refused dates");
    // calc reads its JSON's dates by the same grammar.
    let deal = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/calc/exit-waterfall.json"
    ))
    .unwrap();
    let first = deal
        .find("\"date\": \"")
        .expect("the example deal has a date")
        + 9;
    let bent = format!("{}+{}", &deal[..first], &deal[first..]);
    let file = dir.path().join("deal.json");
    std::fs::write(&file, bent).unwrap();
    let o = run(&book, &["calc", file.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("YYYY-MM-DD"), "{}", stderr(&o));
}

#[test]
fn an_authorised_count_past_the_books_bound_is_refused_naming_the_field() {
    let (_dir, book) = temp_book();
    ok(&book, &words("init --name Acme --founded 2020-01-01"));
    ok(&book, &words("class add Ordinary --kind common"));
    let before = snapshot(&book);
    for n in ["9223372036854775808", "1000000000000001"] {
        let o = run(
            &book,
            &[
                "class",
                "add",
                "Common",
                "--kind",
                "common",
                "--authorized",
                n,
            ],
        );
        assert!(!o.status.success(), "{n}");
        let e = stderr(&o);
        assert!(e.contains("authorized") && !e.contains("CHECK"), "{n}: {e}");
        // A plan's reserve is named as the form names it.
        let o = run(
            &book,
            &[
                "plan",
                "add",
                "Plan",
                "--class",
                "Ordinary",
                "--date",
                "2020-02-01",
                "--reserved",
                n,
            ],
        );
        assert!(stderr(&o).contains("reserved"), "{}", stderr(&o));
    }
    assert_same(&before, &snapshot(&book), "refused counts");
    ok(
        &book,
        &[
            "class",
            "add",
            "Common",
            "--kind",
            "common",
            "--authorized",
            "1000000000000000",
        ],
    );
}

/// `#1` is how a user writes an id: a name that reads as one is refused, and a book that holds
/// one from before asks which is meant rather than crediting the wrong holder.
#[test]
fn a_name_that_reads_as_an_id_is_refused_and_never_shadowed() {
    let (_dir, book) = small_book_with_alice();
    let before = snapshot(&book);
    for args in [
        words("stakeholder add #1"),
        vec!["class", "add", "#2", "--kind", "common"],
        vec![
            "plan",
            "add",
            "#3",
            "--class",
            "Common",
            "--date",
            "2020-02-15",
            "--reserved",
            "10",
        ],
    ] {
        let o = run(&book, &args);
        assert!(!o.status.success(), "{args:?}");
        assert!(stderr(&o).contains("reads as an id"), "{}", stderr(&o));
    }
    assert_same(&before, &snapshot(&book), "refused id-like names");
    // A book written before the rule: stakeholder #3 is named "#1" (Alice is #1).
    let conn = rusqlite::Connection::open(&book).unwrap();
    conn.execute(
        "INSERT INTO stakeholders (id, name, kind, relationships, provenance, recorded_at) \
         VALUES (3, '#1', 'individual', '', 'recorded', '2020-01-01T00:00:00Z')",
        [],
    )
    .unwrap();
    drop(conn);
    let before = snapshot(&book);
    let o = run(
        &book,
        &words("issue --holder #1 --class Common --shares 5 --date 2020-03-01"),
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("#3"), "{}", stderr(&o));
    assert_same(&before, &snapshot(&book), "an ambiguous holder");
    // Written as its id, each is found.
    ok(
        &book,
        &words("issue --holder #3 --class Common --shares 5 --date 2020-03-01"),
    );
}

fn small_book_with_alice() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, book) = temp_book();
    ok(&book, &words("init --name Acme --founded 2020-01-01"));
    ok(&book, &words("stakeholder add Alice"));
    ok(&book, &words("stakeholder add Bob"));
    ok(&book, &words("class add Common --kind common"));
    (dir, book)
}

/// `roundbook ARGS` that must end within `secs`: a reader that blocks on a FIFO would hang.
fn run_within(book: &Path, args: &[&str], secs: u64) -> std::process::Output {
    use std::process::{Command, Stdio};
    let child = Command::new(env!("CARGO_BIN_EXE_roundbook"))
        .arg("--book")
        .arg(book)
        .args(args)
        .env_remove("ROUNDBOOK_BOOK")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    // The pipes are drained while it runs (a full pipe would stall it), on a thread of their own.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(std::time::Duration::from_secs(secs)) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("roundbook {args:?} still running after {secs} s");
        }
    }
}

fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
}

#[test]
fn only_regular_files_of_a_bounded_size_are_read() {
    let (dir, book) = demo_book();
    let before = snapshot(&book);
    let fifo = dir.path().join("pipe.toml");
    mkfifo(&fifo);
    let folder = dir.path().join("package");
    std::fs::create_dir(&folder).unwrap();
    mkfifo(&folder.join("Manifest.ocf.json"));
    let fresh = dir.path().join("fresh.roundbook");
    for (target, args) in [
        (&book, vec!["simulate", "/dev/zero", "--paths", "1000"]),
        (&book, vec!["simulate", fifo.to_str().unwrap()]),
        (&book, vec!["import", "scenario", fifo.to_str().unwrap()]),
        (&book, vec!["import", "csv", fifo.to_str().unwrap()]),
        (&book, vec!["issue", "--csv", fifo.to_str().unwrap()]),
        (&book, vec!["calc", "/dev/zero"]),
        (&fresh, vec!["import", "ocf", folder.to_str().unwrap()]),
        (&fresh, vec!["import", "ocf", fifo.to_str().unwrap()]),
    ] {
        let o = run_within(target, &args, 20);
        assert!(!o.status.success(), "{args:?}");
        let e = stderr(&o);
        assert!(
            e.contains("regular file") || e.contains("neither a zip"),
            "{args:?}: {e}"
        );
    }
    // A file past the bound (sparse: no disk is used) is refused by size, unread.
    let big = dir.path().join("big.csv");
    std::fs::File::create(&big)
        .unwrap()
        .set_len((64 << 20) + 1)
        .unwrap();
    let o = run_within(&book, &["import", "csv", big.to_str().unwrap()], 20);
    assert!(stderr(&o).contains("64 MiB"), "{}", stderr(&o));
    assert_same(&before, &snapshot(&book), "refused files");
    assert!(!fresh.exists(), "no book is made from a refused package");
}

fn calc(dir: &Path, name: &str, deal: &serde_json::Value) -> std::process::Output {
    let file = dir.join(name);
    std::fs::write(&file, deal.to_string()).unwrap();
    run_within(
        &dir.join("no.roundbook"),
        &["calc", file.to_str().unwrap()],
        60,
    )
}

/// calc refuses what its capitalisation cannot hold instead of leaving it out, and bounds a
/// range's size before computing it.
#[test]
fn calc_states_what_it_cannot_hold_and_bounds_a_range() {
    let dir = tempfile::tempdir().unwrap();
    let docs = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/calc/");
    let read = |f: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(format!("{docs}{f}")).unwrap()).unwrap()
    };
    // YC's post-money SAFE example, with the seed SAFE issued after the deal's date.
    let mut late = read("yc-post-money-safe.json");
    late["instruments"][1]["issued"] = "2021-07-01".into();
    let o = calc(dir.path(), "late.json", &late);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("instruments[1]") && stderr(&o).contains("issued"),
        "{}",
        stderr(&o)
    );
    // A grant of no options.
    let mut none = read("exit-waterfall.json");
    none["options"] = serde_json::json!([{"holder": "Founders", "count": 0, "strike": "0.10"}]);
    let o = calc(dir.path(), "none.json", &none);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("options[0]") && stderr(&o).contains("count"),
        "{}",
        stderr(&o)
    );
    // 100 holders and 100,000 steps: refused by size, naming steps, at once.
    let mut wide = read("exit-waterfall.json");
    let holders: Vec<serde_json::Value> = (0..100)
        .map(|i| serde_json::json!({"name": format!("Holder {i}"), "holdings": [{"class": "Common", "shares": 1000}]}))
        .collect();
    wide["holders"] = holders.into();
    wide["exit"] = serde_json::json!({"from": "0", "to": "20000000", "steps": 100000});
    let o = calc(dir.path(), "wide.json", &wide);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("steps"), "{}", stderr(&o));
    // Within the bound it runs.
    wide["exit"]["steps"] = 4.into();
    let o = calc(dir.path(), "narrow.json", &wide);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// SIGKILL during `import ocf` left, in 8 of 20 trials, a book with the company and nothing
/// else, which `check` passed and which blocked a re-import. The new book is built under a name
/// of its own and linked into place whole: after a kill at any moment there is no book, or all
/// of it.
#[test]
fn an_ocf_import_killed_at_any_moment_leaves_no_book_or_the_whole_book() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source.roundbook");
    ok(
        &source,
        &words("init --name Acme --founded 2020-01-01 --jurisdiction US"),
    );
    ok(&source, &words("stakeholder add A"));
    ok(&source, &words("class add Common --kind common"));
    let rows = dir.path().join("rows.csv");
    let mut csv = String::from("date,holder,class,shares,price_per_share\n");
    for _ in 0..20_000 {
        csv.push_str("2021-01-01,A,Common,1,1\n");
    }
    std::fs::write(&rows, csv).unwrap();
    ok(&source, &["issue", "--csv", rows.to_str().unwrap()]);
    let zip = dir.path().join("package.zip");
    ok(&source, &["export", "ocf", "--out", zip.to_str().unwrap()]);
    let entries = |book: &Path| {
        json(book, &["journal"])["entries"]
            .as_array()
            .unwrap()
            .len()
    };
    let whole = entries(&source);
    for (trial, ms) in [40u64, 150, 300, 450, 600, 750, 900, 1100]
        .into_iter()
        .enumerate()
    {
        let book = dir.path().join(format!("imported-{trial}.roundbook"));
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_roundbook"))
            .arg("--book")
            .arg(&book)
            .args(["import", "ocf", zip.to_str().unwrap()])
            .env_remove("ROUNDBOOK_BOOK")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(ms));
        let _ = child.kill();
        let _ = child.wait();
        if book.exists() {
            assert_eq!(
                entries(&book),
                whole,
                "killed after {ms} ms: a part of the book"
            );
        } else {
            // Nothing is in the way of importing again.
            ok(&book, &["import", "ocf", zip.to_str().unwrap()]);
            assert_eq!(entries(&book), whole);
        }
    }
}

/// A writer waits its turn while another holds the book (it failed after SQLite's 5 s), says so
/// after a second, and gives up only past the limit the user set, with the code `busy`.
#[test]
fn a_writer_waits_its_turn_and_says_so() {
    let (_dir, book) = small_book_with_alice();
    let spawn = |wait: &str, name: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_roundbook"))
            .args(["--book", book.to_str().unwrap(), "--wait", wait, "--json"])
            .args(["stakeholder", "add", name])
            .env_remove("ROUNDBOOK_BOOK")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    // Another program holds the write lock for 2.5 s.
    let holder = rusqlite::Connection::open(&book).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let patient = spawn("30", "Carol");
    let impatient = spawn("1", "Dave");
    std::thread::sleep(std::time::Duration::from_millis(2500));
    holder.execute_batch("COMMIT").unwrap();
    let patient = patient.wait_with_output().unwrap();
    assert!(patient.status.success(), "{}", stderr(&patient));
    assert!(
        stderr(&patient).contains("waiting for its turn"),
        "{}",
        stderr(&patient)
    );
    let impatient = impatient.wait_with_output().unwrap();
    assert!(!impatient.status.success());
    let e: serde_json::Value =
        serde_json::from_str(stderr(&impatient).lines().last().unwrap()).unwrap();
    assert_eq!(e["error"]["code"], "busy", "{e}");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("--wait"),
        "{e}"
    );
    let names = json(&book, &["stakeholder", "list"]);
    let names = names["stakeholders"].to_string();
    assert!(
        names.contains("Carol") && !names.contains("Dave"),
        "{names}"
    );
}

/// What a terminal acts on (ESC, BEL, NUL) has no place in a memo or a reason, and a name may not
/// hide characters or reorder how it reads ("Trojan Source").
#[test]
fn free_text_refuses_control_and_direction_characters_and_names_refuse_invisible_ones() {
    let (_dir, book) = small_book_with_alice();
    let before = snapshot(&book);
    let with_memo = |memo: &'static str| {
        let mut args = words("issue --holder Alice --class Common --shares 1 --date 2020-02-01");
        args.extend(["--memo", memo]);
        args
    };
    for (args, field) in [
        (with_memo("paid \u{1b}[31min red"), "memo"),
        (with_memo("ring\u{7}"), "memo"),
        (vec!["stakeholder", "add", "Mallory\u{202E}gnp.exe"], "name"),
        (vec!["stakeholder", "add", "Ali\u{200B}ce"], "name"),
        (
            vec!["class", "add", "Pre\u{2066}ferred", "--kind", "common"],
            "name",
        ),
    ] {
        let o = run(&book, &args);
        assert!(!o.status.success(), "{args:?}");
        let e = stderr(&o);
        assert!(e.contains(field) && e.contains("U+"), "{args:?}: {e}");
    }
    assert_same(&before, &snapshot(&book), "refused text");
    // Lines and tabs are a memo's own; a reversal's reason is free text too.
    let issued = ok(&book, &with_memo("board consent\n\tline two"));
    let id = entry_number(&issued);
    let o = run(&book, &["reverse", &id, "--reason", "typo\u{7}"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("reason"), "{}", stderr(&o));
}

/// The chain travels with the book: `check` prints its head, the journal's CSV carries each
/// entry's hash, the board report the head, and the OCF package each transaction's hash.
#[test]
fn the_journal_chain_is_checked_and_exported() {
    let (dir, book) = demo_book();
    let checked = json(&book, &["check"]);
    assert_eq!(checked["journal_chain"], "ok");
    let head = checked["chain_head"].as_str().unwrap().to_string();
    assert_eq!(head.len(), 64);
    let csv = ok(&book, &["export", "csv", "journal", "--out", "-"]);
    let last = csv.lines().rfind(|l| !l.is_empty()).unwrap();
    assert!(
        csv.lines().next().unwrap().ends_with(",Chain hash"),
        "{csv}"
    );
    assert!(last.ends_with(&head), "{last}");
    let pdf = dir.path().join("r.pdf");
    ok(
        &book,
        &[
            "export",
            "pdf",
            "--out",
            pdf.to_str().unwrap(),
            "--as-of",
            "2024-05-26",
        ],
    );
    let text = std::process::Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(&head[..32]),
        "the cover names the chain's head"
    );
    let zip = dir.path().join("p.zip");
    ok(&book, &["export", "ocf", "--out", zip.to_str().unwrap()]);
    let bytes = std::fs::read(&zip).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut all = String::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        std::io::Read::read_to_string(&mut f, &mut all).unwrap();
    }
    assert!(
        all.contains(&format!("roundbook: chain_hash={head}")),
        "the last entry's hash"
    );
    // Changed outside Roundbook: check fails, naming the entry.
    let conn = rusqlite::Connection::open(&book).unwrap();
    conn.execute_batch(
        "DROP TRIGGER transactions_no_update; UPDATE transactions SET quantity = 1 WHERE id = 6;",
    )
    .unwrap();
    drop(conn);
    let o = run(&book, &["check"]);
    assert!(!o.status.success());
    assert!(stdout(&o).contains("entry #6"), "{}", stdout(&o));
    assert!(stderr(&o).contains("entry #6"), "{}", stderr(&o));
}

/// Entries dated on or after the last are checked against the replay's head, a cache in the
/// file. A head changed outside Roundbook is what that check trusts (which shows it is used),
/// so `check` compares it with a replay, fails naming it, and discards it; the next entry is
/// then checked by a full replay again.
#[test]
fn the_replay_head_is_used_and_a_changed_one_is_found_and_discarded() {
    let (_dir, book) = small_book_with_alice();
    ok(
        &book,
        &words("issue --holder Alice --class Common --shares 100 --date 2021-01-01"),
    );
    ok(
        &book,
        &words("issue --holder Alice --class Common --shares 1 --date 2021-01-02"),
    );
    assert_eq!(json(&book, &["check"])["replay_head"], "ok");
    let too_many = words("cancel --holder Alice --class Common --shares 500 --date 2021-01-03");
    let refused = run(&book, &too_many);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("Alice holds 101 shares of Common"),
        "{}",
        stderr(&refused)
    );

    let conn = rusqlite::Connection::open(&book).unwrap();
    conn.execute("UPDATE head_held SET shares = 1000000", [])
        .unwrap();
    drop(conn);
    let o = run(&book, &["check"]);
    assert!(!o.status.success());
    assert!(
        stdout(&o).contains("Replay head: differed from the journal"),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("replay's head"), "{}", stderr(&o));
    // Discarded: the refusal comes from the journal again, and the book checks clean.
    let refused = run(&book, &too_many);
    assert!(
        stderr(&refused).contains("Alice holds 101 shares of Common"),
        "{}",
        stderr(&refused)
    );
    ok(
        &book,
        &words("issue --holder Alice --class Common --shares 1 --date 2021-01-03"),
    );
    assert_eq!(json(&book, &["check"])["replay_head"], "ok");

    // A head that cannot even be read does not block an entry (the entry replays and rebuilds
    // it), and check discards one.
    let sql = |q: &str| {
        rusqlite::Connection::open(&book)
            .unwrap()
            .execute(q, [])
            .unwrap();
    };
    sql("UPDATE head_held SET shares = 'many'");
    sql("UPDATE replay_head SET last_effective = 'someday'");
    ok(
        &book,
        &words("issue --holder Alice --class Common --shares 1 --date 2021-01-04"),
    );
    assert_eq!(
        json(&book, &["check"])["replay_head"],
        "ok",
        "rebuilt by the entry"
    );
    sql("UPDATE head_held SET shares = 'many'");
    let o = run(&book, &["check"]);
    assert!(!o.status.success());
    assert!(
        stdout(&o).contains("Replay head: differed"),
        "{}",
        stdout(&o)
    );
    assert_eq!(json(&book, &["check"])["replay_head"], "stale");
}
