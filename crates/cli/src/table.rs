//! Plain-text tables and the number formats a finance reader expects.

use rust_decimal::Decimal;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

pub struct Table {
    headers: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
    /// Row indexes after which a rule is drawn (e.g. before a totals row).
    rules: Vec<usize>,
}

impl Table {
    pub fn new(headers: &[(&str, Align)]) -> Table {
        Table {
            headers: headers.iter().map(|(h, a)| (h.to_string(), *a)).collect(),
            rows: vec![],
            rules: vec![],
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn rule(&mut self) {
        self.rules.push(self.rows.len());
    }

    /// The rows without the header and its rule: for two-column "label  value" blocks.
    pub fn render_body(&self) -> String {
        self.render()
            .lines()
            .skip(2)
            .map(|l| format!("{l}\n"))
            .collect()
    }

    pub fn render(&self) -> String {
        let n = self.headers.len();
        let mut widths: Vec<usize> = self
            .headers
            .iter()
            .map(|(h, _)| h.chars().count())
            .collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate().take(n) {
                widths[i] = widths[i].max(c.chars().count());
            }
        }
        let line = |cells: &[String]| -> String {
            let mut out = String::new();
            for (i, w) in widths.iter().enumerate() {
                let c = cells.get(i).map_or("", String::as_str);
                let pad = w - c.chars().count();
                if i > 0 {
                    out.push_str("  ");
                }
                match self.headers[i].1 {
                    Align::Left => {
                        out.push_str(c);
                        if i + 1 < n {
                            out.push_str(&" ".repeat(pad));
                        }
                    }
                    Align::Right => {
                        out.push_str(&" ".repeat(pad));
                        out.push_str(c);
                    }
                }
            }
            out.trim_end().to_string()
        };
        let rule: String = widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  ");
        let mut out = String::new();
        let headers: Vec<String> = self.headers.iter().map(|(h, _)| h.clone()).collect();
        out.push_str(&line(&headers));
        out.push('\n');
        out.push_str(&rule);
        out.push('\n');
        for (i, r) in self.rows.iter().enumerate() {
            if self.rules.contains(&i) {
                out.push_str(&rule);
                out.push('\n');
            }
            out.push_str(&line(r));
            out.push('\n');
        }
        out
    }
}

pub use roundbook_application::words::{cents, price, shares};

/// A table of the read model (roundbook_application::tables) as text: the one renderer the
/// command line uses for the tables it shares with the app, the exports and the report.
pub fn render(t: &roundbook_application::tables::Table) -> String {
    let grid = t.grid();
    let align = |numeric: bool| if numeric { Align::Right } else { Align::Left };
    let headers: Vec<(&str, Align)> = grid
        .columns
        .iter()
        .map(|(h, numeric)| (h.as_str(), align(*numeric)))
        .collect();
    let mut out = Table::new(&headers);
    for row in grid.rows {
        out.row(row);
    }
    if let Some(totals) = grid.totals {
        out.rule();
        out.row(totals);
    }
    let mut text = out.render();
    // Notes under the grid, as the app and the board report print them.
    if !grid.notes.is_empty() {
        text.push('\n');
        for n in grid.notes {
            text.push_str(&n);
            text.push('\n');
        }
    }
    text
}

/// "25.0000%": four decimals for reading; JSON carries ten.
pub fn pct(p: Decimal) -> String {
    format!(
        "{}%",
        p.round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointNearestEven)
            .to_string_fixed(4)
    )
}

trait Fixed {
    fn to_string_fixed(&self, dp: u32) -> String;
}

impl Fixed for Decimal {
    fn to_string_fixed(&self, dp: u32) -> String {
        let mut d = *self;
        d.rescale(dp);
        d.to_string()
    }
}

#[cfg(test)]
mod tests {
    //! The read model's promise: a column added to a table in one place (its builder in
    //! crates/application/src/tables) appears on every surface. Each renderer is walked over
    //! the rounds table of the xAI example book (public terms of the Series B: $6B at $18B
    //! pre-money) with one more column than its builder gives.

    use std::io::Cursor;
    use std::process::Command;

    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
    use roundbook_application::tables::{Cell, Column, Kind, Table};
    use roundbook_files::{TableChoice, TableRequest};
    use roundbook_store::Store;

    const HEADER: &str = "Board seat";

    fn rounds_with_a_new_column() -> Table {
        let dir = tempfile::tempdir().unwrap();
        let book = dir.path().join("xai.roundbook");
        Store::create_example(&book).unwrap();
        let store = Store::open(&book).unwrap();
        let mut t = roundbook_files::export::table(&store, &TableRequest::new(TableChoice::Rounds))
            .unwrap();
        t.columns.push(Column::new(HEADER, Kind::Text));
        for (i, row) in t.rows.iter_mut().enumerate() {
            row.push(Cell::text(format!("seat {}", i + 1)));
        }
        assert_eq!(t.rows.len(), 2, "the example's Series A and Series B");
        t
    }

    #[test]
    fn a_new_column_appears_on_every_renderer() {
        let t = rounds_with_a_new_column();
        let seats = ["seat 1", "seat 2"];

        // The command line's text table.
        let text = super::render(&t);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].trim_end().ends_with(HEADER), "{text}");
        for (line, seat) in lines[2..].iter().zip(seats) {
            assert!(line.contains(seat), "{text}");
        }
        assert!(text.contains("$18,000,000,000.00"), "{text}");

        // JSON: the app's page receives the table as it is (and renders it with
        // ui/src/readTable.tsx, whose Vitest test walks the same extra column).
        let v = serde_json::to_value(&t).unwrap();
        let columns = v["columns"].as_array().unwrap();
        assert_eq!(columns.last().unwrap()["header"], HEADER);
        for (row, seat) in v["rows"].as_array().unwrap().iter().zip(seats) {
            assert_eq!(row.as_array().unwrap().last().unwrap(), seat);
        }

        // CSV.
        let csv = roundbook_export::to_csv(&t);
        let mut csv_lines = csv.lines();
        assert!(csv_lines.next().unwrap().ends_with(HEADER), "{csv}");
        for (line, seat) in csv_lines.zip(seats) {
            assert!(line.ends_with(seat), "{csv}");
        }

        // XLSX, read back.
        let bytes = roundbook_export::workbook(std::slice::from_ref(&t), "USD").unwrap();
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let range = wb.worksheet_range("rounds").unwrap();
        let header_row: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|d| d.to_string())
            .collect();
        let col = header_row
            .iter()
            .position(|h| h == HEADER)
            .expect("the header");
        let values: Vec<&Data> = range.rows().skip(1).take(2).map(|r| &r[col]).collect();
        assert_eq!(
            values,
            [
                &Data::String(seats[0].into()),
                &Data::String(seats[1].into())
            ]
        );

        // PDF, as the board report lays out a table, read back with pdftotext.
        let pdf = roundbook_report::table_pdf(&t, "Funding rounds").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("rounds.pdf");
        std::fs::write(&file, pdf).unwrap();
        let out = Command::new("pdftotext")
            .args(["-layout", file.to_str().unwrap(), "-"])
            .output()
            .expect("pdftotext (poppler-utils) is installed");
        let page = String::from_utf8_lossy(&out.stdout);
        assert!(page.contains(HEADER), "{page}");
        for seat in seats {
            assert!(page.contains(seat), "{page}");
        }
    }
}

#[cfg(test)]
mod detail_tests {
    //! A column declared a spreadsheet's detail (the journal's holder, class, shares) is carried by
    //! CSV and JSON and left out of the text table, which says it in the row's description.

    use roundbook_application::tables::{Cell, Column, Kind, Table};

    #[test]
    fn a_detail_column_is_the_exports_alone() {
        let mut t = Table::new(
            "journal",
            vec![
                Column::new("#", Kind::Integer),
                Column::new("Description", Kind::Text),
                Column::new("Holder", Kind::Text).detail(),
            ],
        );
        t.push(vec![
            Cell::Integer(5),
            Cell::text("Issued 1,500,000 Series B Preferred to Valor Equity Partners"),
            Cell::text("Valor Equity Partners"),
        ]);
        let text = super::render(&t);
        assert!(!text.contains("Holder"), "{text}");
        assert!(text.contains("Issued 1,500,000"), "{text}");
        let csv = roundbook_export::to_csv(&t);
        assert!(csv.starts_with("#,Description,Holder"), "{csv}");
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(v["columns"][2]["detail"], true);
        assert_eq!(v["rows"][0][2], "Valor Equity Partners");
    }
}
