//! The cover: the company, the as-of date, the headline tiles and the contents list.

use roundbook_compute::month_text;

use super::compute::{runway_detail, runway_headline};
use super::Ctx;
use crate::font::Face;
use crate::format::shares;
use crate::layout::{Doc, ACCENT, BLACK, CONTENT_WIDTH, GREY, MARGIN, SHADE, WARN};

/// The cover; returns where the contents list goes (filled once the pages are known).
pub(super) fn cover(doc: &mut Doc, ctx: &Ctx) -> f32 {
    let company = &ctx.book.company;
    let page = doc.page();
    page.text(MARGIN, 86.0, 11.0, Face::Bold, GREY, "BOARD REPORT");
    page.text(MARGIN, 124.0, 32.0, Face::Bold, ACCENT, &company.name);
    let sub = format!("{} · {}", company.legal_name, company.jurisdiction);
    page.text(MARGIN, 146.0, 11.0, Face::Regular, BLACK, &sub);
    let as_of = format!("As of {}", ctx.input.as_of);
    page.text(MARGIN, 172.0, 15.0, Face::Bold, BLACK, &as_of);

    let mut tiles: Vec<(String, String, String)> = vec![];
    if let Some(r) = ctx.rounds.last() {
        tiles.push((
            "Post-money, last round".into(),
            ctx.short(r.post_money.amount),
            format!("{}, {}", r.name, r.date),
        ));
    }
    tiles.push((
        "Fully diluted shares".into(),
        shares(ctx.table.totals.fully_diluted),
        format!("{} outstanding", shares(ctx.table.totals.outstanding)),
    ));
    if let Some(c) = ctx.input.compute {
        let p = c.projection;
        tiles.push((
            format!("Cash, start of {}", month_text(p.from)),
            ctx.short(p.opening_cash.amount),
            "compute plan projection".into(),
        ));
        tiles.push(("Runway".into(), runway_headline(c), runway_detail(c)));
    }
    let w = ((CONTENT_WIDTH - 12.0 * (tiles.len() as f32 - 1.0)) / tiles.len() as f32).min(210.0);
    let top = 200.0;
    for (i, (label, value, detail)) in tiles.iter().enumerate() {
        let x = MARGIN + i as f32 * (w + 12.0);
        // The value shrinks to fit its tile ("Out of cash 2026-03" is longer than "$24.0B").
        let mut size: f32 = 20.0;
        while size > 9.0 && doc.fonts.width(Face::Bold, value, size) > w - 20.0 {
            size -= 0.5;
        }
        let page = doc.page();
        page.rect(x, top, w, 70.0, SHADE);
        page.rect(x, top, 3.0, 70.0, ACCENT);
        page.text(x + 12.0, top + 18.0, 8.5, Face::Regular, GREY, label);
        page.text(x + 12.0, top + 44.0, size, Face::Bold, BLACK, value);
        page.text(x + 12.0, top + 60.0, 8.0, Face::Regular, GREY, detail);
    }

    doc.y = 300.0;
    if ctx.illustrative {
        doc.paragraph_in(
            MARGIN,
            CONTENT_WIDTH,
            "Contains illustrative figures. This book mixes recorded or public facts with \
             illustrative figures made up to complete an example; an illustrative figure is not \
             a fact about the company. Every table says where its rows come from in its Basis \
             column: public, illustrative or recorded.",
            9.5,
            Face::Bold,
            WARN,
        );
    }
    if let Some(head) = &ctx.input.chain_head {
        let line = format!(
            "Journal: {} entries; hash chain head {head} (roundbook check verifies it)",
            ctx.book.entries().len()
        );
        doc.page()
            .text(MARGIN, 540.0, 7.5, Face::Regular, GREY, &line);
    }
    doc.space(10.0);
    let y = doc.y;
    doc.page()
        .text(MARGIN, y, 11.0, Face::Bold, BLACK, "Contents");
    doc.y + 18.0
}

pub(super) fn write_contents(doc: &mut Doc, top: f32, contents: &[(&str, usize)]) {
    let fonts = doc.fonts;
    let page = &mut doc.pages[0];
    for (i, (title, index)) in contents.iter().enumerate() {
        let y = top + i as f32 * 15.0;
        page.text(MARGIN, y, 10.0, Face::Regular, BLACK, title);
        let n = (index + 1).to_string();
        let w = fonts.width(Face::Regular, &n, 10.0);
        page.text(MARGIN + 300.0 - w, y, 10.0, Face::Regular, BLACK, &n);
    }
}
