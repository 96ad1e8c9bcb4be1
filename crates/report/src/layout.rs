//! Pages as data: every page is a list of positioned items (text, lines, filled shapes) in
//! points, origin at the top left, y down. The sections fill pages through a `Doc` that
//! flows blocks down the page and breaks pages; `pdf.rs` then writes the items as PDF.
//! Keeping the layout as data lets the tests check it (nothing outside the page, nothing
//! cut short) without reading the PDF back.

use crate::font::{Face, Fonts};

/// US Letter, landscape: wide tables and charts, as board decks are usually read.
pub const PAGE_WIDTH: f32 = 792.0;
pub const PAGE_HEIGHT: f32 = 612.0;
pub const MARGIN: f32 = 42.0;
/// The lowest baseline a body item may use; the footer sits below it.
pub const BODY_BOTTOM: f32 = PAGE_HEIGHT - 52.0;
pub const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb(pub f32, pub f32, pub f32);

pub const BLACK: Rgb = Rgb(0.1, 0.1, 0.12);
pub const GREY: Rgb = Rgb(0.42, 0.43, 0.47);
pub const RULE: Rgb = Rgb(0.78, 0.79, 0.82);
pub const SHADE: Rgb = Rgb(0.95, 0.955, 0.965);
pub const ACCENT: Rgb = Rgb(0.09, 0.28, 0.55);
pub const WARN: Rgb = Rgb(0.62, 0.33, 0.02);

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Text {
        x: f32,
        /// Baseline.
        y: f32,
        size: f32,
        face: Face,
        color: Rgb,
        text: String,
    },
    Line {
        points: Vec<(f32, f32)>,
        width: f32,
        color: Rgb,
    },
    Fill {
        points: Vec<(f32, f32)>,
        color: Rgb,
    },
    /// Items up to the matching `EndClip` are drawn only inside this rectangle.
    Clip {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
    EndClip,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub items: Vec<Item>,
}

impl Page {
    pub fn text(&mut self, x: f32, y: f32, size: f32, face: Face, color: Rgb, text: &str) {
        self.items.push(Item::Text {
            x,
            y,
            size,
            face,
            color,
            text: text.to_string(),
        });
    }

    pub fn rule(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, width: f32, color: Rgb) {
        self.items.push(Item::Line {
            points: vec![(x0, y0), (x1, y1)],
            width,
            color,
        });
    }

    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        self.items.push(Item::Fill {
            points: vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h)],
            color,
        });
    }
}

/// Horizontal alignment of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// How a table row is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowStyle {
    Body,
    /// A total or subtotal: bold, with a rule above.
    Total,
}

pub struct Table {
    pub columns: Vec<(String, Align)>,
    pub rows: Vec<(RowStyle, Vec<String>)>,
}

impl Table {
    /// A table of the read model as a page shows it, with its note columns taken out: each
    /// non-empty note comes back as "label: note" (the row's first text cell labels it), for
    /// the page to print under the table.
    pub fn from_read_model(t: &roundbook_application::tables::Table) -> (Table, Vec<String>) {
        let grid = t.grid();
        let mut out = Table {
            columns: grid
                .columns
                .into_iter()
                .map(|(h, numeric)| (h, if numeric { Align::Right } else { Align::Left }))
                .collect(),
            rows: vec![],
        };
        for row in grid.rows {
            out.row(row);
        }
        if let Some(totals) = grid.totals {
            out.total(totals);
        }
        (out, grid.notes)
    }

    pub fn new(columns: &[(&str, Align)]) -> Table {
        Table {
            columns: columns.iter().map(|(h, a)| (h.to_string(), *a)).collect(),
            rows: vec![],
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push((RowStyle::Body, cells));
    }

    pub fn total(&mut self, cells: Vec<String>) {
        self.rows.push((RowStyle::Total, cells));
    }
}

/// The flow: a cursor down the current page, page breaks, and a record of any text that
/// had to be shortened to fit (the tests require none on the example book).
pub struct Doc<'f> {
    pub fonts: &'f Fonts,
    pub pages: Vec<Page>,
    /// Baseline position of the next line on the current page.
    pub y: f32,
    pub shortened: Vec<String>,
}

pub const BODY_SIZE: f32 = 9.0;
const TABLE_SIZE: f32 = 8.5;
const MIN_TABLE_SIZE: f32 = 6.5;
const CELL_PAD: f32 = 8.0;

impl<'f> Doc<'f> {
    pub fn new(fonts: &'f Fonts) -> Doc<'f> {
        Doc {
            fonts,
            pages: vec![Page::default()],
            y: MARGIN,
            shortened: vec![],
        }
    }

    pub fn page(&mut self) -> &mut Page {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    pub fn page_index(&self) -> usize {
        self.pages.len() - 1
    }

    pub fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = MARGIN;
    }

    /// Starts a new page unless `height` more points fit on this one.
    pub fn ensure(&mut self, height: f32) {
        if self.y + height > BODY_BOTTOM {
            self.new_page();
        }
    }

    pub fn space(&mut self, points: f32) {
        self.y += points;
    }

    /// A section title on a new page, with a rule under it.
    pub fn section(&mut self, title: &str) {
        if !self.pages.last().is_some_and(|p| p.items.is_empty()) {
            self.new_page();
        }
        self.y = MARGIN + 16.0;
        self.page()
            .text(MARGIN, MARGIN + 16.0, 17.0, Face::Bold, ACCENT, title);
        let y = MARGIN + 24.0;
        self.page()
            .rule(MARGIN, y, PAGE_WIDTH - MARGIN, y, 0.8, ACCENT);
        self.y = y + 20.0;
    }

    pub fn subheading(&mut self, title: &str) {
        self.ensure(40.0);
        self.space(6.0);
        let y = self.y;
        self.page().text(MARGIN, y, 11.0, Face::Bold, BLACK, title);
        self.y += 16.0;
    }

    /// Wrapped text across the content width.
    pub fn paragraph(&mut self, text: &str, size: f32, color: Rgb) {
        self.paragraph_in(MARGIN, CONTENT_WIDTH, text, size, Face::Regular, color);
    }

    pub fn paragraph_in(
        &mut self,
        x: f32,
        width: f32,
        text: &str,
        size: f32,
        face: Face,
        color: Rgb,
    ) {
        let leading = size * 1.35;
        for line in wrap(self.fonts, face, text, size, width) {
            self.ensure(leading);
            let y = self.y;
            self.page().text(x, y, size, face, color, &line);
            self.y += leading;
        }
    }

    /// Label-value pairs in two aligned columns.
    pub fn facts(&mut self, facts: &[(String, String)]) {
        let size = BODY_SIZE;
        let label_w = facts
            .iter()
            .map(|(l, _)| self.fonts.width(Face::Bold, l, size))
            .fold(0.0, f32::max)
            + 14.0;
        for (label, value) in facts {
            let lines = wrap(
                self.fonts,
                Face::Regular,
                value,
                size,
                CONTENT_WIDTH - label_w,
            );
            self.ensure(size * 1.45 * lines.len() as f32);
            let y = self.y;
            self.page().text(MARGIN, y, size, Face::Bold, BLACK, label);
            for (i, line) in lines.iter().enumerate() {
                let y = self.y + i as f32 * size * 1.35;
                self.page()
                    .text(MARGIN + label_w, y, size, Face::Regular, BLACK, line);
            }
            self.y += size * 1.35 * lines.len() as f32 + size * 0.25;
        }
    }

    /// A table across the content width. The first column takes the slack; when the
    /// columns do not fit, the type shrinks (down to 6.5 pt), then cells are shortened
    /// with an ellipsis and recorded in `shortened`. The header repeats after a page break.
    pub fn table(&mut self, t: &Table) {
        let (size, widths) = self.column_widths(t);
        let row_h = size * 1.75;
        self.ensure(row_h * 3.0);
        self.table_header(t, &widths, size, row_h);
        for (i, (style, cells)) in t.rows.iter().enumerate() {
            if self.y + row_h > BODY_BOTTOM {
                self.new_page();
                self.table_header(t, &widths, size, row_h);
            }
            let top = self.y;
            if *style == RowStyle::Body && i % 2 == 1 {
                self.page().rect(MARGIN, top, CONTENT_WIDTH, row_h, SHADE);
            }
            let face = match style {
                RowStyle::Body => Face::Regular,
                RowStyle::Total => {
                    self.page()
                        .rule(MARGIN, top, PAGE_WIDTH - MARGIN, top, 0.6, GREY);
                    Face::Bold
                }
            };
            self.cells(t, cells, &widths, size, face, BLACK);
            self.y += row_h;
        }
        self.space(size);
    }

    fn table_header(&mut self, t: &Table, widths: &[f32], size: f32, row_h: f32) {
        let top = self.y;
        let names: Vec<String> = t.columns.iter().map(|(h, _)| h.clone()).collect();
        self.cells(t, &names, widths, size, Face::Bold, GREY);
        let bottom = top + row_h;
        self.page()
            .rule(MARGIN, bottom, PAGE_WIDTH - MARGIN, bottom, 0.8, GREY);
        self.y = bottom;
    }

    fn cells(
        &mut self,
        t: &Table,
        cells: &[String],
        widths: &[f32],
        size: f32,
        face: Face,
        color: Rgb,
    ) {
        let baseline = self.y + size * 1.25;
        let mut x = MARGIN;
        for (i, ((_, align), w)) in t.columns.iter().zip(widths).enumerate() {
            let text = cells.get(i).map(String::as_str).unwrap_or("");
            let room = w - CELL_PAD;
            let shown = self.fit(text, face, size, room);
            let tw = self.fonts.width(face, &shown, size);
            let tx = match align {
                Align::Left => x + CELL_PAD / 2.0,
                Align::Right => x + w - CELL_PAD / 2.0 - tw,
            };
            self.page().text(tx, baseline, size, face, color, &shown);
            x += w;
        }
    }

    /// The text, or as much of it as fits followed by an ellipsis (recorded).
    fn fit(&mut self, text: &str, face: Face, size: f32, room: f32) -> String {
        if self.fonts.width(face, text, size) <= room {
            return text.to_string();
        }
        self.shortened.push(text.to_string());
        let mut s: String = text.to_string();
        while !s.is_empty() && self.fonts.width(face, &format!("{s}…"), size) > room {
            s.pop();
        }
        format!("{s}…")
    }

    fn column_widths(&self, t: &Table) -> (f32, Vec<f32>) {
        let natural = |size: f32| -> Vec<f32> {
            t.columns
                .iter()
                .enumerate()
                .map(|(i, (h, _))| {
                    let mut w = self.fonts.width(Face::Bold, h, size);
                    for (style, cells) in &t.rows {
                        let face = match style {
                            RowStyle::Body => Face::Regular,
                            RowStyle::Total => Face::Bold,
                        };
                        let c = cells.get(i).map(String::as_str).unwrap_or("");
                        w = w.max(self.fonts.width(face, c, size));
                    }
                    w + CELL_PAD
                })
                .collect()
        };
        let mut size = TABLE_SIZE;
        let mut widths = natural(size);
        while widths.iter().sum::<f32>() > CONTENT_WIDTH && size > MIN_TABLE_SIZE {
            size -= 0.25;
            widths = natural(size);
        }
        let total: f32 = widths.iter().sum();
        if total < CONTENT_WIDTH {
            // The first column (names) takes up to half the slack; the rest spreads evenly,
            // so a narrow table still reads across the page without gaping columns.
            let slack = CONTENT_WIDTH - total;
            let first = slack / 2.0;
            let each = (slack - first) / (widths.len().max(2) - 1) as f32;
            for (i, w) in widths.iter_mut().enumerate() {
                *w += if i == 0 { first } else { each };
            }
            if widths.len() == 1 {
                widths[0] += slack - first;
            }
        } else if total > CONTENT_WIDTH {
            // Still too wide at the smallest size: the first column gives way.
            let over = total - CONTENT_WIDTH;
            widths[0] = (widths[0] - over).max(40.0);
        }
        (size, widths)
    }

    /// Reserves `height` points for a drawing and returns its top.
    pub fn block(&mut self, height: f32) -> f32 {
        self.ensure(height);
        let top = self.y;
        self.y += height;
        top
    }
}

/// Greedy word wrap to `width` points.
pub fn wrap(fonts: &Fonts, face: Face, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = vec![];
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if fonts.width(face, &candidate, size) <= width || line.is_empty() {
            line = candidate;
        } else {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_fit_and_keep_every_word() {
        let fonts = Fonts::embedded().unwrap();
        let text = "Public: announced 2024-05-26, $6B at $18B pre-money, $24B post-money. \
                    Illustrative: per-investor amounts, the lead, and the share counts.";
        let lines = wrap(&fonts, Face::Regular, text, 9.0, 150.0);
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(fonts.width(Face::Regular, l, 9.0) <= 150.0, "{l}");
        }
        assert_eq!(
            lines.join(" "),
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }

    #[test]
    fn a_long_table_breaks_pages_and_repeats_its_header() {
        let fonts = Fonts::embedded().unwrap();
        let mut doc = Doc::new(&fonts);
        let mut t = Table::new(&[("Month", Align::Left), ("Closing cash", Align::Right)]);
        for m in 0..100 {
            t.row(vec![format!("month {m}"), format!("${m},000.00")]);
        }
        doc.table(&t);
        assert!(doc.pages.len() >= 3);
        for page in &doc.pages {
            let headers = page
                .items
                .iter()
                .filter(|i| matches!(i, Item::Text { text, .. } if text == "Closing cash"))
                .count();
            assert_eq!(headers, 1);
            for i in &page.items {
                if let Item::Text { y, .. } = i {
                    assert!(*y <= BODY_BOTTOM + 1.0);
                }
            }
        }
        let rows: usize = doc
            .pages
            .iter()
            .flat_map(|p| &p.items)
            .filter(|i| matches!(i, Item::Text { text, .. } if text.starts_with("month ")))
            .count();
        assert_eq!(rows, 100);
        assert!(doc.shortened.is_empty());
    }

    #[test]
    fn a_cell_too_wide_is_shortened_visibly_and_recorded() {
        let fonts = Fonts::embedded().unwrap();
        let mut doc = Doc::new(&fonts);
        let long = "x".repeat(400);
        let mut t = Table::new(&[("Name", Align::Left), ("Value", Align::Right)]);
        t.row(vec![long.clone(), "1".into()]);
        doc.table(&t);
        assert_eq!(doc.shortened, vec![long]);
        let shown = doc.pages[0].items.iter().any(
            |i| matches!(i, Item::Text { text, .. } if text.ends_with('…') && text.len() < 400),
        );
        assert!(shown);
    }
}
