//! Import and export in the app: plain functions of the open book, the file the user chose in
//! a dialog and the form's choices, over roundbook-files (the glue the CLI shares). Exports go
//! through a temporary file and a rename; imports into the open book are one transaction; an
//! OCF package becomes a new book, removed again if anything fails or the user cancels.

use std::path::{Path, PathBuf};

use roundbook_files::{
    CapTableBy, CapTableShares, ProjectionRange, TableChoice, TableRequest, Watch, Written,
};
use serde::{Deserialize, Serialize};

use crate::error::AppResult;

pub use roundbook_files::{CsvImported, OcfImported, ScenarioImported, Step};

/// "Export CSV": the table, its date and grouping as the view shows them.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct TableForm {
    pub table: TableChoice,
    /// YYYY-MM-DD; empty for today (the journal: every entry).
    #[serde(default)]
    pub as_of: String,
    #[serde(default)]
    pub by: CapTableBy,
    /// What the cap table counts; fully diluted by default.
    #[serde(default)]
    pub shares: CapTableShares,
    /// The compute projection's months; empty for 36.
    #[serde(default)]
    pub months: String,
}

/// The workbook, the board report and the OCF package are all taken as of one date.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
pub struct AsOfForm {
    /// YYYY-MM-DD; empty for today (OCF: every entry).
    #[serde(default)]
    pub as_of: String,
}

fn given(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

impl AsOfForm {
    fn as_of(&self) -> Option<&str> {
        given(&self.as_of)
    }
}

/// What an export wrote, for the page to say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Exported {
    pub file: String,
    /// "cap table CSV", "Excel workbook", ...
    pub what: String,
    /// Each table written with its number of rows (empty for the report and OCF).
    pub tables: Vec<TableRows>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct TableRows {
    pub table: String,
    pub rows: usize,
}

fn exported(w: Written, what: &str) -> Exported {
    Exported {
        file: w.file.display().to_string(),
        what: what.into(),
        tables: w
            .tables
            .into_iter()
            .map(|(table, rows)| TableRows { table, rows })
            .collect(),
    }
}

/// One of the book's tables from the read model, as the command line and the exports show it.
pub fn read_table(
    book: &Path,
    form: &TableForm,
) -> AppResult<roundbook_application::tables::TableView> {
    let store = roundbook_store::Store::open(book)?;
    Ok(roundbook_files::export::table(&store, &form.request())?.into())
}

impl TableForm {
    fn request(&self) -> TableRequest {
        TableRequest {
            table: self.table,
            as_of: given(&self.as_of).map(str::to_string),
            by: self.by,
            shares: self.shares,
            projection: ProjectionRange {
                months: given(&self.months).unwrap_or("36").to_string(),
                from: None,
            },
        }
    }

    /// A file name to offer in the save dialog: `xAI captable 2024-06-01.csv`.
    pub fn suggested_name(&self, company: &str) -> String {
        let table = self.table.name();
        match given(&self.as_of) {
            Some(d) => format!("{company} {table} {d}.csv"),
            None => format!("{company} {table}.csv"),
        }
    }
}

pub fn export_table(book: &Path, form: &TableForm, out: &Path) -> AppResult<Exported> {
    let w = roundbook_files::export_csv(book, &form.request(), out)?;
    Ok(exported(w, "CSV"))
}

pub fn export_workbook(
    book: &Path,
    form: &AsOfForm,
    out: &Path,
    watch: Watch<'_>,
) -> AppResult<Exported> {
    let range = ProjectionRange::default();
    let w = roundbook_files::export_xlsx(book, form.as_of(), &range, out, watch)?;
    Ok(exported(w, "Excel workbook"))
}

pub fn export_report(
    book: &Path,
    form: &AsOfForm,
    out: &Path,
    watch: Watch<'_>,
) -> AppResult<Exported> {
    let range = ProjectionRange::default();
    roundbook_files::export_pdf(book, form.as_of(), &range, out, watch)?;
    Ok(Exported {
        file: out.display().to_string(),
        what: "PDF board report".into(),
        tables: Vec::new(),
    })
}

pub fn export_ocf(
    book: &Path,
    form: &AsOfForm,
    out: &Path,
    watch: Watch<'_>,
) -> AppResult<Exported> {
    let files = roundbook_files::export_ocf(book, form.as_of(), out, watch)?;
    Ok(Exported {
        file: out.display().to_string(),
        what: format!("OCF v1.2.0 package, {files} files"),
        tables: Vec::new(),
    })
}

pub fn import_captable_csv(book: &Path, file: &Path) -> AppResult<CsvImported> {
    roundbook_files::import_captable_csv(book, file)
}

/// An empty name keeps the scenario under the file's name.
pub fn import_scenario(book: &Path, file: &Path, name: &str) -> AppResult<ScenarioImported> {
    roundbook_files::import_scenario(book, file, given(name))
}

pub fn import_ocf(package: &Path, new_book: &Path, watch: Watch<'_>) -> AppResult<OcfImported> {
    roundbook_files::import_ocf(new_book, package, watch)
}

/// Adds the extension the format needs when the user typed a name without one.
pub fn with_extension(mut p: PathBuf, extension: &str) -> PathBuf {
    if p.extension().is_none() {
        p.set_extension(extension);
    }
    p
}
