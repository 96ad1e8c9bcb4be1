//! The one table model every export writes: typed columns, typed cells, and the
//! few spreadsheet formulas a finance user expects (a totals row, a share of a total).
//!
//! Values are exact: money and percentages are `Decimal`, shares are integers. Only the
//! XLSX writer turns numbers into the doubles a spreadsheet stores.

use chrono::NaiveDate;
use roundbook_ledger::Currency;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use ts_rs::TS;

/// What a column holds, and so how it is written and formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Kind {
    Text,
    /// Where a row's figures come from: `recorded`, `public` or `illustrative` (a round may say
    /// "public terms, illustrative price"). Text in a file; a reader's surface marks it.
    Basis,
    /// Whole shares (or options, or any count): `#,##0`.
    Shares,
    /// A whole number that is a name, not a quantity (an entry number, a seed): `0`.
    Integer,
    /// Money in the book's currency, shown with at least `decimals` places.
    Money {
        decimals: u32,
    },
    /// A percentage as a number of percent (25 means 25%), as the ledger states it.
    Percent,
    Date,
    /// A plain number (a seniority, a conversion ratio): general format.
    Number,
    /// A statistic of a simulation (an estimate, not a booked figure): general format in a
    /// spreadsheet; a reader sees four decimals, or four significant ones past 100,000.
    Estimate,
}

/// How the totals row treats a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Total {
    /// Left blank.
    Blank,
    /// The sum of the column (a SUM formula in a workbook).
    Sum,
}

/// Whether a column's value is a formula over other cells of its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Derived {
    /// A value as the book states it.
    Stated,
    /// This row's value in column `of` over that column's total, as a percentage.
    ShareOfTotal { of: usize },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Column {
    pub header: String,
    pub kind: Kind,
    pub total: Total,
    pub derived: Derived,
    /// Free text of any length (a note): a page prints it under the table, numbered, rather
    /// than in a cell; a text table and a spreadsheet keep it as a column.
    pub note: bool,
    /// A field a spreadsheet filters and sums on, which the row's description already says in
    /// words (the journal's holder, class, shares): CSV, XLSX and JSON carry it; a text table,
    /// the app and a page leave it out. Declared here, so no surface decides it on its own.
    pub detail: bool,
}

impl Column {
    pub fn new(header: &str, kind: Kind) -> Column {
        Column {
            header: header.to_string(),
            kind,
            total: Total::Blank,
            derived: Derived::Stated,
            note: false,
            detail: false,
        }
    }
    /// The column is a spreadsheet's field; readers see it in the row's description.
    pub fn detail(mut self) -> Column {
        self.detail = true;
        self
    }
    /// The column is free text a page prints under the table.
    pub fn note(mut self) -> Column {
        self.note = true;
        self
    }
    /// The column is summed in the totals row.
    pub fn summed(mut self) -> Column {
        self.total = Total::Sum;
        self
    }
    /// The column is `of`'s share of its total (and sums to 100% in the totals row).
    pub fn share_of(mut self, of: usize) -> Column {
        self.derived = Derived::ShareOfTotal { of };
        self.total = Total::Sum;
        self
    }
}

/// A value, exact. In JSON: text and dates as strings, whole numbers as numbers, decimals as
/// decimal strings (never a float), an empty cell as null.
#[derive(Debug, Clone, PartialEq, Eq, TS)]
#[ts(type = "string | number | null")]
pub enum Cell {
    Empty,
    Text(String),
    Integer(u64),
    Decimal(Decimal),
    Date(NaiveDate),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
    pub fn opt_text(s: Option<impl Into<String>>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.into()))
    }
    pub fn opt_decimal(d: Option<Decimal>) -> Cell {
        d.map_or(Cell::Empty, Cell::Decimal)
    }

    /// Whether the cell may stand in a column of this kind (an empty cell fits any).
    pub fn fits(&self, kind: Kind) -> bool {
        matches!(
            (self, kind),
            (Cell::Empty, _)
                | (Cell::Text(_), Kind::Text | Kind::Basis)
                | (Cell::Integer(_), Kind::Shares | Kind::Integer)
                | (
                    Cell::Decimal(_),
                    Kind::Money { .. } | Kind::Percent | Kind::Number | Kind::Estimate
                )
                | (Cell::Date(_), Kind::Date)
        )
    }

    /// The exact value of a numeric cell.
    pub fn number(&self) -> Option<Decimal> {
        match self {
            Cell::Integer(n) => Some(Decimal::from(*n)),
            Cell::Decimal(d) => Some(*d),
            _ => None,
        }
    }
}

impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Empty => s.serialize_none(),
            Cell::Text(t) => s.serialize_str(t),
            Cell::Integer(n) => s.serialize_u64(*n),
            Cell::Decimal(d) => s.serialize_str(&d.to_string()),
            Cell::Date(d) => s.serialize_str(&d.to_string()),
        }
    }
}

/// A table with a name (the CSV file's and the sheet's), columns and rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Table {
    /// Short and stable: the CLI's table name and the workbook's sheet name.
    pub name: String,
    /// The currency of its money columns, where the renderer shows one ("$1,000.00").
    #[ts(type = "string | null")]
    pub currency: Option<Currency>,
    /// The date its figures stand on, where they depend on one (a cap table, the plans).
    #[ts(type = "string | null")]
    pub as_of: Option<NaiveDate>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(name: &str, columns: Vec<Column>) -> Table {
        Table {
            name: name.to_string(),
            currency: None,
            as_of: None,
            columns,
            rows: vec![],
        }
    }

    /// The date its figures stand on.
    pub fn on(mut self, day: NaiveDate) -> Table {
        self.as_of = Some(day);
        self
    }

    /// The currency its money columns are in.
    pub fn in_currency(mut self, currency: Currency) -> Table {
        self.currency = Some(currency);
        self
    }

    /// Adds a row. A builder that gives a row of the wrong width or a cell of the wrong
    /// kind has a bug, and says so at once rather than writing a misaligned file.
    pub fn push(&mut self, row: Vec<Cell>) {
        assert_eq!(
            row.len(),
            self.columns.len(),
            "table {}: a row of {} cells for {} columns",
            self.name,
            row.len(),
            self.columns.len()
        );
        for (cell, col) in row.iter().zip(&self.columns) {
            assert!(
                cell.fits(col.kind),
                "table {}: column {} ({:?}) given {cell:?}",
                self.name,
                col.header,
                col.kind
            );
        }
        self.rows.push(row);
    }

    /// The column with this header.
    pub fn column(&self, header: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.header == header)
    }

    /// Whether the table has a totals row.
    pub fn has_totals(&self) -> bool {
        self.columns.iter().any(|c| c.total == Total::Sum)
    }

    /// The exact sum of a column's numbers; None when it is past what a decimal holds (about
    /// 7.9e28), which a book of accepted entries can reach (eight prices of 1e28 - 1).
    pub fn column_sum(&self, col: usize) -> Option<Decimal> {
        exact_sum(self.rows.iter().filter_map(|r| r[col].number()))
    }

    /// The totals row: "Total" in the first column, sums where asked, blank elsewhere.
    pub fn totals(&self) -> Option<Vec<Cell>> {
        if !self.has_totals() {
            return None;
        }
        let row = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| match (i, c.total, c.kind, c.derived) {
                // The whole is all of itself: 100% exactly, not the sum of rounded shares.
                (_, Total::Sum, _, Derived::ShareOfTotal { of }) => match self.column_sum(of) {
                    Some(s) if s.is_zero() => Cell::Decimal(Decimal::ZERO),
                    _ => Cell::Decimal(Decimal::ONE_HUNDRED),
                },
                // A total too large to state exactly is left blank rather than wrong.
                (_, Total::Sum, Kind::Shares, _) => self
                    .column_sum(i)
                    .and_then(|s| u64::try_from(s).ok())
                    .map_or(Cell::Empty, Cell::Integer),
                (_, Total::Sum, _, _) => Cell::opt_decimal(self.column_sum(i)),
                (0, Total::Blank, _, _) => Cell::text("Total"),
                _ => Cell::Empty,
            })
            .collect();
        Some(row)
    }
}

impl Table {
    /// The `n` rows largest in `column` (a numeric column), largest first, and one row that
    /// sums the rest under `rest` ("Other holders (3)"): a page's "top holders". The totals
    /// row is unchanged, since every row is still counted in it.
    pub fn keep_largest(mut self, n: usize, column: usize, rest: &str) -> Table {
        let size = |r: &Vec<Cell>| r[column].number().unwrap_or(Decimal::ZERO);
        self.rows.sort_by_key(|r| std::cmp::Reverse(size(r)));
        if self.rows.len() <= n {
            return self;
        }
        let others = self.rows.split_off(n);
        let mut row: Vec<Cell> = self
            .columns
            .iter()
            .enumerate()
            .map(|(c, col)| {
                let cells = others.iter().map(|r| &r[c]);
                match (col.total, col.kind) {
                    // Blank where none of the rest holds a figure (no class, no options).
                    _ if cells.clone().all(|x| *x == Cell::Empty) => Cell::Empty,
                    (Total::Sum, Kind::Shares) => exact_sum(cells.filter_map(Cell::number))
                        .and_then(|s| u64::try_from(s).ok())
                        .map_or(Cell::Empty, Cell::Integer),
                    (Total::Sum, _) => Cell::opt_decimal(exact_sum(cells.filter_map(Cell::number))),
                    _ => Cell::Empty,
                }
            })
            .collect();
        row[0] = Cell::text(format!("{rest} ({})", others.len()));
        self.push(row);
        self
    }
}

/// The exact sum, or None past a decimal's range.
fn exact_sum(mut values: impl Iterator<Item = Decimal>) -> Option<Decimal> {
    values.try_fold(Decimal::ZERO, |a, b| a.checked_add(b))
}

/// A table as a reader's surface receives it (the app's page, `--json`): the table, and its
/// totals row as the table computes it from its rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TableView {
    #[serde(flatten)]
    #[ts(flatten)]
    pub table: Table,
    pub totals: Option<Vec<Cell>>,
}

impl From<Table> for TableView {
    fn from(table: Table) -> TableView {
        let totals = table.totals();
        TableView { table, totals }
    }
}

/// A table as a reader's surface lays it out (the command line's text, the app, a page): the
/// grid's columns (a header, and whether it reads as a number, right-aligned), its rows and totals
/// as text, and the notes printed under it. Detail fields are left to the exports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    pub columns: Vec<(String, bool)>,
    pub rows: Vec<Vec<String>>,
    pub totals: Option<Vec<String>>,
    /// Each note labelled by its row's first text cell: "Series B: Public: announced ...".
    pub notes: Vec<String>,
}

impl Table {
    /// Whether a Basis column says any row is public or illustrative: a reader's surface then
    /// explains the words.
    pub fn labelled(&self) -> bool {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == Kind::Basis)
            .any(|(c, _)| {
                self.rows.iter().any(|r| match &r[c] {
                    Cell::Text(t) => t != roundbook_ledger::Provenance::Recorded.name(),
                    _ => false,
                })
            })
    }

    pub fn grid(&self) -> Grid {
        let shown: Vec<usize> = (0..self.columns.len())
            .filter(|&c| !self.columns[c].detail && !self.columns[c].note)
            .collect();
        let line = |cells: &[Cell]| -> Vec<String> {
            shown
                .iter()
                .map(|&c| self.cell_text(&cells[c], c))
                .collect()
        };
        let label = self
            .columns
            .iter()
            .position(|c| c.kind == Kind::Text && !c.note && !c.detail);
        let mut notes = vec![];
        for (r, row) in self.rows.iter().enumerate() {
            for c in (0..self.columns.len()).filter(|&c| self.columns[c].note) {
                let text = self.cell_text(&row[c], c);
                if text.is_empty() {
                    continue;
                }
                match label.map(|l| self.text(r, l)).filter(|l| !l.is_empty()) {
                    Some(l) => notes.push(format!("{l}: {text}")),
                    None => notes.push(text),
                }
            }
        }
        Grid {
            columns: shown
                .iter()
                .map(|&c| {
                    (
                        self.columns[c].header.clone(),
                        self.columns[c].kind.is_numeric(),
                    )
                })
                .collect(),
            rows: self.rows.iter().map(|r| line(r)).collect(),
            totals: self.totals().map(|t| line(&t)),
            notes,
        }
    }
}

impl Kind {
    /// Numbers are read right-aligned.
    pub fn is_numeric(self) -> bool {
        !matches!(self, Kind::Text | Kind::Basis | Kind::Date)
    }
}

/// A simulation statistic as a reader takes it in: four decimals (a probability, a mean count),
/// or four significant decimals of a power of ten past 100,000 (7.2344e10), as the figures are
/// estimates whose later digits are noise. The exports keep every digit.
fn estimate(d: Decimal) -> String {
    use rust_decimal::prelude::ToPrimitive;
    if d.abs() < Decimal::from(100_000) {
        let mut r =
            d.round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointNearestEven);
        r.rescale(4);
        return r.to_string();
    }
    format!("{:.4e}", d.to_f64().unwrap_or(f64::NAN))
}

impl Table {
    /// A cell as a reader sees it in a text table or on a page: shares and money grouped by
    /// thousands, money in the table's currency with at least its column's decimals (more where
    /// the value has them: a price keeps the decimals its rounding gave it), percentages to four
    /// decimals, dates as YYYY-MM-DD.
    pub fn text(&self, row: usize, column: usize) -> String {
        match self.rows.get(row).and_then(|r| r.get(column)) {
            Some(cell) => self.cell_text(cell, column),
            None => String::new(),
        }
    }

    /// A cell of this table's column as a reader sees it (see `text`).
    pub fn cell_text(&self, cell: &Cell, column: usize) -> String {
        let kind = self.columns[column].kind;
        match (cell, kind) {
            (Cell::Empty, _) => String::new(),
            (Cell::Text(t), _) => t.clone(),
            (Cell::Date(d), _) => d.to_string(),
            (Cell::Integer(n), Kind::Shares) => crate::words::shares(*n),
            (Cell::Integer(n), _) => n.to_string(),
            (Cell::Decimal(d), Kind::Money { decimals }) => {
                let mut d = *d;
                if d.scale() < decimals {
                    d.rescale(decimals);
                }
                match self.currency {
                    Some(c) => crate::words::money(&roundbook_ledger::Money::new(d, c)),
                    None => roundbook_ledger::money::group_thousands(&d.to_string()),
                }
            }
            (Cell::Decimal(d), Kind::Percent) => {
                let mut p = d
                    .round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointNearestEven);
                p.rescale(4);
                format!("{p}%")
            }
            (Cell::Decimal(d), Kind::Estimate) => estimate(*d),
            (Cell::Decimal(d), _) => d.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Five holders of a made-up cap table, with a class column only some of them fill.
    fn holders() -> Table {
        let mut t = Table::new(
            "captable",
            vec![
                Column::new("Holder", Kind::Text),
                Column::new("Series A", Kind::Shares).summed(),
                Column::new("Fully diluted", Kind::Shares).summed(),
                Column::new("% FD", Kind::Percent).share_of(2),
            ],
        );
        for (name, a, fd, pct) in [
            ("Ada", None, 500, "50"),
            ("Bo", Some(100), 100, "10"),
            ("Cy", None, 250, "25"),
            ("Di", None, 50, "5"),
            ("Ed", None, 100, "10"),
        ] {
            t.push(vec![
                Cell::text(name),
                a.map_or(Cell::Empty, Cell::Integer),
                Cell::Integer(fd),
                Cell::Decimal(pct.parse().unwrap()),
            ]);
        }
        t
    }

    #[test]
    fn the_largest_rows_are_kept_and_the_rest_summed_without_changing_the_totals() {
        let all = holders();
        let top = all.clone().keep_largest(2, 2, "Other holders");
        let names: Vec<String> = (0..top.rows.len()).map(|r| top.text(r, 0)).collect();
        assert_eq!(names, ["Ada", "Cy", "Other holders (3)"]);
        // Bo, Di and Ed: 250 shares, 25%; Bo's Series A is the only one in that column.
        assert_eq!(top.rows[2][1], Cell::Integer(100));
        assert_eq!(top.rows[2][2], Cell::Integer(250));
        assert_eq!(top.rows[2][3], Cell::Decimal(Decimal::from(25)));
        assert_eq!(top.totals(), all.totals());
        // The whole is 100% of itself.
        assert_eq!(top.text(0, 3), "50.0000%");
        assert_eq!(
            top.totals().unwrap()[3],
            Cell::Decimal(Decimal::ONE_HUNDRED)
        );
    }

    #[test]
    fn a_blank_column_among_the_rest_stays_blank() {
        let top = holders().keep_largest(1, 2, "Other holders");
        let only_ada = holders().keep_largest(4, 2, "Other holders");
        // Ed (100) sorts after Bo (100) as the table gave them; the rest is Di alone.
        assert_eq!(only_ada.text(4, 0), "Other holders (1)");
        assert_eq!(only_ada.rows[4][1], Cell::Empty);
        assert_eq!(top.rows[1][1], Cell::Integer(100));
    }

    #[test]
    fn a_simulated_estimate_reads_to_four_figures_and_exports_whole() {
        let mut t = Table::new("runs", vec![Column::new("Mean exit value", Kind::Estimate)]);
        for v in ["0.43081234", "164470000000.123", "-2.5", "99999.99999"] {
            t.push(vec![Cell::Decimal(v.parse().unwrap())]);
        }
        let shown: Vec<String> = (0..4).map(|r| t.text(r, 0)).collect();
        assert_eq!(shown, ["0.4308", "1.6447e11", "-2.5000", "100000.0000"]);
        // The cell itself keeps every digit, for the exports.
        assert_eq!(
            t.rows[1][0],
            Cell::Decimal("164470000000.123".parse().unwrap())
        );
    }

    #[test]
    fn a_table_is_labelled_when_a_basis_cell_says_public_or_illustrative() {
        let mut t = Table::new(
            "stakeholders",
            vec![
                Column::new("Name", Kind::Text),
                Column::new("Basis", Kind::Basis),
            ],
        );
        t.push(vec![Cell::text("Acme"), Cell::text("recorded")]);
        // A blank basis (a plan's row in the cap table) says nothing.
        t.push(vec![Cell::text("Available for grant"), Cell::Empty]);
        assert!(!t.labelled());
        t.push(vec![
            Cell::text("Valor Equity Partners"),
            Cell::text("illustrative"),
        ]);
        assert!(t.labelled());
        // Text that merely reads "illustrative" in another column is not a basis.
        let mut other = Table::new("notes", vec![Column::new("Note", Kind::Text)]);
        other.push(vec![Cell::text("illustrative")]);
        assert!(!other.labelled());
    }

    /// Eight prices of 1e28 - 1 were each accepted; their sum is past a decimal's range.
    #[test]
    fn a_total_past_a_decimals_range_is_blank_not_wrong() {
        let mut t = Table::new(
            "journal",
            vec![
                Column::new("Entry", Kind::Text),
                Column::new("Amount", Kind::Money { decimals: 2 }).summed(),
                Column::new("Shares", Kind::Shares).summed(),
            ],
        );
        for _ in 0..8 {
            t.push(vec![
                Cell::text("issue"),
                Cell::Decimal("9999999999999999999999999999".parse().unwrap()),
                Cell::Integer(u64::MAX / 4),
            ]);
        }
        assert_eq!(t.column_sum(1), None);
        let totals = t.totals().unwrap();
        assert_eq!(totals[1], Cell::Empty);
        // 8 x (u64::MAX / 4) is a decimal, but not a count of shares a u64 holds.
        assert_eq!(totals[2], Cell::Empty);
        assert_eq!(t.grid().totals.unwrap()[1], "");
    }
}
