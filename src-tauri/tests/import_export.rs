//! Import and export through the command layer on Tauri's mock runtime: each command called
//! through the real IPC path, with the dialog answered by the test seam (DialogSeam), on a
//! fresh copy of the xAI example book. The files written are read back and checked.
//!
//! Worked example: xAI's Series B, announced 2024-05-26: $6B raised at an $18B pre-money
//! valuation, $24B post-money (assets/xai/SOURCES.md). Share counts in the book are illustrative.

mod common;

use common::{column, harness};
use std::path::{Path, PathBuf};

use roundbook_app::import_export_commands::DialogSeam;
use serde_json::{json, Value};
use tauri::Manager;

const SCENARIO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../assets/scenarios/xai-series-b.toml"
);

impl common::Harness {
    /// The dialogs of the next command answer these paths in turn.
    fn answer(&self, paths: &[&Path]) {
        let seam = self.app.state::<DialogSeam>();
        seam.answer_with(paths.iter().map(|p| p.to_path_buf()).collect());
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The cap table as the page shows it on 2024-06-01.
    fn cap_table(&self, by: &str) -> Value {
        self.ok(
            "read_table",
            json!({ "form": { "table": "captable", "as_of": "2024-06-01", "by": by } }),
        )
    }

    fn fully_diluted(&self) -> u64 {
        let t = self.cap_table("holder");
        t["totals"][column(&t, "Fully diluted")].as_u64().unwrap()
    }
}

/// A cell of the read model's JSON as a CSV writes it.
fn csv_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    text.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// Every byte of the book and its journal files.
fn book_files(book: &Path) -> Vec<Option<Vec<u8>>> {
    ["", "-wal"]
        .iter()
        .map(|s| std::fs::read(format!("{}{s}", book.display())).ok())
        .collect()
}

#[test]
fn the_cap_table_csv_in_view_ties_out_to_the_cap_table() {
    let h = harness();
    let view = h.cap_table("holder");
    // The user typed a name without an extension: .csv is added.
    h.answer(&[&h.path("captable")]);
    let done = h.ok(
        "export_table",
        json!({ "form": { "table": "captable", "as_of": "2024-06-01", "by": "holder" } }),
    );
    let out = h.path("captable.csv");
    assert_eq!(done["file"], out.display().to_string());
    assert_eq!(done["tables"][0]["table"], "captable");
    let rows = csv_rows(&out);
    assert_eq!(
        done["tables"][0]["rows"].as_u64().unwrap() as usize,
        rows.len() - 2
    );
    // The file is the view: its header, every row cell for cell, and its totals.
    let headers: Vec<String> = view["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| csv_cell(&c["header"]))
        .collect();
    assert_eq!(rows[0], headers);
    let shown: Vec<Vec<String>> = view["rows"]
        .as_array()
        .unwrap()
        .iter()
        .chain([&view["totals"]])
        .map(|r| r.as_array().unwrap().iter().map(csv_cell).collect())
        .collect();
    assert_eq!(rows[1..], shown[..]);
    let total = rows.last().unwrap();
    assert_eq!(total[0], "Total");
    assert_eq!(
        total[column(&view, "Fully diluted")],
        h.fully_diluted().to_string()
    );
    // By class, the same total.
    h.answer(&[&h.path("classes.csv")]);
    h.ok(
        "export_table",
        json!({ "form": { "table": "captable", "as_of": "2024-06-01", "by": "class" } }),
    );
    let rows = csv_rows(&h.path("classes.csv"));
    let fd = rows[0].iter().position(|h| h == "Fully diluted").unwrap();
    assert_eq!(rows.last().unwrap()[fd], h.fully_diluted().to_string());
    // A bad date names the field and writes nothing.
    h.answer(&[&h.path("bad.csv")]);
    let e = h.err(
        "export_table",
        json!({ "form": { "table": "holdings", "as_of": "2024-13-01" } }),
    );
    assert_eq!(e["field"], "as_of");
    assert!(!h.path("bad.csv").exists());
}

#[test]
fn the_workbook_report_and_ocf_package_are_whole_files() {
    let h = harness();
    h.answer(&[&h.path("xai.xlsx")]);
    let w = h.ok(
        "export_workbook",
        json!({ "form": { "as_of": "2024-06-01" } }),
    );
    let sheets: Vec<&str> = w["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["table"].as_str().unwrap())
        .collect();
    for name in ["captable", "journal", "rounds", "compute"] {
        assert!(sheets.contains(&name), "{name} in {sheets:?}");
    }
    assert!(std::fs::read(h.path("xai.xlsx"))
        .unwrap()
        .starts_with(b"PK"));

    h.answer(&[&h.path("board.pdf")]);
    let r = h.ok(
        "export_report",
        json!({ "form": { "as_of": "2024-06-01" } }),
    );
    assert_eq!(r["what"], "PDF board report");
    let pdf = std::fs::read(h.path("board.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = std::process::Command::new("pdftotext")
        .arg(h.path("board.pdf"))
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("$24,000,000,000"),
        "post-money in the report:\n{text}"
    );
    assert!(
        text.contains(&group(h.fully_diluted())),
        "fully diluted shares:\n{text}"
    );

    h.answer(&[&h.path("xai-ocf.zip")]);
    let o = h.ok("export_ocf", json!({ "form": { "as_of": "" } }));
    assert!(o["what"]
        .as_str()
        .unwrap()
        .starts_with("OCF v1.2.0 package"));
    assert!(std::fs::read(h.path("xai-ocf.zip"))
        .unwrap()
        .starts_with(b"PK"));
    assert!(
        std::fs::read_dir(h.dir.path()).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains(".partial")),
        "no temporary file is left"
    );
    // Nothing running: Cancel has nothing to stop.
    assert_eq!(h.ok("cancel_import_export", json!({})), false);
}

#[test]
fn an_ocf_package_becomes_a_new_open_book_with_the_same_cap_table() {
    let h = harness();
    let fd = h.fully_diluted();
    let zip = h.path("xai-ocf.zip");
    h.answer(&[&zip]);
    h.ok("export_ocf", json!({ "form": {} }));
    let copy = h.path("copy");
    h.answer(&[&zip, &copy]);
    let done = h.ok("import_ocf", json!({}));
    let copy = h.path("copy.roundbook");
    assert_eq!(done["book"]["path"], copy.display().to_string());
    assert!(done["imported"]["entries"].as_u64().unwrap() > 0);
    assert_eq!(
        h.ok("book_info", json!({}))["path"],
        copy.display().to_string()
    );
    assert_eq!(
        h.fully_diluted(),
        fd,
        "the imported book's cap table is the original's"
    );
    // A package that is not one: named, and no book is made; the open book stays open.
    let junk = h.path("junk.zip");
    std::fs::write(&junk, b"not a zip").unwrap();
    let fresh = h.path("fresh.roundbook");
    h.answer(&[&junk, &fresh]);
    let e = h.err("import_ocf", json!({}));
    assert!(e["message"].as_str().unwrap().contains("junk.zip"), "{e}");
    assert!(!fresh.exists());
    assert_eq!(
        h.ok("book_info", json!({}))["path"],
        copy.display().to_string()
    );
}

#[test]
fn a_bad_csv_row_is_named_and_the_book_is_byte_identical() {
    let h = harness();
    let file = h.path("holders.csv");
    std::fs::write(
        &file,
        "date,holder,holder_kind,roles,class,class_kind,shares,price_per_share,memo\r\n\
         2024-06-01,New Angel,individual,investor,Common,,1000,15.00,\r\n\
         2024-06-02,Other,company,,Common,,10,1,\r\n",
    )
    .unwrap();
    let before = book_files(&h.book);
    let journal = h.ok("journal", json!({})).as_array().unwrap().len();
    h.answer(&[&file]);
    let e = h.err("import_captable_csv", json!({}));
    assert_eq!(e["field"], "holder_kind");
    let message = e["message"].as_str().unwrap();
    assert!(message.contains("holders.csv line 3"), "{message}");
    assert_eq!(
        book_files(&h.book),
        before,
        "a refused import changes no byte"
    );
    // Without the bad row, the import records one issuance.
    std::fs::write(
        &file,
        "date,holder,holder_kind,roles,class,class_kind,shares,price_per_share,memo\r\n\
         2024-06-01,New Angel,individual,investor,Common,,1000,15.00,\r\n",
    )
    .unwrap();
    let fd = h.fully_diluted();
    let done = h.ok("import_captable_csv", json!({}));
    assert_eq!(done["issuances"], 1);
    assert_eq!(done["new_holders"], json!(["New Angel"]));
    assert_eq!(h.fully_diluted(), fd + 1000);
    assert!(h.ok("journal", json!({})).as_array().unwrap().len() > journal);
}

#[test]
fn a_scenario_is_kept_under_its_name_and_a_bad_one_is_named() {
    let h = harness();
    h.answer(&[Path::new(SCENARIO)]);
    let done = h.ok("import_scenario", json!({ "name": "base case" }));
    assert_eq!(done["name"], "base case");
    assert_eq!(done["new_text"], true);
    assert_eq!(done["scenario_sha256"].as_str().unwrap().len(), 64);
    let again = h.ok("import_scenario", json!({ "name": "" }));
    assert_eq!(again["name"], "xai-series-b", "an empty name: the file's");
    assert_eq!(again["new_text"], false);
    let bad = h.path("bad.toml");
    std::fs::write(&bad, "[simulation]\npaths = \"many\"\n").unwrap();
    let before = book_files(&h.book);
    h.answer(&[&bad]);
    let e = h.err("import_scenario", json!({ "name": "x" }));
    assert_eq!(e["field"], "scenario");
    assert!(e["message"].as_str().unwrap().contains("bad.toml"), "{e}");
    assert_eq!(book_files(&h.book), before);
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
