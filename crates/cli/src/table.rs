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
