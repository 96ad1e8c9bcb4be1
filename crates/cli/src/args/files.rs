//! The arguments of `roundbook export ...` and `roundbook import ...` (docs/import-export.md).

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Subcommand};
use roundbook_application::tables::{CapTableBy, CapTableShares, TableChoice};

use super::{cap_table_by, cap_table_shares};

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

/// The read model's table names, each with its help, as clap's possible values.
fn table_choice() -> impl TypedValueParser<Value = TableChoice> {
    let names = TableChoice::ALL.map(|t| PossibleValue::new(t.name()).help(t.help()));
    PossibleValuesParser::new(names)
        .map(|name| TableChoice::from_name(&name).expect("clap passes only the names listed"))
}

#[derive(Args)]
pub struct ExportCsvArgs {
    #[arg(value_parser = table_choice())]
    pub table: TableChoice,
    /// The file to write, or - for standard output.
    #[arg(long)]
    pub out: PathBuf,
    /// The cap table's date (default: today); for the journal, only entries effective by then.
    #[arg(long)]
    pub as_of: Option<String>,
    /// The cap table by holder or by class.
    #[arg(long, value_parser = cap_table_by(), default_value = "holder")]
    pub by: CapTableBy,
    /// What the cap table counts: every column (fully-diluted) or the shares issued only.
    #[arg(long, value_parser = cap_table_shares(), default_value = "fully-diluted")]
    pub shares: CapTableShares,
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
