//! The last round's terms and its investors.

use roundbook_ledger::captable::percent;
use roundbook_ledger::{Movement, Participation};
use rust_decimal::Decimal;

use super::helpers::{round_source, source};
use super::Ctx;
use crate::format::{exact_money, percent as pct, shares};
use crate::layout::{Align, Doc, Table, BLACK, BODY_SIZE, GREY};

pub(super) fn last_round(doc: &mut Doc, ctx: &Ctx) {
    let Some(r) = ctx.rounds.last() else {
        doc.paragraph(
            &format!("No priced round on or before {}.", ctx.input.as_of),
            BODY_SIZE,
            BLACK,
        );
        return;
    };
    let book = ctx.book;
    let class = book.class(r.class);
    let mut facts: Vec<(String, String)> = vec![
        ("Round".into(), format!("{} ({})", r.name, round_source(r))),
        ("Date".into(), r.date.to_string()),
        ("Pre-money valuation".into(), exact_money(r.pre_money)),
        ("Amount raised".into(), exact_money(r.amount_raised)),
        ("Post-money valuation".into(), exact_money(r.post_money)),
        ("Price per share".into(), exact_money(r.price_per_share)),
        (
            "Fully diluted shares before".into(),
            shares(r.pre_money_fd_shares),
        ),
        (
            "Lead investor".into(),
            r.lead
                .map(|l| book.stakeholder_name(l).to_string())
                .unwrap_or_else(|| "none recorded".into()),
        ),
    ];
    if let Some(c) = class {
        facts.push((
            "Share class".into(),
            format!("{} ({})", c.name, c.provenance.name()),
        ));
        let oip = c
            .original_issue_price
            .map(exact_money)
            .unwrap_or_else(|| "none".into());
        facts.push(("Original issue price".into(), oip));
        facts.push((
            "Liquidation preference".into(),
            format!(
                "{}x, {}",
                c.preference_multiple.normalize(),
                participation_text(c.participation)
            ),
        ));
        facts.push((
            "Seniority".into(),
            format!("{} (higher is paid first)", c.seniority),
        ));
        facts.push((
            "Conversion ratio".into(),
            format!("{} common per share", c.conversion_ratio.normalize()),
        ));
        facts.push((
            "Anti-dilution".into(),
            c.anti_dilution.name().replace('-', " "),
        ));
    }
    doc.facts(&facts);
    if let Some(note) = &r.note {
        doc.space(4.0);
        doc.paragraph(note, 8.5, GREY);
    }

    doc.subheading("Investors in the round");
    let mut t = Table::new(&[
        ("Investor", Align::Left),
        ("Shares", Align::Right),
        ("Price per share", Align::Right),
        ("Shares x price", Align::Right),
        ("% of round", Align::Right),
        ("Lead", Align::Left),
        ("Source", Align::Left),
    ]);
    let issued: Vec<_> = book
        .entries()
        .iter()
        .filter(|e| e.effective <= ctx.input.as_of && book.reversal_of(e.id).is_none())
        .filter_map(|e| match &e.movement {
            Movement::StockIssuance {
                holder,
                shares: n,
                price_per_share,
                round: Some(id),
                ..
            } if *id == r.id => Some((*holder, *n, *price_per_share, e.provenance)),
            _ => None,
        })
        .collect();
    let total: u64 = issued.iter().map(|x| x.1).sum();
    let mut paid_total = Decimal::ZERO;
    for (holder, n, price, provenance) in &issued {
        let paid = price.map(|p| p.amount * Decimal::from(*n));
        paid_total += paid.unwrap_or_default();
        t.row(vec![
            book.stakeholder_name(*holder).to_string(),
            shares(*n),
            price.map(exact_money).unwrap_or_default(),
            paid.map(|p| ctx.money(p)).unwrap_or_default(),
            pct(percent(*n, total), 2),
            if r.lead == Some(*holder) {
                "lead".into()
            } else {
                String::new()
            },
            source(*provenance),
        ]);
    }
    t.total(vec![
        "Total".into(),
        shares(total),
        String::new(),
        ctx.money(paid_total),
        pct(percent(total, total), 2),
        String::new(),
        String::new(),
    ]);
    doc.table(&t);
}

fn participation_text(p: Participation) -> String {
    match p {
        Participation::None => "non-participating".into(),
        Participation::Full => "fully participating".into(),
        Participation::Capped { cap_multiple } => {
            format!("participating, capped at {}x", cap_multiple.normalize())
        }
    }
}
