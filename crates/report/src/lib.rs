//! The PDF board report: cover, cap table, rounds with a valuation chart, the last round's terms,
//! the exit waterfall at three exit values, the compute plan and runway, and the Monte Carlo fans
//! and probabilities when a run is given.
//!
//! A functional core: the caller loads the book, the compute plan and any stored run, fills a
//! [`ReportInput`], and gets the PDF's bytes from [`board_report`]. This crate reads and writes
//! no file; the font is compiled in (assets/fonts). Money is Decimal throughout; floats appear
//! only as chart coordinates and in the simulation's own statistics.

mod chart;
mod font;
pub mod format;
mod layout;
mod pdf;
mod run;
mod sections;

use chrono::NaiveDate;
use roundbook_compute::{Plan, Projection};
use roundbook_ledger::{Book, LedgerError};
use rust_decimal::Decimal;

pub use run::{MonteCarloRun, RunFan, RunSummary, CASH, MARK};

/// Everything the report shows, filled by the caller from the book.
pub struct ReportInput<'a> {
    /// The book, loaded with at least every entry effective on `as_of`.
    pub book: &'a Book,
    /// The date every view is taken on (cap table, rounds, waterfall).
    pub as_of: NaiveDate,
    pub exit_values: ExitValues,
    /// The compute plan and its projection; the section is left out when None.
    pub compute: Option<ComputeInput<'a>>,
    /// A stored Monte Carlo run; the section is left out when None.
    pub run: Option<&'a MonteCarloRun>,
    /// How many holders the cap table lists by name before "other holders".
    pub top_holders: usize,
    /// The hash of the journal's last entry in its chain (the store's), printed on the cover so
    /// a reader can tell later whether the journal behind the report was changed.
    pub chain_head: Option<String>,
}

impl<'a> ReportInput<'a> {
    /// A report on `book` as of `as_of`, with the usual exits (0.5x, 1x, 3x the last
    /// post-money), the top 10 holders, and no compute plan or run until they are set.
    pub fn new(book: &'a Book, as_of: NaiveDate) -> ReportInput<'a> {
        ReportInput {
            book,
            as_of,
            exit_values: ExitValues::default(),
            compute: None,
            run: None,
            top_holders: 10,
            chain_head: None,
        }
    }
}

/// The compute section's inputs.
#[derive(Clone, Copy)]
pub struct ComputeInput<'a> {
    pub plan: &'a Plan,
    pub projection: &'a Projection,
}

/// The three exit values the waterfall is shown at.
#[derive(Debug, Clone, PartialEq)]
pub enum ExitValues {
    /// Multiples of the post-money of the last round on or before the as-of date.
    MultiplesOfLastPostMoney([Decimal; 3]),
    /// Amounts in the book's currency.
    Amounts([Decimal; 3]),
}

impl Default for ExitValues {
    fn default() -> ExitValues {
        ExitValues::MultiplesOfLastPostMoney([Decimal::new(5, 1), Decimal::ONE, Decimal::from(3)])
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The book's own computation refused (a cap table or waterfall on this date).
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// A field of the input is unusable.
    #[error("{field}: {message}")]
    Input { field: String, message: String },
    /// The embedded font could not be read or subset (a build defect, not bad input).
    #[error("font: {0}")]
    Font(String),
}

impl ReportError {
    pub fn input(field: impl Into<String>, message: impl Into<String>) -> ReportError {
        ReportError::Input {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The board report as PDF bytes.
pub fn board_report(input: &ReportInput) -> Result<Vec<u8>, ReportError> {
    let fonts = font::Fonts::embedded()?;
    let laid_out = sections::lay_out(input, &fonts)?;
    pdf::write(&laid_out.pages, &fonts, &laid_out.title)
}

/// One table of the read model as PDF pages: laid out as the board report lays out its tables
/// (the rounds section is one), its notes under it.
pub fn table_pdf(
    table: &roundbook_application::tables::Table,
    title: &str,
) -> Result<Vec<u8>, ReportError> {
    let fonts = font::Fonts::embedded()?;
    let mut doc = layout::Doc::new(&fonts);
    doc.subheading(title);
    let (t, notes) = layout::Table::from_read_model(table);
    doc.table(&t);
    for note in &notes {
        doc.paragraph(note, layout::BODY_SIZE, layout::GREY);
    }
    pdf::write(&doc.pages, &fonts, title)
}

/// The laid-out pages (for tests that check the layout itself).
#[doc(hidden)]
pub fn layout_for_tests(input: &ReportInput) -> Result<LayoutSummary, ReportError> {
    let fonts = font::Fonts::embedded()?;
    let l = sections::lay_out(input, &fonts)?;
    Ok(LayoutSummary {
        pages: l.pages.len(),
        shortened: l.shortened,
        outside_page: l
            .pages
            .iter()
            .flat_map(|p| &p.items)
            .filter_map(|i| sections::outside_page(&fonts, i))
            .collect(),
    })
}

/// What the layout tests check.
#[doc(hidden)]
pub struct LayoutSummary {
    pub pages: usize,
    /// Text shortened with an ellipsis to fit its column.
    pub shortened: Vec<String>,
    /// Text that would run past the page margins.
    pub outside_page: Vec<String>,
}
