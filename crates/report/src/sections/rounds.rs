//! The funding rounds and the post-money valuation chart.

use chrono::{Datelike, Months, NaiveDate};
use roundbook_compute::month_text;

use super::helpers::{full_width_chart, money_coordinate, super_remaining};
use super::Ctx;
use crate::chart::{Chart, Series, BLUE};
use crate::layout::{Doc, Table, BLACK, BODY_SIZE, GREY};

pub(super) fn rounds_section(doc: &mut Doc, ctx: &Ctx) {
    if ctx.rounds.is_empty() {
        doc.paragraph(
            &format!(
                "No priced round on or before {}: no last round terms, and the exit waterfall is \
                 shown only at exit values the caller chooses.",
                ctx.input.as_of
            ),
            BODY_SIZE,
            BLACK,
        );
        return;
    }
    // The read model's rounds table, as the command line, the app and the exports show it;
    // its notes go under it.
    let rounds = roundbook_application::tables::rounds(ctx.book, Some(ctx.input.as_of));
    let (t, notes) = Table::from_read_model(&rounds);
    doc.table(&t);
    for note in &notes {
        doc.paragraph(note, BODY_SIZE, GREY);
    }

    let first = ctx.rounds[0].date;
    let last = ctx.rounds[ctx.rounds.len() - 1].date;
    let (from, to) = (month_start(first, -2), month_start(last, 3));
    let x = |d: NaiveDate| f64::from(d.num_days_from_ce());
    let chart = Chart {
        title: "Post-money valuation by round".into(),
        currency: ctx.currency,
        x_range: (x(from), x(to)),
        x_ticks: month_ticks(from, to)
            .into_iter()
            .map(|d| (x(d), month_text(d)))
            .collect(),
        series: vec![Series::Line {
            name: "Post-money".into(),
            points: ctx
                .rounds
                .iter()
                .map(|r| (x(r.date), money_coordinate(r.post_money.amount)))
                .collect(),
            color: BLUE,
            labels: ctx
                .rounds
                .iter()
                .map(|r| format!("{} {}", r.name, ctx.short(r.post_money.amount)))
                .collect(),
        }],
        y_cap: None,
    };
    let height = (super_remaining(doc) - 30.0).clamp(200.0, 300.0);
    full_width_chart(doc, &chart, height);
    doc.space(16.0);
    doc.paragraph(
        "The chart plots the post-money of each round in the table above, at its date.",
        8.0,
        GREY,
    );
}

fn month_start(d: NaiveDate, offset: i32) -> NaiveDate {
    let first = d.with_day(1).unwrap_or(d);
    if offset >= 0 {
        first.checked_add_months(Months::new(offset as u32))
    } else {
        first.checked_sub_months(Months::new(offset.unsigned_abs()))
    }
    .unwrap_or(first)
}

/// Month starts from `from` to `to`, every 1, 3, 6, 12 or 24 months so there are at most 9.
fn month_ticks(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let months = roundbook_compute::months_between(from, to).max(1);
    let step = [1, 3, 6, 12, 24, 60]
        .into_iter()
        .find(|s| months / s <= 8)
        .unwrap_or(120);
    let mut out = vec![];
    let mut d = from;
    while d <= to {
        if (i64::from(d.year()) * 12 + i64::from(d.month0())) % step == 0 || step == 1 {
            out.push(d);
        }
        d = month_start(d, 1);
    }
    out
}
