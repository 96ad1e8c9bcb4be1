//! The last round's terms and its investors.

use roundbook_ledger::Participation;

use super::Ctx;
use crate::format::{exact_money, shares};
use crate::layout::{Doc, Table, BLACK, BODY_SIZE, GREY};

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
        (
            "Round".into(),
            format!(
                "{} ({})",
                r.name,
                roundbook_application::words::round_basis(r)
            ),
        ),
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
    // The read model's table, as `roundbook round show` prints it, on the report's date.
    let investors = roundbook_application::tables::round_investors(book, r, Some(ctx.input.as_of));
    doc.table(&Table::from_read_model(&investors).0);
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
