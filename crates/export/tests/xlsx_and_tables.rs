//! The builders on the xAI example book, and the workbook read back with calamine: sheets,
//! frozen-header layout, number formats' values, and formulas whose cached results are the
//! exported figures. The Series B terms are public: $6B raised at $18B pre-money, $24B
//! post-money, announced 2024-05-26 (xAI's announcement; assets/xai/SOURCES.md).

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use chrono::NaiveDate;
use roundbook_export::tables::{self, CapTableBy, CapTableShares};
use roundbook_export::xlsx::to_double;
use roundbook_export::{to_csv, workbook, Cell, Kind, Table};
use roundbook_ledger::{example, Book};
use rust_decimal::Decimal;

fn xai() -> Book {
    let mut b = Book::new(example::xai_company()).unwrap();
    example::populate_xai(&mut b).unwrap();
    b
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 1).unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn read(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).expect("the workbook opens")
}

fn number(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("expected a number, got {other:?}"),
    }
}

#[test]
fn series_b_terms_are_exported_to_the_cent() {
    let b = xai();
    let rounds = tables::rounds(&b, None);
    let csv = to_csv(&rounds);
    let line = csv.lines().find(|l| l.starts_with("2,Series B,")).unwrap();
    assert!(
        line.starts_with(
            "2,Series B,2024-05-26,Series B Preferred,18000000000.00,6000000000.00,24000000000.00,15.00000,"
        ),
        "{line}"
    );
    assert!(
        line.contains(",public terms, illustrative price,standing,")
            || line.contains(",\"public terms, illustrative price\",standing,"),
        "{line}"
    );
}

#[test]
fn cap_table_columns_add_up_to_the_ledgers_totals() {
    let b = xai();
    let ct = b.cap_table(as_of(), &b.default_rounding()).unwrap();
    for t in [
        tables::cap_table(&ct, &b, CapTableBy::Holder, CapTableShares::FullyDiluted),
        tables::cap_table(&ct, &b, CapTableBy::Class, CapTableShares::FullyDiluted),
    ] {
        let totals = t.totals().unwrap();
        let col = |h: &str| t.columns.iter().position(|c| c.header == h).unwrap();
        assert_eq!(
            totals[col("Fully diluted")],
            Cell::Integer(ct.totals.fully_diluted),
            "{}",
            t.name
        );
        let outstanding = if t.name == "captable" {
            "Outstanding"
        } else {
            "As converted"
        };
        assert_eq!(
            totals[col(outstanding)],
            Cell::Integer(ct.totals.outstanding)
        );
        // The whole is 100% of itself, exactly.
        assert_eq!(totals[col("% FD")], Cell::Decimal(Decimal::ONE_HUNDRED));
        // Each percentage is within the ledger's rounding (10 places) of shares / total.
        let fd = col("% FD");
        for row in &t.rows {
            let shares = row[col("Fully diluted")].number().unwrap();
            let exact = shares * Decimal::ONE_HUNDRED / Decimal::from(ct.totals.fully_diluted);
            let stated = row[fd].number().unwrap();
            assert!(
                (exact - stated).abs() <= dec("0.00000000005"),
                "{stated} vs {exact}"
            );
        }
    }
}

#[test]
fn every_builder_gives_rows_that_fit_its_columns() {
    let b = xai();
    let ct = b.cap_table(as_of(), &b.default_rounding()).unwrap();
    let built: Vec<Table> = vec![
        tables::cap_table(&ct, &b, CapTableBy::Holder, CapTableShares::FullyDiluted),
        tables::cap_table(&ct, &b, CapTableBy::Class, CapTableShares::FullyDiluted),
        tables::holdings(&ct),
        tables::convertibles(&ct),
        tables::journal(&b, None, &Default::default()),
        tables::rounds(&b, None),
        tables::participations(&b),
        tables::stakeholders(&b),
    ];
    for t in &built {
        for row in &t.rows {
            assert_eq!(row.len(), t.columns.len(), "{}", t.name);
            for (c, col) in row.iter().zip(&t.columns) {
                assert!(c.fits(col.kind), "{}: {} {c:?}", t.name, col.header);
            }
        }
    }
    // The journal holds every entry; participations are the rounds' issuances.
    assert_eq!(built[4].rows.len(), b.entries().len());
    let invested: Decimal = b.rounds().iter().map(|r| r.amount_raised.amount).sum();
    let paid = built[6].column_sum(6).unwrap();
    // Shares x price is at most what was invested: shares are rounded down (docs/rounding.md).
    assert!(
        paid <= invested && invested - paid < dec("100"),
        "{paid} vs {invested}"
    );
}

#[test]
fn the_workbook_has_formulas_whose_cached_results_are_the_figures() {
    let b = xai();
    let ct = b.cap_table(as_of(), &b.default_rounding()).unwrap();
    let holders = tables::cap_table(&ct, &b, CapTableBy::Holder, CapTableShares::FullyDiluted);
    let col = |h: &str| holders.columns.iter().position(|c| c.header == h).unwrap() as u16;
    let (outstanding, fd, fd_pct) = (col("Outstanding"), col("Fully diluted"), col("% FD"));
    let letter = |c: u16| char::from(b'A' + c as u8);
    let rounds = tables::rounds(&b, None);
    let bytes = workbook(&[holders.clone(), rounds.clone()], "USD").unwrap();
    let mut wb = read(bytes);
    assert_eq!(wb.sheet_names(), ["captable", "rounds"]);

    let values = wb.worksheet_range("captable").unwrap();
    let formulas = wb.worksheet_formula("captable").unwrap();
    let n = holders.rows.len() as u32;
    let total_row = n + 1;
    assert_eq!(
        values.get_value((0, fd as u32)).unwrap().to_string(),
        "Fully diluted"
    );
    // Totals: SUM formulas, cached at the ledger's totals.
    assert_eq!(
        formulas.get_value((total_row, fd as u32)).unwrap(),
        &format!("SUM({0}2:{0}{1})", letter(fd), n + 1)
    );
    assert_eq!(
        number(values.get_value((total_row, fd as u32)).unwrap()),
        ct.totals.fully_diluted as f64
    );
    assert_eq!(
        number(values.get_value((total_row, outstanding as u32)).unwrap()),
        ct.totals.outstanding as f64
    );
    // Ownership: this row's shares over the total, as a formula, cached at the exact fraction.
    for (r, h) in ct.holders.iter().enumerate() {
        let row = r as u32 + 1;
        assert_eq!(
            formulas.get_value((row, fd_pct as u32)).unwrap(),
            &format!(
                "IF({2}${0}=0,0,{2}{1}/{2}${0})",
                total_row + 1,
                row + 1,
                letter(fd)
            )
        );
        let cached = number(values.get_value((row, fd_pct as u32)).unwrap());
        let exact = h.fully_diluted as f64 / ct.totals.fully_diluted as f64;
        assert!(
            (cached - exact).abs() < 1e-15,
            "{} {cached} {exact}",
            h.name
        );
        let ledger = to_double(h.fully_diluted_pct / Decimal::ONE_HUNDRED);
        assert!(
            (cached - ledger).abs() < 1e-12,
            "{} {cached} {ledger}",
            h.name
        );
        // Plain values: the shares as numbers.
        assert_eq!(
            number(values.get_value((row, fd as u32)).unwrap()),
            h.fully_diluted as f64
        );
    }
    // The fully diluted % column sums to 100%.
    assert!((number(values.get_value((total_row, fd_pct as u32)).unwrap()) - 1.0).abs() < 1e-12);

    let r = wb.worksheet_range("rounds").unwrap();
    let series_b = (1..r.height() as u32)
        .find(|&row| *r.get_value((row, 1)).unwrap() == "Series B")
        .unwrap();
    assert_eq!(number(r.get_value((series_b, 4)).unwrap()), 18e9);
    assert_eq!(number(r.get_value((series_b, 5)).unwrap()), 6e9);
    assert_eq!(number(r.get_value((series_b, 6)).unwrap()), 24e9);
    assert!(matches!(
        r.get_value((series_b, 2)).unwrap(),
        Data::DateTime(_)
    ));
    assert_eq!(*r.get_value((series_b, 11)).unwrap(), "standing");
    // No totals row: what was raised in all is the ledger's standing rounds' sum, which a SUM
    // over the listed rounds (reversed ones included) would not be.
    assert_eq!(r.height(), 1 + rounds.rows.len());
}

#[test]
fn the_workbook_carries_the_number_formats_and_a_frozen_header() {
    let b = xai();
    let ct = b.cap_table(as_of(), &b.default_rounding()).unwrap();
    let bytes = workbook(
        &[
            tables::cap_table(&ct, &b, CapTableBy::Holder, CapTableShares::FullyDiluted),
            tables::rounds(&b, None),
        ],
        "USD",
    )
    .unwrap();
    // The parts of the package that say so (an .xlsx is a zip of XML parts).
    let mut zip = zip_entries(&bytes);
    let styles = zip.remove("xl/styles.xml").unwrap();
    for format in ["#,##0", "0.00%", "$#,##0.00", "$#,##0.00000", "yyyy-mm-dd"] {
        assert!(
            styles.contains(&format!("formatCode=\"{format}\"")),
            "styles lack {format}:\n{styles}"
        );
    }
    let sheet1 = zip.remove("xl/worksheets/sheet1.xml").unwrap();
    assert!(
        sheet1.contains("<pane ySplit=\"1\" topLeftCell=\"A2\""),
        "frozen header:\n{sheet1}"
    );
}

fn zip_entries(bytes: &[u8]) -> std::collections::HashMap<String, String> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = std::collections::HashMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut s = String::new();
        if f.read_to_string(&mut s).is_ok() {
            out.insert(f.name().unwrap().to_string(), s);
        }
    }
    out
}

#[test]
fn number_kinds_get_their_formats() {
    use roundbook_export::xlsx::number_format;
    assert_eq!(number_format(Kind::Shares, "USD"), "#,##0");
    assert_eq!(
        number_format(Kind::Money { decimals: 2 }, "USD"),
        "$#,##0.00"
    );
    assert_eq!(number_format(Kind::Percent, "USD"), "0.00%");
    assert_eq!(
        number_format(Kind::Money { decimals: 2 }, "EUR"),
        "#,##0.00"
    );
}
