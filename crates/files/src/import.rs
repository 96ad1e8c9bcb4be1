//! Files into a book: a cap table CSV and a scenario into the open book (one transaction
//! each), an OCF package into a new one.

use std::path::{Path, PathBuf};

use roundbook_export::import::{apply, read_captable_csv, ImportSummary};
use roundbook_ledger::Book;
use roundbook_sim::scenario::Scenario;
use roundbook_store::Store;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{FilesError, FilesResult};
use crate::progress::{step, Watch};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CsvImported {
    pub file: String,
    pub issuances: usize,
    pub new_holders: Vec<String>,
    pub new_classes: Vec<String>,
}

impl CsvImported {
    fn new(file: String, s: ImportSummary) -> CsvImported {
        CsvImported {
            file,
            issuances: s.issuances,
            new_holders: s.new_holders,
            new_classes: s.new_classes,
        }
    }
}

/// Records every row of a cap table CSV in one transaction, or none: an error names the
/// file, the line and the field, and the book is as it was.
pub fn import_captable_csv(book: &Path, file: &Path) -> FilesResult<CsvImported> {
    let name = file.display().to_string();
    let bytes = crate::read::read_input(file)?;
    // The file is read and checked before the book is opened.
    let rows = read_captable_csv(&name, &bytes)?;
    let mut store = Store::open(book)?;
    let summary = store.transact(|b| Ok::<_, FilesError>(apply(b, &name, &rows)?))?;
    Ok(CsvImported::new(name, summary))
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioImported {
    /// The name it is kept under.
    pub name: String,
    pub scenario_sha256: String,
    /// False when the book already held this exact text (under any name).
    pub new_text: bool,
}

fn scenario_error(file: &Path, path: &str, message: &str) -> FilesError {
    FilesError {
        code: roundbook_application::ErrorCode::Invalid,
        message: format!("{}: {path}: {message}", file.display()),
        field: Some("scenario".into()),
    }
}

/// Checks a scenario file as `simulate` does and keeps its text in the book under `name`
/// (default: the file's name without its extension).
pub fn import_scenario(
    book: &Path,
    file: &Path,
    name: Option<&str>,
) -> FilesResult<ScenarioImported> {
    let text = crate::read::read_input_text(file)?;
    let scenario = Scenario::parse(&text).map_err(|e| scenario_error(file, &e.path, &e.message))?;
    scenario
        .validate()
        .map_err(|e| scenario_error(file, &e.path, &e.message))?;
    let name = name.map_or_else(
        || {
            file.file_stem()
                .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
        },
        str::to_string,
    );
    let sha: String = Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut store = Store::open(book)?;
    let done = store.import_scenario(&name, &text, &sha, Some(&file.display().to_string()))?;
    Ok(ScenarioImported {
        name: name.trim().to_string(),
        scenario_sha256: sha,
        new_text: done.new_text,
    })
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OcfImported {
    pub book: PathBuf,
    pub stakeholders: usize,
    pub classes: usize,
    pub plans: usize,
    pub valuations: usize,
    pub transactions: usize,
    pub entries: usize,
    /// One line per kind of fact the book does not keep, with how many.
    pub not_kept: Vec<String>,
}

/// `.NAME.importing-PID` beside `book`.
fn partial_name(book: &Path) -> FilesResult<std::path::PathBuf> {
    let name = book.file_name().ok_or_else(|| {
        FilesError::invalid("book", format!("'{}' is not a file name", book.display()))
    })?;
    Ok(book.with_file_name(format!(
        ".{}.importing-{}",
        name.to_string_lossy(),
        std::process::id()
    )))
}

fn remove_book(book: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", book.display()));
    }
}

/// Imports an OCF package (a zip or a folder) into a new book at `book`. The package is
/// imported into a book in memory first, so a bad object is found before any file exists;
/// then into a new file beside `book` in one transaction, which becomes `book` only when whole.
pub fn import_ocf(book: &Path, package: &Path, watch: Watch<'_>) -> FilesResult<OcfImported> {
    if book.exists() {
        return Err(FilesError::invalid(
            "book",
            format!(
                "{} exists; an OCF package is imported into a new book (give --book NEW)",
                book.display()
            ),
        ));
    }
    step(watch, 1, 3, "reading the package")?;
    let pkg = roundbook_ocf::Package::read(package).map_err(crate::error::ocf)?;
    let company = roundbook_ocf::company_from(&pkg).map_err(crate::error::ocf)?;
    step(watch, 2, 3, "checking every object")?;
    let mut trial = Book::new(company.clone())?;
    let summary = roundbook_ocf::import_into(&mut trial, &pkg).map_err(crate::error::ocf)?;
    // The last point a Cancel is heard: from here the book is written whole or removed.
    step(watch, 3, 3, "writing the new book")?;
    // Built beside the target under a name of its own and linked into place only when whole:
    // a process killed mid-import leaves a stray partial file, never a book that holds the
    // company and nothing else (which passed `check` and blocked a re-import).
    let partial = partial_name(book)?;
    remove_book(&partial);
    let written = (|| -> FilesResult<()> {
        let mut store = Store::create(&partial, &company)?;
        store.transact(|b| {
            roundbook_ocf::import_into(b, &pkg)
                .map(|_| ())
                .map_err(crate::error::ocf)
        })?;
        // Everything into the main file, so the link below carries the whole book.
        store
            .connection()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .map_err(roundbook_store::StoreError::from)?;
        drop(store);
        // A hard link does not replace a file that appeared meanwhile, as a rename would.
        std::fs::hard_link(&partial, book).map_err(|e| FilesError::io(book, e))?;
        Ok(())
    })();
    remove_book(&partial);
    written?;
    Ok(OcfImported {
        book: book.to_path_buf(),
        stakeholders: summary.stakeholders,
        classes: summary.classes,
        plans: summary.plans,
        valuations: summary.valuations,
        transactions: summary.transactions,
        entries: summary.entries,
        not_kept: summary.not_kept,
    })
}
