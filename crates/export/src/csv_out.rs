//! CSV out: RFC 4180 (comma, CRLF, double quotes where needed), UTF-8, no BOM.
//! Numbers are written as exact decimal strings; text that a spreadsheet would run as
//! a formula is neutralised (OWASP, "CSV Injection").

use rust_decimal::Decimal;

use crate::table::{Cell, Kind, Table};

/// The characters that make a spreadsheet treat a cell as a formula (OWASP's list).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell as it is safe to write: with a leading single quote when it begins like a
/// formula. Text that is a plain number ("-5") is harmless as a number and stays as it is.
pub fn neutralise(text: &str) -> String {
    let starts_like_formula = text.starts_with(FORMULA_START);
    if starts_like_formula && !is_plain_number(text) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn is_plain_number(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    !body.is_empty()
        && body.chars().all(|c| c.is_ascii_digit() || c == '.')
        && body.chars().filter(|&c| c == '.').count() <= 1
        && body.chars().any(|c| c.is_ascii_digit())
}

/// A decimal with at least `places` decimal places: zeros are added, nothing is rounded.
pub fn decimal_text(d: Decimal, places: u32) -> String {
    // Padding the text, not rescaling the number: a decimal near the 28-digit limit
    // cannot be rescaled, and its text is exact anyway.
    let mut s = d.to_string();
    if d.scale() < places {
        if d.scale() == 0 {
            s.push('.');
        }
        s.extend(std::iter::repeat_n('0', (places - d.scale()) as usize));
    }
    s
}

/// One cell as CSV text (before quoting).
pub fn cell_text(cell: &Cell, kind: Kind) -> String {
    match (cell, kind) {
        (Cell::Empty, _) => String::new(),
        (Cell::Text(t), _) => neutralise(t),
        (Cell::Integer(n), _) => n.to_string(),
        (Cell::Decimal(d), Kind::Money { decimals }) => decimal_text(*d, decimals),
        (Cell::Decimal(d), _) => d.to_string(),
        (Cell::Date(d), _) => d.format("%Y-%m-%d").to_string(),
    }
}

/// The table as CSV: a header line, the rows, and the totals row if the table has one.
pub fn to_csv(table: &Table) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(vec![]);
    let kinds: Vec<Kind> = table.columns.iter().map(|c| c.kind).collect();
    let header: Vec<String> = table
        .columns
        .iter()
        .map(|c| neutralise(&c.header))
        .collect();
    let totals = table.totals();
    let rows = table.rows.iter().chain(totals.as_ref());
    // Writing to memory cannot fail.
    let _ = w.write_record(&header);
    for row in rows {
        let _ = w.write_record(row.iter().zip(&kinds).map(|(c, k)| cell_text(c, *k)));
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}
