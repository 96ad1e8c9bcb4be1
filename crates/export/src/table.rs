//! The one table model every export writes: typed columns, typed cells, and the
//! few spreadsheet formulas a finance user expects (a totals row, a share of a total).
//!
//! Values are exact: money and percentages are `Decimal`, shares are integers. Only the
//! XLSX writer turns numbers into the doubles a spreadsheet stores.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// What a column holds, and so how it is written and formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
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
    /// A statistic of a simulation (an estimate, not a booked figure): general format.
    Number,
}

/// How the totals row treats a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    /// Left blank.
    Blank,
    /// The sum of the column (a SUM formula in a workbook).
    Sum,
}

/// Whether a column's value is a formula over other cells of its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Derived {
    /// A value as the book states it.
    Stated,
    /// This row's value in column `of` over that column's total, as a percentage.
    ShareOfTotal { of: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub header: String,
    pub kind: Kind,
    pub total: Total,
    pub derived: Derived,
}

impl Column {
    pub fn new(header: &str, kind: Kind) -> Column {
        Column {
            header: header.to_string(),
            kind,
            total: Total::Blank,
            derived: Derived::Stated,
        }
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

#[derive(Debug, Clone, PartialEq, Eq)]
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
                | (Cell::Text(_), Kind::Text)
                | (Cell::Integer(_), Kind::Shares | Kind::Integer)
                | (
                    Cell::Decimal(_),
                    Kind::Money { .. } | Kind::Percent | Kind::Number
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

/// A table with a name (the CSV file's and the sheet's), columns and rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Short and stable: the CLI's table name and the workbook's sheet name.
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(name: &str, columns: Vec<Column>) -> Table {
        Table {
            name: name.to_string(),
            columns,
            rows: vec![],
        }
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

    /// Whether the table has a totals row.
    pub fn has_totals(&self) -> bool {
        self.columns.iter().any(|c| c.total == Total::Sum)
    }

    /// The exact sum of a column's numbers.
    pub fn column_sum(&self, col: usize) -> Decimal {
        self.rows
            .iter()
            .filter_map(|r| r[col].number())
            .fold(Decimal::ZERO, |a, b| a + b)
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
            .map(|(i, c)| match (i, c.total, c.kind) {
                (_, Total::Sum, Kind::Shares) => {
                    Cell::Integer(u64::try_from(self.column_sum(i)).unwrap_or(u64::MAX))
                }
                (_, Total::Sum, _) => Cell::Decimal(self.column_sum(i)),
                (0, Total::Blank, _) => Cell::text("Total"),
                _ => Cell::Empty,
            })
            .collect();
        Some(row)
    }
}
