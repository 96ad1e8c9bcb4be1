//! `roundbook export ...` and `roundbook import ...` (docs/import-export.md): a thin shell
//! over roundbook-export. Reads load the book; an import is one store transaction, so a
//! bad row leaves the book as it was. An export is written to a temporary file beside
//! the target and renamed, so a failed export never leaves half a file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Utc};
use clap::{Args, Subcommand, ValueEnum};
use roundbook_export::import::{apply, read_captable_csv};
use roundbook_export::tables::{self, StoredRun};
use roundbook_export::{to_csv, workbook, Table};
use roundbook_ledger::{Book, LedgerError};
use roundbook_sim::scenario::Scenario;
use roundbook_store::Store;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use crate::args::ByArg;
use crate::write::date;
use crate::{CliError, CliResult};

#[derive(Subcommand)]
pub enum ExportCmd {
    /// One table as CSV (RFC 4180, UTF-8, exact decimals; formula-like text neutralised).
    Csv(ExportCsvArgs),
    /// Every table as an Excel workbook: a sheet each, number formats, totals as formulas.
    Xlsx(ExportXlsxArgs),
    /// The book as an Open Cap Table Format v1.2.0 zip (crates/ocf).
    Ocf {
        #[arg(long)]
        out: PathBuf,
        /// Only entries effective on or before this date (default: all).
        #[arg(long)]
        as_of: Option<String>,
    },
    /// The PDF board report (crates/report): as of a date, with the compute plan and the
    /// latest stored Monte Carlo run when the book has them.
    Pdf {
        #[arg(long)]
        out: PathBuf,
        /// Default: today.
        #[arg(long)]
        as_of: Option<String>,
        #[command(flatten)]
        projection: ProjectionRange,
    },
}

#[derive(Subcommand)]
pub enum ImportCmd {
    /// A cap table CSV (columns in docs/import-export.md; template assets/templates/captable.csv):
    /// every row is recorded, or none.
    Csv { file: PathBuf },
    /// An Open Cap Table Format v1.2.0 package (a zip or a folder) into a NEW book: give
    /// --book a file that does not exist yet. Every object is recorded, or no book is made.
    Ocf { path: PathBuf },
    /// A Monte Carlo scenario file (TOML or JSON), checked as `simulate` checks it and kept in
    /// the book under a name.
    Scenario {
        file: PathBuf,
        /// The name to keep it under (default: the file's name without its extension).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum TableArg {
    /// The cap table as of a date (--by holder or class).
    Captable,
    /// Each holder's shares per class as of a date.
    Holdings,
    /// SAFEs and notes outstanding as of a date.
    Convertibles,
    Journal,
    Rounds,
    /// Each investor's shares in each round.
    Participations,
    Stakeholders,
    /// The compute plan's monthly projection.
    Compute,
    /// Stored Monte Carlo runs: headline probabilities and means.
    SimulationRuns,
    /// Stored Monte Carlo runs: percentile fans per measure and month.
    SimulationFans,
}

#[derive(Args)]
pub struct ExportCsvArgs {
    pub table: TableArg,
    /// The file to write, or - for standard output.
    #[arg(long)]
    pub out: PathBuf,
    /// The cap table's date (default: today); for the journal, only entries effective by then.
    #[arg(long)]
    pub as_of: Option<String>,
    /// The cap table by holder or by class.
    #[arg(long, value_enum, default_value = "holder")]
    pub by: ByArg,
    #[command(flatten)]
    pub projection: ProjectionRange,
}

#[derive(Args)]
pub struct ExportXlsxArgs {
    #[arg(long)]
    pub out: PathBuf,
    /// The cap table's date (default: today). The journal sheet holds every entry.
    #[arg(long)]
    pub as_of: Option<String>,
    #[command(flatten)]
    pub projection: ProjectionRange,
}

#[derive(Args)]
pub struct ProjectionRange {
    /// Months of the compute projection.
    #[arg(long, default_value = "36")]
    pub months: String,
    /// The projection's first month (YYYY-MM; default: the cash month).
    #[arg(long)]
    pub from: Option<String>,
}

pub fn export(book: &Path, c: ExportCmd, json: bool, out: &mut String) -> CliResult {
    match c {
        ExportCmd::Csv(a) => export_csv(book, a, json, out),
        ExportCmd::Xlsx(a) => export_xlsx(book, a, json, out),
        ExportCmd::Ocf { out: file, as_of } => export_ocf(book, &file, as_of, json, out),
        ExportCmd::Pdf {
            out: file,
            as_of,
            projection,
        } => export_pdf(book, &file, as_of, &projection, json, out),
    }
}

pub fn import(book: &Path, c: ImportCmd, json: bool, out: &mut String) -> CliResult {
    match c {
        ImportCmd::Csv { file } => import_csv(book, &file, json, out),
        ImportCmd::Ocf { path } => import_ocf(book, &path, json, out),
        ImportCmd::Scenario { file, name } => import_scenario(book, &file, name, json, out),
    }
}

fn as_of_or_today(s: Option<&str>) -> Result<NaiveDate, LedgerError> {
    s.map_or_else(|| Ok(Utc::now().date_naive()), |s| date("as_of", s))
}

fn cap_table_book(
    store: &Store,
    as_of: NaiveDate,
) -> CliResult<(Book, roundbook_ledger::CapTable)> {
    let b = store.load_as_of(as_of)?;
    let t = b.cap_table(as_of, &b.default_rounding())?;
    Ok((b, t))
}

fn projection_months(r: &ProjectionRange) -> CliResult<(Option<NaiveDate>, u32)> {
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

fn projection_table(store: &Store, r: &ProjectionRange) -> CliResult<Table> {
    let (from, months) = projection_months(r)?;
    let cb = store.load_compute()?;
    let p = roundbook_compute::projection(&cb.plan, from, months)?;
    Ok(tables::compute_projection(&p))
}

fn stored_runs(store: &Store) -> CliResult<Vec<StoredRun>> {
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

fn one_table(store: &Store, a: &ExportCsvArgs) -> CliResult<Table> {
    let as_of = || as_of_or_today(a.as_of.as_deref());
    Ok(match a.table {
        TableArg::Captable => {
            let (b, t) = cap_table_book(store, as_of()?)?;
            match a.by {
                ByArg::Holder => tables::cap_table_by_holder(&t, &b),
                ByArg::Class => tables::cap_table_by_class(&t, &b),
            }
        }
        TableArg::Holdings => tables::holdings(&cap_table_book(store, as_of()?)?.1),
        TableArg::Convertibles => tables::convertibles(&cap_table_book(store, as_of()?)?.1),
        TableArg::Journal => {
            let limit = a.as_of.as_deref().map(|s| date("as_of", s)).transpose()?;
            tables::journal(&store.load()?, limit)
        }
        TableArg::Rounds => tables::rounds(&store.load()?),
        TableArg::Participations => tables::participations(&store.load()?),
        TableArg::Stakeholders => tables::stakeholders(&store.load()?),
        TableArg::Compute => projection_table(store, &a.projection)?,
        TableArg::SimulationRuns => tables::simulation_runs(&stored_runs(store)?),
        TableArg::SimulationFans => tables::simulation_fans(&stored_runs(store)?),
    })
}

fn export_csv(book: &Path, a: ExportCsvArgs, json: bool, out: &mut String) -> CliResult {
    let store = Store::open(book)?;
    let table = one_table(&store, &a)?;
    let text = to_csv(&table);
    if a.out.as_os_str() == "-" {
        out.push_str(&text);
        return Ok(());
    }
    write_file(&a.out, text.as_bytes())?;
    report(out, json, &a.out, &[(&table.name, table.rows.len())]);
    Ok(())
}

fn export_xlsx(book: &Path, a: ExportXlsxArgs, json: bool, out: &mut String) -> CliResult {
    let store = Store::open(book)?;
    let as_of = as_of_or_today(a.as_of.as_deref())?;
    let (b, t) = cap_table_book(&store, as_of)?;
    let whole = store.load()?;
    let mut sheets = vec![
        tables::about(&b, as_of),
        tables::cap_table_by_holder(&t, &b),
        tables::cap_table_by_class(&t, &b),
        tables::holdings(&t),
        tables::convertibles(&t),
        tables::journal(&whole, None),
        tables::rounds(&whole),
        tables::participations(&whole),
        tables::stakeholders(&whole),
    ];
    // A book without a compute plan has no projection: the workbook says so on its about sheet.
    match projection_table(&store, &a.projection) {
        Ok(p) => sheets.push(p),
        Err(e) => sheets[0].push(vec![
            roundbook_export::Cell::text("Compute projection"),
            roundbook_export::Cell::text(format!("not exported: {}", e.message)),
        ]),
    }
    let runs = stored_runs(&store)?;
    sheets.push(tables::simulation_runs(&runs));
    sheets.push(tables::simulation_fans(&runs));
    let bytes = workbook(&sheets, b.company.currency.as_str()).map_err(|e| CliError {
        code: "export",
        field: None,
        message: format!("{}: {e}", a.out.display()),
    })?;
    write_file(&a.out, &bytes)?;
    let counts: Vec<(&str, usize)> = sheets
        .iter()
        .map(|s| (s.name.as_str(), s.rows.len()))
        .collect();
    report(out, json, &a.out, &counts);
    Ok(())
}

fn report(out: &mut String, json: bool, path: &Path, tables: &[(&str, usize)]) {
    if json {
        let sheets: Vec<serde_json::Value> = tables
            .iter()
            .map(|(name, rows)| serde_json::json!({"table": name, "rows": rows}))
            .collect();
        let v = serde_json::json!({"file": path.display().to_string(), "tables": sheets});
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        );
        return;
    }
    let list: Vec<String> = tables
        .iter()
        .map(|(n, r)| format!("{n} ({r} rows)"))
        .collect();
    let _ = writeln!(out, "Wrote {}: {}.", path.display(), list.join(", "));
}

fn wrote(out: &mut String, json: bool, path: &Path, what: &str) {
    if json {
        let v = serde_json::json!({"file": path.display().to_string(), "what": what});
        let _ = writeln!(out, "{v}");
    } else {
        let _ = writeln!(out, "Wrote {}: {what}.", path.display());
    }
}

/// Writes beside the target, then renames: the target is either the old file or the whole new one.
fn write_file(path: &Path, bytes: &[u8]) -> CliResult {
    let name = path.file_name().ok_or_else(|| {
        CliError::usage("out", format!("'{}' is not a file name", path.display()))
    })?;
    let partial = path.with_file_name(format!(
        ".{}.partial-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::write(&partial, bytes).and_then(|()| std::fs::rename(&partial, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(CliError::io(path, e));
    }
    Ok(())
}

fn import_csv(book: &Path, file: &Path, json: bool, out: &mut String) -> CliResult {
    let name = file.display().to_string();
    let bytes = std::fs::read(file).map_err(|e| CliError::io(file, e))?;
    // The file is read and checked before the book is opened.
    let rows = read_captable_csv(&name, &bytes)?;
    let mut store = Store::open(book)?;
    let summary = store.transact(|b| apply(b, &name, &rows))?;
    if json {
        let v = serde_json::json!({
            "file": name, "issuances": summary.issuances,
            "new_holders": summary.new_holders, "new_classes": summary.new_classes,
        });
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        );
        return Ok(());
    }
    let _ = writeln!(
        out,
        "Recorded {} issuances from {name} in one transaction ({} new holders, {} new classes).",
        summary.issuances,
        summary.new_holders.len(),
        summary.new_classes.len()
    );
    Ok(())
}

fn scenario_error(file: &Path, path: &str, message: &str) -> CliError {
    CliError {
        code: "invalid",
        field: Some("scenario"),
        message: format!("{}: {path}: {message}", file.display()),
    }
}

fn import_scenario(
    book: &Path,
    file: &Path,
    name: Option<String>,
    json: bool,
    out: &mut String,
) -> CliResult {
    let text = std::fs::read_to_string(file).map_err(|e| CliError::io(file, e))?;
    let scenario = Scenario::parse(&text).map_err(|e| scenario_error(file, &e.path, &e.message))?;
    scenario
        .validate()
        .map_err(|e| scenario_error(file, &e.path, &e.message))?;
    let name = name.unwrap_or_else(|| {
        file.file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
    });
    let sha: String = Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut store = Store::open(book)?;
    let done = store.import_scenario(&name, &text, &sha, Some(&file.display().to_string()))?;
    if json {
        let v = serde_json::json!({"name": name.trim(), "scenario_sha256": sha, "new_text": done.new_text});
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        );
        return Ok(());
    }
    let _ = writeln!(
        out,
        "Imported scenario '{}' from {} (sha256 {}{}).",
        name.trim(),
        file.display(),
        &sha[..12],
        if done.new_text {
            ""
        } else {
            ", a text already in the book"
        }
    );
    Ok(())
}

fn ocf_error(e: roundbook_ocf::OcfError) -> CliError {
    CliError {
        code: e.kind.code(),
        field: Some("ocf"),
        message: e.to_string(),
    }
}

fn export_ocf(
    book: &Path,
    file: &Path,
    as_of: Option<String>,
    json: bool,
    out: &mut String,
) -> CliResult {
    let b = Store::open(book)?.load()?;
    let mut options = roundbook_ocf::ExportOptions::new(Utc::now());
    options.as_of = as_of.as_deref().map(|s| date("as_of", s)).transpose()?;
    let pkg = roundbook_ocf::export_package(&b, &options).map_err(ocf_error)?;
    let bytes = pkg.to_zip_bytes().map_err(ocf_error)?;
    write_file(file, &bytes)?;
    wrote(
        out,
        json,
        file,
        &format!("OCF v1.2.0 package, {} files", pkg.files().len()),
    );
    Ok(())
}

/// The package is imported into a book in memory first, so a bad object is found before
/// any file exists; then into the new file in one transaction, which is removed on failure.
fn import_ocf(book: &Path, path: &Path, json: bool, out: &mut String) -> CliResult {
    if book.exists() {
        return Err(CliError::usage(
            "book",
            format!(
                "{} exists; an OCF package is imported into a new book (give --book NEW)",
                book.display()
            ),
        ));
    }
    let pkg = roundbook_ocf::Package::read(path).map_err(ocf_error)?;
    let company = roundbook_ocf::company_from(&pkg).map_err(ocf_error)?;
    let mut trial = Book::new(company.clone())?;
    let summary = roundbook_ocf::import_into(&mut trial, &pkg).map_err(ocf_error)?;
    let written = (|| -> CliResult {
        let mut store = Store::create(book, &company)?;
        store.transact(|b| {
            roundbook_ocf::import_into(b, &pkg)
                .map(|_| ())
                .map_err(|e| LedgerError::invalid("ocf", e.to_string()))
        })?;
        Ok(())
    })();
    if let Err(e) = written {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", book.display()));
        }
        return Err(e);
    }
    if json {
        let v = serde_json::json!({
            "book": book.display().to_string(), "stakeholders": summary.stakeholders,
            "classes": summary.classes, "plans": summary.plans, "valuations": summary.valuations,
            "transactions": summary.transactions, "entries": summary.entries, "not_kept": summary.not_kept,
        });
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        );
        return Ok(());
    }
    let _ = writeln!(
        out,
        "Imported {} into {}: {} stakeholders, {} classes, {} plans, {} journal entries.",
        path.display(),
        book.display(),
        summary.stakeholders,
        summary.classes,
        summary.plans,
        summary.entries
    );
    for line in &summary.not_kept {
        let _ = writeln!(out, "  not kept: {line}");
    }
    Ok(())
}

fn export_pdf(
    book: &Path,
    file: &Path,
    as_of: Option<String>,
    range: &ProjectionRange,
    json: bool,
    out: &mut String,
) -> CliResult {
    let store = Store::open(book)?;
    let as_of = as_of_or_today(as_of.as_deref())?;
    let b = store.load_as_of(as_of)?;
    let cb = store.load_compute()?;
    // A book without compute terms has no projection: the report leaves the section out.
    let projection = projection_months(range)
        .ok()
        .and_then(|(from, months)| roundbook_compute::projection(&cb.plan, from, months).ok());
    let run = store.runs()?.pop().map(|r| {
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
    });
    let run = run.transpose().map_err(report_error)?;
    let mut input = roundbook_report::ReportInput::new(&b, as_of);
    input.compute = projection.as_ref().map(|p| roundbook_report::ComputeInput {
        plan: &cb.plan,
        projection: p,
    });
    input.run = run.as_ref();
    let bytes = roundbook_report::board_report(&input).map_err(report_error)?;
    write_file(file, &bytes)?;
    wrote(out, json, file, "board report");
    Ok(())
}

fn report_error(e: roundbook_report::ReportError) -> CliError {
    match e {
        roundbook_report::ReportError::Ledger(l) => l.into(),
        other => CliError {
            code: "report",
            field: None,
            message: other.to_string(),
        },
    }
}
