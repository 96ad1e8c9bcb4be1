//! XLSX out: a sheet per table, the header row frozen, number formats a finance user
//! expects, and formulas (totals as SUM, ownership as a share of the total) whose
//! cached results are the exact figures of the export.
//!
//! A spreadsheet keeps numbers as IEEE doubles (about 15 significant digits): values
//! are converted from their exact decimal text, and a formula's cached result is that
//! exact text. The CSV export is the exact copy.

use chrono::Datelike;
use rust_decimal::Decimal;
use rust_xlsxwriter::utility::row_col_to_cell;
use rust_xlsxwriter::{
    ExcelDateTime, Format, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};

use crate::table::{Cell, Derived, Kind, Table, Total};

#[derive(Debug, thiserror::Error)]
pub enum XlsxExportError {
    #[error("sheet {sheet}: {source}")]
    Sheet { sheet: String, source: XlsxError },
    #[error("the workbook: {0}")]
    Workbook(XlsxError),
}

/// The workbook of these tables, one sheet each, as the bytes of an .xlsx file.
pub fn workbook(tables: &[Table], currency: &str) -> Result<Vec<u8>, XlsxExportError> {
    let mut wb = Workbook::new();
    for t in tables {
        let sheet = wb.add_worksheet();
        write_sheet(sheet, t, currency).map_err(|source| XlsxExportError::Sheet {
            sheet: t.name.clone(),
            source,
        })?;
    }
    wb.save_to_buffer().map_err(XlsxExportError::Workbook)
}

/// The Excel number format of a column.
pub fn number_format(kind: Kind, currency: &str) -> &'static str {
    match kind {
        Kind::Text | Kind::Basis | Kind::Number | Kind::Estimate => "General",
        Kind::Shares => "#,##0",
        Kind::Integer => "0",
        Kind::Percent => "0.00%",
        Kind::Date => "yyyy-mm-dd",
        Kind::Money { decimals } => money_format(decimals, currency),
    }
}

fn money_format(decimals: u32, currency: &str) -> &'static str {
    // Formats are few and fixed; a static string per case keeps them in one place.
    match (currency, decimals) {
        ("USD", 0) => "$#,##0",
        ("USD", 1..=2) => "$#,##0.00",
        ("USD", _) => "$#,##0.00000",
        (_, 0) => "#,##0",
        (_, 1..=2) => "#,##0.00",
        _ => "#,##0.00000",
    }
}

/// The double a spreadsheet keeps for an exact decimal: the nearest one to its text.
pub fn to_double(d: Decimal) -> f64 {
    d.to_string().parse().unwrap_or(f64::NAN)
}

/// What a percent column's cell holds in a workbook: a fraction (0.25 shown as 25.00%).
fn percent_fraction(d: Decimal) -> Decimal {
    d / Decimal::ONE_HUNDRED
}

fn write_sheet(ws: &mut Worksheet, t: &Table, currency: &str) -> Result<(), XlsxError> {
    ws.set_name(sheet_name(&t.name))?;
    let header = Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin);
    for (c, col) in t.columns.iter().enumerate() {
        ws.write_string_with_format(0, col_num(c), &col.header, &header)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let formats: Vec<Format> = t
        .columns
        .iter()
        .map(|c| Format::new().set_num_format(number_format(c.kind, currency)))
        .collect();
    let n = t.rows.len() as u32;
    let totals_row = n + 1;
    // None where a column's sum is past a decimal's range: its formulas are written without a
    // cached result, and the spreadsheet computes them.
    let sums: Vec<Option<Decimal>> = (0..t.columns.len()).map(|c| t.column_sum(c)).collect();
    for (r, row) in t.rows.iter().enumerate() {
        let xr = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let col = &t.columns[c];
            match (col.derived, cell) {
                (Derived::ShareOfTotal { of }, Cell::Decimal(_)) => {
                    let part = t.rows[r][of].number().unwrap_or(Decimal::ZERO);
                    let exact = sums[of].map(|s| part.checked_div(s).unwrap_or(Decimal::ZERO));
                    let part_ref = row_col_to_cell(xr, col_num(of));
                    let total_ref = format!("{}${}", column_letters(of), totals_row + 1);
                    let f = Formula::new(format!("=IF({total_ref}=0,0,{part_ref}/{total_ref})"));
                    let f = match exact {
                        Some(x) => f.set_result(x.normalize().to_string()),
                        None => f,
                    };
                    ws.write_formula_with_format(xr, col_num(c), f, &formats[c])?;
                }
                _ => write_cell(ws, xr, col_num(c), cell, col.kind, &formats[c])?,
            }
        }
    }
    if t.has_totals() {
        let bold_formats: Vec<Format> = formats.iter().map(|f| f.clone().set_bold()).collect();
        for (c, col) in t.columns.iter().enumerate() {
            let f = &bold_formats[c];
            match col.total {
                Total::Sum if n > 0 => {
                    let cached = match col.derived {
                        Derived::ShareOfTotal { of } => sums[of].map(|s| {
                            t.rows
                                .iter()
                                .map(|r| {
                                    r[of]
                                        .number()
                                        .unwrap_or(Decimal::ZERO)
                                        .checked_div(s)
                                        .unwrap_or(Decimal::ZERO)
                                })
                                .fold(Decimal::ZERO, |a, b| a.saturating_add(b))
                        }),
                        Derived::Stated if col.kind == Kind::Percent => {
                            sums[c].map(percent_fraction)
                        }
                        Derived::Stated => sums[c],
                    };
                    let range = format!(
                        "{}:{}",
                        row_col_to_cell(1, col_num(c)),
                        row_col_to_cell(n, col_num(c))
                    );
                    let formula = Formula::new(format!("=SUM({range})"));
                    let formula = match cached {
                        Some(x) => formula.set_result(x.normalize().to_string()),
                        None => formula,
                    };
                    ws.write_formula_with_format(totals_row, col_num(c), formula, f)?;
                }
                Total::Sum => {
                    ws.write_number_with_format(totals_row, col_num(c), 0.0, f)?;
                }
                Total::Blank if c == 0 => {
                    ws.write_string_with_format(totals_row, 0, "Total", f)?;
                }
                Total::Blank => {}
            }
        }
    }
    ws.autofit();
    Ok(())
}

fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    kind: Kind,
    format: &Format,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        // A string cell is never evaluated, so no formula-injection guard is needed here.
        Cell::Text(s) => {
            ws.write_string_with_format(row, col, s, format)?;
        }
        Cell::Integer(v) => {
            ws.write_number_with_format(row, col, to_double(Decimal::from(*v)), format)?;
        }
        Cell::Decimal(d) => {
            let value = if kind == Kind::Percent {
                percent_fraction(*d)
            } else {
                *d
            };
            ws.write_number_with_format(row, col, to_double(value), format)?;
        }
        Cell::Date(d) => {
            let date = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            ws.write_date_with_format(row, col, &date, format)?;
        }
    }
    Ok(())
}

fn col_num(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

fn column_letters(c: usize) -> String {
    rust_xlsxwriter::utility::column_number_to_name(col_num(c))
}

/// Excel's sheet names: at most 31 characters, none of []:*?/\ .
pub fn sheet_name(name: &str) -> String {
    name.chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect()
}
