//! `roundbook export` and `roundbook import` on the demo book, through the binary: the files
//! hold the figures the read commands print, and a bad import changes no byte of the book.

mod common;

use std::io::Cursor;
use std::path::Path;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use common::*;

const TEMPLATE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../assets/templates/captable.csv"
);
const SCENARIO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../assets/scenarios/xai-series-b.toml"
);

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn column(rows: &[Vec<String>], header: &str) -> usize {
    rows[0]
        .iter()
        .position(|h| h == header)
        .unwrap_or_else(|| panic!("no column {header} in {:?}", rows[0]))
}

#[test]
fn every_table_exports_as_csv() {
    let (dir, book) = demo_book();
    for table in [
        "captable",
        "holdings",
        "convertibles",
        "journal",
        "rounds",
        "participations",
        "stakeholders",
        "classes",
        "plans",
        "gpu-orders",
        "use-of-proceeds",
        "compute",
        "simulation-runs",
        "simulation-fans",
    ] {
        let out = dir.path().join(format!("{table}.csv"));
        let said = ok(
            &book,
            &[
                "export",
                "csv",
                table,
                "--as-of",
                "2024-06-01",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(said.contains("Wrote"), "{table}: {said}");
        let rows = csv_rows(&out);
        assert!(!rows.is_empty(), "{table}: a header at least");
    }
    // The journal file has a row per entry.
    let journal = csv_rows(&dir.path().join("journal.csv"));
    let entries = json(&book, &["journal"]);
    assert_eq!(
        journal.len() - 1,
        entries["entries"].as_array().unwrap().len()
    );
}

#[test]
fn the_cap_table_csv_ties_out_to_the_cap_table_command() {
    let (dir, book) = demo_book();
    let ct = json(
        &book,
        &["captable", "--as-of", "2024-06-01", "--fully-diluted"],
    );
    for by in ["holder", "class"] {
        let out = dir.path().join(format!("by-{by}.csv"));
        ok(
            &book,
            &[
                "export",
                "csv",
                "captable",
                "--by",
                by,
                "--as-of",
                "2024-06-01",
                "--out",
                out.to_str().unwrap(),
            ],
        );
        let rows = csv_rows(&out);
        let total = rows.last().unwrap();
        assert_eq!(total[0], "Total");
        let fd = column(&rows, "Fully diluted");
        assert_eq!(
            total[fd],
            u(&ct["cap_table"]["totals"]["fully_diluted"]).to_string(),
            "by {by}"
        );
    }
    // Holder rows carry the ledger's exact percentages.
    let rows = csv_rows(&dir.path().join("by-holder.csv"));
    let pct = column(&rows, "% FD");
    for h in ct["cap_table"]["holders"].as_array().unwrap() {
        let row = rows
            .iter()
            .find(|r| r[0] == h["name"].as_str().unwrap())
            .unwrap();
        assert_eq!(row[pct], h["fully_diluted_pct"].as_str().unwrap());
    }
    // Outstanding shares only: the command's own table, cell for cell, and its totals row.
    let out = dir.path().join("outstanding.csv");
    ok(
        &book,
        &[
            "export",
            "csv",
            "captable",
            "--shares",
            "outstanding",
            "--as-of",
            "2024-06-01",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let rows = csv_rows(&out);
    let shown = json(&book, &["captable", "--as-of", "2024-06-01"]);
    let table = &shown["table"];
    let headers: Vec<&str> = table["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["header"].as_str().unwrap())
        .collect();
    assert_eq!(rows[0], headers);
    assert!(!headers.contains(&"Fully diluted"), "{headers:?}");
    let listed = table["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1 + listed.len() + 1, "header, rows, totals");
    for (csv, row) in rows[1..].iter().zip(listed) {
        assert_eq!(csv[0], row[0].as_str().unwrap());
    }
    // The Series B's public terms (xAI, 2024-05-26: $6B at $18B pre-money, $24B post-money).
    let out = dir.path().join("rounds.csv");
    ok(
        &book,
        &["export", "csv", "rounds", "--out", out.to_str().unwrap()],
    );
    let rows = csv_rows(&out);
    let b = rows.iter().find(|r| r[1] == "Series B").unwrap();
    assert_eq!(
        &b[4..7],
        ["18000000000.00", "6000000000.00", "24000000000.00"]
    );
    // To standard output with --out -.
    let text = ok(&book, &["export", "csv", "stakeholders", "--out", "-"]);
    assert!(
        text.starts_with("#,Name,Kind,Relationships,Basis,Note\r\n"),
        "{text}"
    );
}

#[test]
fn the_workbook_has_every_sheet_and_its_totals_tie_out() {
    let (dir, book) = demo_book();
    let out = dir.path().join("book.xlsx");
    ok(
        &book,
        &[
            "export",
            "xlsx",
            "--as-of",
            "2024-06-01",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(std::fs::read(&out).unwrap())).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "about",
            "captable",
            "captable-classes",
            "holdings",
            "convertibles",
            "journal",
            "rounds",
            "participations",
            "stakeholders",
            "classes",
            "plans",
            "gpu-orders",
            "use-of-proceeds",
            "compute",
            "simulation-runs",
            "simulation-fans"
        ]
    );
    let ct = json(
        &book,
        &["captable", "--as-of", "2024-06-01", "--fully-diluted"],
    );
    let range = wb.worksheet_range("captable").unwrap();
    let formulas = wb.worksheet_formula("captable").unwrap();
    let last = range.height() as u32 - 1;
    assert_eq!(
        range.get_value((last, 0)),
        Some(&Data::String("Total".into()))
    );
    let fd = (0..range.width() as u32)
        .find(|&c| range.get_value((0, c)) == Some(&Data::String("Fully diluted".into())))
        .unwrap();
    let letter = char::from(b'A' + fd as u8);
    assert!(formulas
        .get_value((last, fd))
        .unwrap()
        .starts_with(&format!("SUM({letter}2:{letter}")));
    assert_eq!(
        range.get_value((last, fd)),
        Some(&Data::Float(
            u(&ct["cap_table"]["totals"]["fully_diluted"]) as f64
        ))
    );
    // The compute sheet's summed flows equal the projection's totals.
    let p = json(&book, &["compute", "projection", "--months", "36"]);
    let compute = wb.worksheet_range("compute").unwrap();
    let last = compute.height() as u32 - 1;
    let capex: f64 = dec(&p["projection"]["totals"]["capex"]["amount"])
        .to_string()
        .parse()
        .unwrap();
    assert_eq!(compute.get_value((last, 6)), Some(&Data::Float(capex)));
}

#[test]
fn a_cap_table_csv_imports_into_a_new_book() {
    let (_dir, book) = temp_book();
    ok(
        &book,
        &["init", "--name", "Acme", "--founded", "2020-01-15"],
    );
    let said = json(&book, &["import", "csv", TEMPLATE]);
    assert_eq!(said["issuances"], 4);
    let ct = json(&book, &["captable", "--as-of", "2021-12-31"]);
    // Worked out by hand from the template: 8,000,000 + 2,000,000 common, 1,500,000 + 400,000 seed.
    assert_eq!(u(&ct["cap_table"]["totals"]["outstanding"]), 11_900_000);
    // Importing it again records it again (an import is not idempotent; it is all or nothing).
    ok(&book, &["import", "csv", TEMPLATE]);
    let ct = json(&book, &["captable", "--as-of", "2021-12-31"]);
    assert_eq!(u(&ct["cap_table"]["totals"]["outstanding"]), 23_800_000);
}

fn refused(book: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let o = run(book, &all);
    assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stdout(&o));
    let e: serde_json::Value = serde_json::from_str(stderr(&o).trim()).unwrap();
    e["error"].clone()
}

#[test]
fn a_bad_row_changes_no_byte_of_the_book() {
    let (dir, book) = demo_book();
    let good = "2024-06-01,New Angel,individual,investor,Common,,1000,15.00,\r\n";
    let cases = [
        // More than ten decimal places, on line 3.
        (
            "2024-06-02,Other,individual,,Common,,10,0.00000000001,\r\n",
            "price_per_share",
            "line 3",
        ),
        // Wrong types.
        (
            "2024-06-02,Other,individual,,Common,,ten,1,\r\n",
            "shares",
            "line 3",
        ),
        (
            "2024-06-02,Other,company,,Common,,10,1,\r\n",
            "holder_kind",
            "line 3",
        ),
        // Huge numbers.
        (
            "2024-06-02,Other,,,Common,,99999999999999999999,1,\r\n",
            "shares",
            "line 3",
        ),
        // More shares than the class authorises: the ledger refuses, and names the line.
        (
            "2024-06-02,Other,,,Series B Preferred,,1000000000000,1,\r\n",
            "",
            "line 3",
        ),
        // A class the book lacks, without a kind to create it.
        (
            "2024-06-02,Other,,,Series Z,,10,1,\r\n",
            "class_kind",
            "line 3",
        ),
    ];
    for (i, (bad, field, line)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("bad{i}.csv"));
        std::fs::write(
            &file,
            format!("date,holder,holder_kind,roles,class,class_kind,shares,price_per_share,memo\r\n{good}{bad}"),
        )
        .unwrap();
        let before = snapshot(&book);
        let e = refused(&book, &["import", "csv", file.to_str().unwrap()]);
        assert_same(&before, &snapshot(&book), bad);
        let message = e["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("bad{i}.csv {line}")),
            "{bad}: {message}"
        );
        if !field.is_empty() {
            assert_eq!(e["field"], *field, "{bad}: {message}");
        }
    }
    // The good row alone is accepted, so the bad row was the only reason.
    let file = dir.path().join("good.csv");
    std::fs::write(
        &file,
        format!(
            "date,holder,holder_kind,roles,class,class_kind,shares,price_per_share,memo\r\n{good}"
        ),
    )
    .unwrap();
    ok(&book, &["import", "csv", file.to_str().unwrap()]);
}

#[test]
fn a_scenario_is_kept_under_a_name_once() {
    let (dir, book) = demo_book();
    let said = json(&book, &["import", "scenario", SCENARIO]);
    assert_eq!(said["name"], "xai-series-b");
    assert_eq!(said["new_text"], true);
    let said = json(
        &book,
        &["import", "scenario", SCENARIO, "--name", "base case"],
    );
    assert_eq!(said["new_text"], false, "the same text is kept once");

    let before = snapshot(&book);
    let e = refused(&book, &["import", "scenario", SCENARIO]);
    assert_eq!(e["field"], "name");
    assert_same(&before, &snapshot(&book), "a name used twice");

    // A scenario the engine would refuse is refused here, naming the file and the field.
    let text = std::fs::read_to_string(SCENARIO).unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, text.replacen("paths = 1000000", "paths = 0", 1)).unwrap();
    let e = refused(&book, &["import", "scenario", bad.to_str().unwrap()]);
    let message = e["message"].as_str().unwrap();
    assert!(
        message.contains("bad.toml") && message.contains("simulation.paths"),
        "{message}"
    );
    let wrong_type = dir.path().join("wrong.json");
    std::fs::write(&wrong_type, "{\"simulation\": {\"paths\": \"many\"}}").unwrap();
    let e = refused(&book, &["import", "scenario", wrong_type.to_str().unwrap()]);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("wrong.json: line 1"),
        "{e}"
    );
    assert_same(&before, &snapshot(&book), "bad scenarios");
}

#[test]
fn stored_runs_export_their_summaries_and_fans() {
    let (dir, book) = demo_book();
    ok(
        &book,
        &["simulate", SCENARIO, "--paths", "2000", "--threads", "1"],
    );
    let runs = json(&book, &["runs"]);
    let run = &runs["runs"][0];
    let out = dir.path().join("runs.csv");
    ok(
        &book,
        &[
            "export",
            "csv",
            "simulation-runs",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 2);
    let p_fail = column(&rows, "P(fail)");
    // The decimal text of the stored double, digit for digit.
    assert_eq!(
        rows[1][p_fail].parse::<f64>().unwrap(),
        run["summary"]["p_fail"].as_f64().unwrap()
    );
    let out = dir.path().join("fans.csv");
    ok(
        &book,
        &[
            "export",
            "csv",
            "simulation-fans",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let rows = csv_rows(&out);
    let months = u(&run["horizon_months"]) as usize;
    assert_eq!(rows.len() - 1, 4 * months, "four measures, each month");
    let p50 = column(&rows, "P50");
    let cash_last = &rows[months];
    assert_eq!(cash_last[1], "cash");
    assert_eq!(
        cash_last[p50].parse::<f64>().unwrap(),
        run["summary"]["fans"][0][months - 1]["percentiles"][2]
            .as_f64()
            .unwrap()
    );
}

#[test]
fn ocf_round_trips_into_a_new_book_and_pdf_reads_as_the_cap_table() {
    let (dir, book) = demo_book();
    let zip = dir.path().join("xai.zip");
    ok(&book, &["export", "ocf", "--out", zip.to_str().unwrap()]);
    let copy = dir.path().join("copy.roundbook");
    ok(&copy, &["import", "ocf", zip.to_str().unwrap()]);
    let a = json(
        &book,
        &["captable", "--as-of", "2024-06-01", "--fully-diluted"],
    );
    let b = json(
        &copy,
        &["captable", "--as-of", "2024-06-01", "--fully-diluted"],
    );
    assert_eq!(a["cap_table"]["totals"], b["cap_table"]["totals"]);
    // Into an existing book: refused, and the book is untouched.
    let before = snapshot(&copy);
    let e = refused(&copy, &["import", "ocf", zip.to_str().unwrap()]);
    assert_eq!(e["field"], "book");
    assert_same(
        &before,
        &snapshot(&copy),
        "import ocf into an existing book",
    );
    // A package that is not one leaves no book behind.
    let junk = dir.path().join("junk.zip");
    std::fs::write(&junk, b"not a zip").unwrap();
    let fresh = dir.path().join("fresh.roundbook");
    refused(&fresh, &["import", "ocf", junk.to_str().unwrap()]);
    assert!(!fresh.exists(), "no half-made book");

    let pdf = dir.path().join("board.pdf");
    ok(
        &book,
        &[
            "export",
            "pdf",
            "--as-of",
            "2024-06-01",
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("1,600,000,000"),
        "fully diluted shares in the report:\n{text}"
    );
}
