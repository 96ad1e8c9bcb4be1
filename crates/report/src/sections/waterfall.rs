//! The exit waterfall at three exit values, by class and by holder.

use roundbook_application::tables;
use roundbook_ledger::waterfall::{waterfall, ExitConventions, ExitTerms, WaterfallOutcome};
use rust_decimal::Decimal;

use super::Ctx;
use crate::format::exact_money;
use crate::layout::{Doc, Table, BLACK, BODY_SIZE, GREY, WARN};
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
    let conventions = ExitConventions::default();
    let (cap, left_out) = ctx
        .book
        .capitalisation(ctx.input.as_of, &rounding, &conventions)?;
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
             in the money.{} Exact payouts, rounded to the cent so they add up to what is \
             distributed (docs/waterfall.md). Settings: {}.",
            ctx.input.as_of,
            chosen.join("; "),
            if cap.convertibles.is_empty() {
                ""
            } else {
                " SAFEs and notes outstanding are paid by their own terms: a SAFE the greater of \
                 its purchase amount (on par with the preferred) and its shares at the cap; a note \
                 its principal and interest (before any equity) or, when it has a cap and that \
                 pays more, its shares."
            },
            conventions.describe()
        ),
        BODY_SIZE,
        GREY,
    );
    doc.space(2.0);

    // The read model's tables, as `roundbook waterfall` prints them.
    doc.subheading("At the three exit values");
    let range = tables::waterfall_range(&outcomes);
    doc.table(&Table::from_read_model(&range).0);
    for ((v, how), o) in values.iter().zip(&outcomes) {
        doc.subheading(&format!("By class at {} ({how})", ctx.short(*v)));
        doc.table(&Table::from_read_model(&tables::waterfall_classes(o)).0);
    }
    let (middle, _) = &values[1];
    let holders = tables::waterfall_holders(&outcomes[1]);
    let received = holders
        .column("Total received")
        .expect("the holders' table says what each receives");
    let rows = holders.rows.len();
    let shown = ctx.input.top_holders.min(rows);
    doc.subheading(&format!(
        "By holder at {}{}",
        ctx.short(*middle),
        if shown < rows {
            format!(" (the {shown} largest of {rows})")
        } else {
            String::new()
        }
    ));
    let largest = holders.keep_largest(shown, received, "Other holders");
    doc.table(&Table::from_read_model(&largest).0);
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
