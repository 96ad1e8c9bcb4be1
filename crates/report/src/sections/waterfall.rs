//! The exit waterfall at three exit values, by class and by holder.

use roundbook_ledger::waterfall::{waterfall, Decision, ExitTerms, WaterfallOutcome};
use rust_decimal::Decimal;

use super::Ctx;
use crate::format::{exact_money, shares};
use crate::layout::{Align, Doc, Table, BLACK, BODY_SIZE, GREY, WARN};
use crate::{ExitValues, ReportError};

/// The three exit values and how each was chosen.
pub(super) fn exit_values(ctx: &Ctx) -> Option<Vec<(Decimal, String)>> {
    match &ctx.input.exit_values {
        ExitValues::Amounts(a) => Some(a.iter().map(|v| (*v, "chosen".to_string())).collect()),
        ExitValues::MultiplesOfLastPostMoney(m) => {
            let r = ctx.rounds.last()?;
            Some(
                m.iter()
                    .map(|k| {
                        (
                            r.post_money.amount * k,
                            format!("{}x the {} post-money", k.normalize(), r.name),
                        )
                    })
                    .collect(),
            )
        }
    }
}

fn decision_text(d: Decision) -> &'static str {
    match d {
        Decision::TakesPreference => "takes preference",
        Decision::Converts => "converts",
        Decision::Participates => "participates",
        Decision::Capped => "capped",
        Decision::Common => "common",
    }
}

pub(super) fn exit_waterfall(doc: &mut Doc, ctx: &Ctx) -> Result<(), ReportError> {
    let Some(values) = exit_values(ctx) else {
        doc.paragraph(
            "No priced round to take multiples of: give the exit values to show the waterfall.",
            BODY_SIZE,
            BLACK,
        );
        return Ok(());
    };
    let rounding = ctx.book.default_rounding();
    let (cap, left_out) = ctx.book.capitalisation(ctx.input.as_of, &rounding)?;
    let outcomes: Vec<WaterfallOutcome> = values
        .iter()
        .map(|(v, _)| waterfall(&cap, &ExitTerms::new(*v), &rounding))
        .collect::<Result<_, _>>()?;

    let chosen: Vec<String> = values
        .iter()
        .map(|(v, how)| format!("{} ({}, {})", ctx.short(*v), ctx.money(*v), how))
        .collect();
    doc.paragraph(
        &format!(
            "Who receives what if the company is sold on {} for each of three exit values: {}. \
             No transaction costs or debt. Preferences are paid by seniority (higher first); \
             each preferred class converts when that pays it more; options are exercised when \
             in the money. Exact payouts, rounded to the cent so they add up to what is distributed \
             (docs/waterfall.md).",
            ctx.input.as_of,
            chosen.join("; ")
        ),
        BODY_SIZE,
        GREY,
    );
    doc.space(2.0);

    doc.subheading("By class");
    let mut cols: Vec<(String, Align)> = vec![
        ("Class".into(), Align::Left),
        ("Preference".into(), Align::Right),
    ];
    for (v, _) in &values {
        cols.push((format!("At {}", ctx.short(*v)), Align::Left));
        cols.push(("Payout".into(), Align::Right));
    }
    let col_refs: Vec<(&str, Align)> = cols.iter().map(|(h, a)| (h.as_str(), *a)).collect();
    let mut t = Table::new(&col_refs);
    for (i, class) in outcomes[0].classes.iter().enumerate() {
        let mut row = vec![class.name.clone(), exact_money(class.preference_claim)];
        for o in &outcomes {
            let c = &o.classes[i];
            row.push(decision_text(c.decision).into());
            row.push(exact_money(c.total));
        }
        t.row(row);
    }
    if !outcomes[0].options.is_empty() {
        let mut row = vec!["Options exercised".into(), String::new()];
        for o in &outcomes {
            let exercised: u64 = o
                .options
                .iter()
                .filter(|x| x.exercised)
                .map(|x| x.count)
                .sum();
            let paid: Decimal = o.options.iter().map(|x| x.payout.amount).sum();
            row.push(format!("{} options", shares(exercised)));
            row.push(ctx.money(paid));
        }
        t.row(row);
    }
    let mut total = vec!["Total distributed".into(), String::new()];
    let mut price = vec!["Common price per share".into(), String::new()];
    for o in &outcomes {
        total.push(String::new());
        total.push(exact_money(o.total_distributed));
        price.push(String::new());
        price.push(ctx.money(o.common_price_per_share));
    }
    t.total(total);
    t.row(price);
    doc.table(&t);

    doc.subheading("By holder");
    let mut cols: Vec<(String, Align)> = vec![("Holder".into(), Align::Left)];
    for (v, _) in &values {
        cols.push((format!("At {}", ctx.short(*v)), Align::Right));
    }
    cols.push((
        format!("Exercise cost at {}", ctx.short(values[1].0)),
        Align::Right,
    ));
    let col_refs: Vec<(&str, Align)> = cols.iter().map(|(h, a)| (h.as_str(), *a)).collect();
    let mut t = Table::new(&col_refs);
    // Holders in the order of what they receive at the middle exit.
    let middle = &outcomes[1];
    let mut order: Vec<usize> = (0..middle.holders.len()).collect();
    order.sort_by(|a, b| {
        middle.holders[*b]
            .total
            .amount
            .cmp(&middle.holders[*a].total.amount)
            .then(middle.holders[*a].holder.cmp(&middle.holders[*b].holder))
    });
    let n = ctx.input.top_holders.min(order.len());
    let amount_of = |o: &WaterfallOutcome, i: usize| o.holders[i].total.amount;
    for &i in &order[..n] {
        let mut row = vec![middle.holders[i].holder.clone()];
        for o in &outcomes {
            row.push(ctx.money(amount_of(o, i)));
        }
        row.push(ctx.money(middle.holders[i].exercise_cost.amount));
        t.row(row);
    }
    if order.len() > n {
        let mut row = vec![format!("Other holders ({})", order.len() - n)];
        for o in &outcomes {
            row.push(ctx.money(order[n..].iter().map(|&i| amount_of(o, i)).sum()));
        }
        row.push(String::new());
        t.row(row);
    }
    let mut total = vec!["Total distributed".into()];
    for o in &outcomes {
        total.push(exact_money(o.total_distributed));
    }
    total.push(String::new());
    t.total(total);
    doc.table(&t);
    doc.paragraph(
        "Holders' amounts include what their exercised options receive, before the exercise \
         cost they pay in.",
        8.0,
        GREY,
    );
    if !left_out.is_empty() {
        let names: Vec<String> = left_out
            .iter()
            .map(|c| format!("{} ({} {})", c.name, c.kind, exact_money(c.amount)))
            .collect();
        doc.paragraph(
            &format!(
                "Left out of the waterfall: SAFEs and notes still outstanding, whose payout is set by \
                 their own terms: {}.",
                names.join(", ")
            ),
            8.5,
            WARN,
        );
    }
    Ok(())
}
