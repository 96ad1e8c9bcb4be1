//! The shared glue on the xAI example book (assets/xai/SOURCES.md: Series B announced
//! 2024-05-26, $6B at $18B pre-money, $24B post-money; share counts illustrative): the files
//! hold the book's own figures, a cancelled export or import leaves nothing, and a bad import
//! changes no byte of the book.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use proptest::prelude::*;
use roundbook_files::{
    export_csv, export_ocf, export_pdf, export_xlsx, import_captable_csv, import_ocf, unwatched,
    write_atomically, FilesError, FilesResult, ProjectionRange, Step, TableChoice, TableRequest,
};
use roundbook_ledger::example;
use roundbook_store::Store;

fn xai_book(dir: &Path) -> PathBuf {
    let book = dir.join("xai.roundbook");
    let mut store = Store::create(&book, &example::xai_company()).unwrap();
    let o = store
        .transact(|b| Ok::<_, roundbook_store::StoreError>(example::populate_xai(b)?))
        .unwrap();
    let plan = roundbook_compute::example::xai_compute_plan(Some(o.round));
    store.record_compute_plan(plan.orders, plan.terms).unwrap();
    book
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    text.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// The directory's file names: a cancelled or failed write leaves no `.partial` file.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A watch that records the steps and cancels before step `stop_at` (0: never).
struct Recorder {
    steps: Mutex<Vec<Step>>,
    stop_at: u32,
}

impl Recorder {
    fn new(stop_at: u32) -> Recorder {
        Recorder {
            steps: Mutex::new(Vec::new()),
            stop_at,
        }
    }
    fn watch(&self, s: Step) -> FilesResult<()> {
        self.steps.lock().unwrap().push(s);
        if s.number == self.stop_at {
            return Err(FilesError::cancelled("the test's export"));
        }
        Ok(())
    }
    fn numbers(&self) -> Vec<(u32, u32)> {
        let steps = self.steps.lock().unwrap();
        steps.iter().map(|s| (s.number, s.of)).collect()
    }
}

#[test]
fn the_cap_table_csv_totals_are_the_cap_tables() {
    let dir = tempfile::tempdir().unwrap();
    let book = xai_book(dir.path());
    let as_of = "2024-06-01";
    let b = Store::open(&book).unwrap().load().unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    let t = b.cap_table(date, &b.default_rounding()).unwrap();
    let mut req = TableRequest::new(TableChoice::Captable);
    req.as_of = Some(as_of.into());
    let out = dir.path().join("captable.csv");
    let w = export_csv(&book, &req, &out).unwrap();
    assert_eq!(w.tables[0].0, "captable");
    let rows = csv_rows(&out);
    assert_eq!(w.tables[0].1 + 2, rows.len(), "header, rows, total");
    let total = rows.last().unwrap();
    assert_eq!(total[0], "Total");
    let column = |h: &str| rows[0].iter().position(|c| c == h).unwrap();
    assert_eq!(
        total[column("Outstanding")],
        t.totals.outstanding.to_string()
    );
    assert_eq!(
        total[column("Fully diluted")],
        t.totals.fully_diluted.to_string()
    );
    // The rounds table states the public Series B terms to the cent.
    let out = dir.path().join("rounds.csv");
    export_csv(&book, &TableRequest::new(TableChoice::Rounds), &out).unwrap();
    let rows = csv_rows(&out);
    let series_b = rows.iter().find(|r| r[1] == "Series B").unwrap();
    assert_eq!(
        &series_b[4..7],
        ["18000000000.00", "6000000000.00", "24000000000.00"]
    );
}

#[test]
fn a_bad_date_is_named_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let book = xai_book(dir.path());
    let mut req = TableRequest::new(TableChoice::Holdings);
    req.as_of = Some("2024-02-30".into());
    let before = names(dir.path());
    let e = export_csv(&book, &req, &dir.path().join("h.csv")).unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.field.as_deref()),
        ("invalid", Some("as_of"))
    );
    assert!(e.message.contains("2024-02-30"), "{}", e.message);
    assert_eq!(names(dir.path()), before);
    let mut req = TableRequest::new(TableChoice::Compute);
    req.projection.months = "3.5".into();
    let e = export_csv(&book, &req, &dir.path().join("c.csv")).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("months"));
}

#[test]
fn long_exports_report_each_step_and_a_cancel_leaves_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let book = xai_book(dir.path());
    let range = ProjectionRange::default();
    type Export<'a> = Box<dyn Fn(&Path, &Recorder) -> FilesResult<()> + 'a>;
    let exports: Vec<(&str, u32, Export)> = vec![
        (
            "x.xlsx",
            3,
            Box::new(|out, r| {
                export_xlsx(&book, Some("2024-06-01"), &range, out, &|s| r.watch(s)).map(|_| ())
            }),
        ),
        (
            "x.pdf",
            2,
            Box::new(|out, r| export_pdf(&book, Some("2024-06-01"), &range, out, &|s| r.watch(s))),
        ),
        (
            "x.zip",
            3,
            Box::new(|out, r| export_ocf(&book, None, out, &|s| r.watch(s)).map(|_| ())),
        ),
    ];
    for (name, steps, export) in &exports {
        let out = dir.path().join(name);
        std::fs::write(&out, b"the old file").unwrap();
        for stop_at in 1..=*steps {
            let r = Recorder::new(stop_at);
            let e = export(&out, &r).unwrap_err();
            assert!(e.is_cancelled(), "{name}: {e}");
            assert_eq!(std::fs::read(&out).unwrap(), b"the old file", "{name}");
            let want: Vec<(u32, u32)> = (1..=stop_at).map(|n| (n, *steps)).collect();
            assert_eq!(r.numbers(), want, "{name}");
        }
        let r = Recorder::new(0);
        export(&out, &r).unwrap();
        assert_eq!(r.numbers().len() as u32, *steps);
        assert_ne!(std::fs::read(&out).unwrap(), b"the old file");
    }
    assert!(
        names(dir.path()).iter().all(|n| !n.contains(".partial")),
        "{:?}",
        names(dir.path())
    );
    assert!(std::fs::read(dir.path().join("x.pdf"))
        .unwrap()
        .starts_with(b"%PDF-"));
    assert!(std::fs::read(dir.path().join("x.xlsx"))
        .unwrap()
        .starts_with(b"PK"));
}

#[test]
fn ocf_imports_into_a_new_book_or_leaves_none() {
    let dir = tempfile::tempdir().unwrap();
    let book = xai_book(dir.path());
    let zip = dir.path().join("xai.zip");
    export_ocf(&book, None, &zip, &unwatched).unwrap();
    // Cancelled at each step: no book, not even its -wal.
    for stop_at in 1..=3 {
        let copy = dir.path().join(format!("cancelled{stop_at}.roundbook"));
        let r = Recorder::new(stop_at);
        let e = import_ocf(&copy, &zip, &|s| r.watch(s)).unwrap_err();
        assert!(e.is_cancelled());
        assert!(!names(dir.path()).iter().any(|n| n.starts_with("cancelled")));
    }
    let copy = dir.path().join("copy.roundbook");
    let done = import_ocf(&copy, &zip, &unwatched).unwrap();
    assert!(done.entries > 0);
    let date = chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    let totals = |p: &Path| {
        let b = Store::open(p).unwrap().load().unwrap();
        b.cap_table(date, &b.default_rounding()).unwrap().totals
    };
    assert_eq!(totals(&book), totals(&copy));
    // Into a book that exists: refused by name.
    let e = import_ocf(&copy, &zip, &unwatched).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("book"));
    let junk = dir.path().join("junk.zip");
    std::fs::write(&junk, b"not a zip").unwrap();
    let fresh = dir.path().join("fresh.roundbook");
    let e = import_ocf(&fresh, &junk, &unwatched).unwrap_err();
    assert!(e.message.contains("junk.zip"), "{}", e.message);
    assert!(!fresh.exists());
}

#[test]
fn a_bad_csv_row_is_named_and_the_book_is_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let book = xai_book(dir.path());
    let file = dir.path().join("holders.csv");
    std::fs::write(
        &file,
        "date,holder,holder_kind,roles,class,class_kind,shares,price_per_share,memo\r\n\
         2024-06-01,New Angel,individual,investor,Common,,1000,15.00,\r\n\
         2024-06-02,Other,individual,,Common,,ten,1,\r\n",
    )
    .unwrap();
    let before = std::fs::read(&book).unwrap();
    let e = import_captable_csv(&book, &file).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("shares"));
    assert!(e.message.contains("holders.csv line 3"), "{}", e.message);
    assert_eq!(std::fs::read(&book).unwrap(), before);
    std::fs::write(
        &file,
        "date,holder,holder_kind,roles,class,class_kind,shares,price_per_share,memo\r\n\
         2024-06-01,New Angel,individual,investor,Common,,1000,15.00,\r\n",
    )
    .unwrap();
    let done = import_captable_csv(&book, &file).unwrap();
    assert_eq!(done.issuances, 1);
    assert_eq!(done.new_holders, ["New Angel"]);
}

#[test]
fn a_write_into_a_missing_folder_names_the_file_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("missing").join("x.csv");
    let e = write_atomically(&out, b"a,b\r\n").unwrap_err();
    assert_eq!(e.code.as_str(), "io");
    assert!(e.message.contains("missing/x.csv"), "{}", e.message);
    assert!(names(dir.path()).is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]
    /// Whatever was there before, the file afterwards is exactly the new bytes, and no
    /// temporary file is left beside it.
    #[test]
    fn an_atomic_write_leaves_exactly_the_new_bytes(
        old in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..2048)),
        new in proptest::collection::vec(any::<u8>(), 0..4096),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.bin");
        if let Some(old) = &old {
            std::fs::write(&out, old).unwrap();
        }
        write_atomically(&out, &new).unwrap();
        prop_assert_eq!(std::fs::read(&out).unwrap(), new);
        prop_assert_eq!(names(dir.path()), vec!["out.bin".to_string()]);
    }
}
