//! Tables, workbooks, the board report and OCF packages out of a book, each written through
//! [`write_atomically`].

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Utc};
use roundbook_application::parse::date;
use roundbook_export::tables::{self, StoredRun};
pub use roundbook_export::tables::{CapTableBy, CapTableShares, TableChoice};
use roundbook_export::{to_csv, workbook, Cell, Table};
use roundbook_ledger::{Book, CapTable, LedgerError};
use roundbook_store::{ComputeBook, Store};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{FilesError, FilesResult};
use crate::progress::{step, Watch};
use crate::write::write_atomically;

/// The compute projection's range as the user typed it: checked here, so a bad one is named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectionRange {
    /// Months of the projection, a whole number.
    pub months: String,
    /// The first month (YYYY-MM); None: the plan's cash month.
    pub from: Option<String>,
}

impl Default for ProjectionRange {
    fn default() -> ProjectionRange {
        ProjectionRange {
            months: "36".into(),
            from: None,
        }
    }
}

/// One table to export, as the user chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRequest {
    pub table: TableChoice,
    /// The cap table's date (None: today); for the journal, only entries effective by then.
    pub as_of: Option<String>,
    pub by: CapTableBy,
    /// What the cap table counts (fully diluted by default: every column).
    pub shares: CapTableShares,
    pub projection: ProjectionRange,
}

impl TableRequest {
    pub fn new(table: TableChoice) -> TableRequest {
        TableRequest {
            table,
            as_of: None,
            by: CapTableBy::Holder,
            shares: CapTableShares::FullyDiluted,
            projection: ProjectionRange::default(),
        }
    }
}

/// What an export wrote: the file and each table in it with its number of rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Written {
    pub file: PathBuf,
    pub tables: Vec<(String, usize)>,
}

fn as_of_or_today(s: Option<&str>) -> FilesResult<NaiveDate> {
    s.map_or_else(|| Ok(Utc::now().date_naive()), |s| date("as_of", s))
}

fn cap_table_book(store: &Store, as_of: NaiveDate) -> FilesResult<(Book, CapTable)> {
    let b = store.load_as_of(as_of)?;
    let t = b.cap_table(as_of, &b.default_rounding())?;
    Ok((b, t))
}

fn projection_months(r: &ProjectionRange) -> FilesResult<(Option<NaiveDate>, u32)> {
    let months = r
        .months
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|_| r.months.trim().chars().all(|c| c.is_ascii_digit()))
        .ok_or_else(|| {
            LedgerError::invalid(
                "months",
                format!("'{}' is not a whole number of months", r.months),
            )
        })?;
    let from = r
        .from
        .as_deref()
        .map(|s| roundbook_compute::parse_month("from", s))
        .transpose()?;
    Ok((from, months))
}

fn projection_table(cb: &ComputeBook, r: &ProjectionRange) -> FilesResult<Table> {
    let (from, months) = projection_months(r)?;
    let p = roundbook_compute::projection(&cb.plan, from, months)?;
    Ok(tables::compute_projection(&p))
}

fn stored_runs(store: &Store) -> FilesResult<Vec<StoredRun>> {
    Ok(store
        .runs()?
        .into_iter()
        .map(|r| StoredRun {
            id: r.id,
            recorded_at: r.recorded_at,
            scenario_sha256: r.scenario_sha256,
            seed: r.seed,
            paths: r.paths,
            horizon_months: r.horizon_months,
            backend: r.backend,
            engine_version: r.engine_version,
            // The shortest text that reads back as the stored double: no digits invented.
            seconds: r.seconds.to_string().parse().unwrap_or(Decimal::ZERO),
            summary: serde_json::from_str(&r.summary).unwrap_or_default(),
        })
        .collect())
}

fn proceeds_table(cb: &ComputeBook) -> FilesResult<Table> {
    let uses = roundbook_compute::use_of_proceeds(&cb.plan, &cb.rounds)?;
    Ok(tables::use_of_proceeds(&uses, cb.plan.currency))
}

/// One table of the book, as the user chose it.
pub fn table(store: &Store, req: &TableRequest) -> FilesResult<Table> {
    let as_of = || as_of_or_today(req.as_of.as_deref());
    Ok(match req.table {
        TableChoice::Captable => {
            let (b, t) = cap_table_book(store, as_of()?)?;
            tables::cap_table(&t, &b, req.by, req.shares)
        }
        TableChoice::Holdings => tables::holdings(&cap_table_book(store, as_of()?)?.1),
        TableChoice::Convertibles => tables::convertibles(&cap_table_book(store, as_of()?)?.1),
        TableChoice::Journal => {
            let limit = req.as_of.as_deref().map(|s| date("as_of", s)).transpose()?;
            tables::journal(&store.load()?, limit, &store.chain_hashes()?)
        }
        TableChoice::Rounds => {
            let limit = req.as_of.as_deref().map(|s| date("as_of", s)).transpose()?;
            tables::rounds(&store.load()?, limit)
        }
        TableChoice::Participations => tables::participations(&store.load()?),
        TableChoice::Stakeholders => tables::stakeholders(&store.load()?),
        TableChoice::Classes => tables::classes(&store.load()?, as_of()?),
        TableChoice::Plans => {
            let (b, t) = cap_table_book(store, as_of()?)?;
            tables::plans(&t, &b)
        }
        TableChoice::GpuOrders => {
            let cb = store.load_compute()?;
            tables::gpu_orders(&cb.plan, &cb.rounds)
        }
        TableChoice::UseOfProceeds => proceeds_table(&store.load_compute()?)?,
        TableChoice::Compute => projection_table(&store.load_compute()?, &req.projection)?,
        TableChoice::SimulationRuns => tables::simulation_runs(&stored_runs(store)?),
        TableChoice::SimulationFans => tables::simulation_fans(&stored_runs(store)?),
    })
}

/// The table as CSV text (RFC 4180; formula-like text neutralised), with the table itself.
pub fn csv_text(book: &Path, req: &TableRequest) -> FilesResult<(Table, String)> {
    let t = table(&Store::open(book)?, req)?;
    let text = to_csv(&t);
    Ok((t, text))
}

pub fn export_csv(book: &Path, req: &TableRequest, out: &Path) -> FilesResult<Written> {
    let (t, text) = csv_text(book, req)?;
    write_atomically(out, text.as_bytes())?;
    Ok(Written {
        file: out.to_path_buf(),
        tables: vec![(t.name.clone(), t.rows.len())],
    })
}

/// Every table, a sheet each, the about sheet first. A book without a compute plan has no
/// projection: the about sheet says why instead.
pub fn workbook_sheets(
    store: &Store,
    as_of: Option<&str>,
    projection: &ProjectionRange,
) -> FilesResult<(Vec<Table>, String)> {
    let as_of = as_of_or_today(as_of)?;
    let (b, t) = cap_table_book(store, as_of)?;
    let whole = store.load()?;
    let mut sheets = vec![
        tables::about(&b, as_of),
        tables::cap_table(&t, &b, CapTableBy::Holder, CapTableShares::FullyDiluted),
        tables::cap_table(&t, &b, CapTableBy::Class, CapTableShares::FullyDiluted),
        tables::holdings(&t),
        tables::convertibles(&t),
        tables::journal(&whole, None, &store.chain_hashes()?),
        tables::rounds(&whole, Some(as_of)),
        tables::participations(&whole),
        tables::stakeholders(&whole),
        tables::classes(&whole, as_of),
        tables::plans(&t, &b),
    ];
    let cb = store.load_compute()?;
    sheets.push(tables::gpu_orders(&cb.plan, &cb.rounds));
    sheets.push(proceeds_table(&cb)?);
    match projection_table(&cb, projection) {
        Ok(p) => sheets.push(p),
        Err(e) => sheets[0].push(vec![
            Cell::text("Compute projection"),
            Cell::text(format!("not exported: {}", e.message)),
        ]),
    }
    let runs = stored_runs(store)?;
    sheets.push(tables::simulation_runs(&runs));
    sheets.push(tables::simulation_fans(&runs));
    Ok((sheets, b.company.currency.as_str().to_string()))
}

pub fn export_xlsx(
    book: &Path,
    as_of: Option<&str>,
    projection: &ProjectionRange,
    out: &Path,
    watch: Watch<'_>,
) -> FilesResult<Written> {
    step(watch, 1, 3, "reading the book")?;
    let (sheets, currency) = workbook_sheets(&Store::open(book)?, as_of, projection)?;
    step(watch, 2, 3, "building the workbook")?;
    let bytes = workbook(&sheets, &currency).map_err(|e| {
        FilesError::new(
            roundbook_application::ErrorCode::Export,
            format!("{}: {e}", out.display()),
        )
    })?;
    step(watch, 3, 3, "writing the file")?;
    write_atomically(out, &bytes)?;
    Ok(Written {
        file: out.to_path_buf(),
        tables: sheets
            .iter()
            .map(|s| (s.name.clone(), s.rows.len()))
            .collect(),
    })
}

/// The book as an OCF v1.2.0 zip; returns how many files the package holds.
pub fn export_ocf(
    book: &Path,
    as_of: Option<&str>,
    out: &Path,
    watch: Watch<'_>,
) -> FilesResult<usize> {
    step(watch, 1, 3, "reading the book")?;
    let store = Store::open(book)?;
    let b = store.load()?;
    let mut options = roundbook_ocf::ExportOptions::new(Utc::now());
    options.chain = store.chain_hashes()?;
    options.as_of = as_of.map(|s| date("as_of", s)).transpose()?;
    step(watch, 2, 3, "building the package")?;
    let pkg = roundbook_ocf::export_package(&b, &options).map_err(crate::error::ocf)?;
    let bytes = pkg.to_zip_bytes().map_err(crate::error::ocf)?;
    step(watch, 3, 3, "writing the file")?;
    write_atomically(out, &bytes)?;
    Ok(pkg.files().len())
}

/// The board report's bytes: the book as of the date, the compute plan's projection when the
/// book has compute terms, and the latest stored Monte Carlo run when there is one.
pub fn board_report(
    store: &Store,
    as_of: Option<&str>,
    range: &ProjectionRange,
) -> FilesResult<Vec<u8>> {
    let as_of = as_of_or_today(as_of)?;
    let b = store.load_as_of(as_of)?;
    let cb = store.load_compute()?;
    // A book without compute terms has no projection: the report leaves the section out.
    let projection = projection_months(range)
        .ok()
        .and_then(|(from, months)| roundbook_compute::projection(&cb.plan, from, months).ok());
    let run = store
        .runs()?
        .pop()
        .map(|r| {
            roundbook_report::RunSummary::from_json(&r.summary).map(|summary| {
                roundbook_report::MonteCarloRun {
                    id: Some(r.id),
                    scenario_sha256: r.scenario_sha256,
                    seed: r.seed,
                    backend: r.backend,
                    engine_version: r.engine_version,
                    summary,
                }
            })
        })
        .transpose()
        .map_err(crate::error::report)?;
    let mut input = roundbook_report::ReportInput::new(&b, as_of);
    input.compute = projection.as_ref().map(|p| roundbook_report::ComputeInput {
        plan: &cb.plan,
        projection: p,
    });
    input.run = run.as_ref();
    input.chain_head = store
        .verify_chain()?
        .map_err(|b| {
            FilesError::new(
                roundbook_application::ErrorCode::BookCorrupt,
                format!(
                    "the journal's entry #{} {}; run `roundbook check`",
                    b.entry, b.why
                ),
            )
        })?
        .hash;
    roundbook_report::board_report(&input).map_err(crate::error::report)
}

pub fn export_pdf(
    book: &Path,
    as_of: Option<&str>,
    range: &ProjectionRange,
    out: &Path,
    watch: Watch<'_>,
) -> FilesResult<()> {
    step(watch, 1, 2, "rendering the report")?;
    let bytes = board_report(&Store::open(book)?, as_of, range)?;
    step(watch, 2, 2, "writing the file")?;
    write_atomically(out, &bytes)
}
