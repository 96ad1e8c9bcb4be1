//! The cap table: by class, the top holders, and the SAFEs and notes outstanding.

use roundbook_ledger::captable::percent;
use roundbook_ledger::Provenance;

use super::helpers::source;
use super::Ctx;
use crate::format::{exact_money, percent as pct, shares};
use crate::layout::{Align, Doc, Table, BODY_SIZE, GREY};

pub(super) fn cap_table(doc: &mut Doc, ctx: &Ctx) {
    let t = &ctx.table;
    let as_of = ctx.input.as_of;
    doc.paragraph(
        &format!(
            "As of {as_of}. Fully diluted = outstanding shares as converted to common, plus options \
             granted and not exercised, plus options still available in the equity plans. SAFEs and \
             notes are not in it (a priced round sets what they become) and are listed apart. \
             Percentages are rounded to 0.01%; share counts are exact."
        ),
        BODY_SIZE,
        GREY,
    );
    doc.space(4.0);
    doc.subheading("By class");
    let mut by_class = Table::new(&[
        ("Class", Align::Left),
        ("Kind", Align::Left),
        ("Authorized", Align::Right),
        ("Issued", Align::Right),
        ("As converted", Align::Right),
        ("Options", Align::Right),
        ("Pool available", Align::Right),
        ("Fully diluted", Align::Right),
        ("% FD", Align::Right),
        ("Source", Align::Left),
    ]);
    for c in &t.classes {
        let provenance = ctx
            .book
            .class(c.class)
            .map_or(Provenance::Recorded, |k| k.provenance);
        by_class.row(vec![
            c.name.clone(),
            c.kind.name().into(),
            c.authorized.map(shares).unwrap_or_else(|| "-".into()),
            shares(c.shares),
            shares(c.as_converted),
            shares(c.options),
            shares(c.pool_available),
            shares(c.fully_diluted),
            pct(c.fully_diluted_pct, 2),
            source(provenance),
        ]);
    }
    by_class.total(vec![
        "Total".into(),
        String::new(),
        String::new(),
        String::new(),
        shares(t.totals.outstanding),
        shares(t.totals.options),
        shares(t.totals.pool_available),
        shares(t.totals.fully_diluted),
        pct(percent(t.totals.fully_diluted, t.totals.fully_diluted), 2),
        String::new(),
    ]);
    doc.table(&by_class);

    doc.subheading(&format!("Top holders (of {})", t.holders.len()));
    let mut holders: Vec<_> = t.holders.iter().collect();
    holders.sort_by(|a, b| {
        b.fully_diluted
            .cmp(&a.fully_diluted)
            .then(a.name.cmp(&b.name))
    });
    let mut rows = Table::new(&[
        ("Holder", Align::Left),
        ("Classes", Align::Left),
        ("Outstanding", Align::Right),
        ("Options", Align::Right),
        ("Fully diluted", Align::Right),
        ("% outstanding", Align::Right),
        ("% FD", Align::Right),
        ("Source", Align::Left),
    ]);
    let n = ctx.input.top_holders.min(holders.len());
    for h in &holders[..n] {
        let classes: Vec<&str> = h.holdings.iter().map(|x| x.class_name.as_str()).collect();
        rows.row(vec![
            h.name.clone(),
            if h.options > 0 && classes.is_empty() {
                "options".into()
            } else {
                classes.join(", ")
            },
            shares(h.outstanding),
            shares(h.options),
            shares(h.fully_diluted),
            pct(h.outstanding_pct, 2),
            pct(h.fully_diluted_pct, 2),
            source(h.provenance),
        ]);
    }
    let rest = &holders[n..];
    if !rest.is_empty() {
        let sum = |f: fn(&&roundbook_ledger::captable::HolderRow) -> u64| -> u64 {
            rest.iter().map(f).sum()
        };
        let (out, opt, fd) = (
            sum(|h| h.outstanding),
            sum(|h| h.options),
            sum(|h| h.fully_diluted),
        );
        rows.row(vec![
            format!("Other holders ({})", rest.len()),
            String::new(),
            shares(out),
            shares(opt),
            shares(fd),
            pct(percent(out, t.totals.outstanding), 2),
            pct(percent(fd, t.totals.fully_diluted), 2),
            String::new(),
        ]);
    }
    if t.totals.pool_available > 0 {
        let plans: Vec<&str> = t.plans.iter().map(|p| p.name.as_str()).collect();
        rows.row(vec![
            "Available for grant".into(),
            plans.join(", "),
            String::new(),
            String::new(),
            shares(t.totals.pool_available),
            String::new(),
            pct(percent(t.totals.pool_available, t.totals.fully_diluted), 2),
            String::new(),
        ]);
    }
    rows.total(vec![
        "Total".into(),
        String::new(),
        shares(t.totals.outstanding),
        shares(t.totals.options),
        shares(t.totals.fully_diluted),
        pct(percent(t.totals.outstanding, t.totals.outstanding), 2),
        pct(percent(t.totals.fully_diluted, t.totals.fully_diluted), 2),
        String::new(),
    ]);
    doc.table(&rows);

    if !t.convertibles.is_empty() {
        doc.subheading("SAFEs and notes outstanding (not in fully diluted)");
        let mut c = Table::new(&[
            ("Holder", Align::Left),
            ("Instrument", Align::Left),
            ("Issued", Align::Left),
            ("Amount", Align::Right),
        ]);
        for x in &t.convertibles {
            c.row(vec![
                x.name.clone(),
                x.kind.to_string(),
                x.issued.to_string(),
                exact_money(x.amount),
            ]);
        }
        doc.table(&c);
    }
}
