//! The exit waterfall's tables: who is paid what at one exit value (by class, by holder), the
//! payouts over a range of exit values, and the breakpoints where a payout changes slope.

use roundbook_ledger::waterfall::{Breakpoint, Decision, WaterfallOutcome};
use rust_decimal::Decimal;

use super::build::{money, CASH, PRICE};
use super::model::{Cell, Column, Kind, Table};

/// What the options and warrants exercised receive (each payout is part of what is
/// distributed, so the sum fits).
fn options_paid(o: &WaterfallOutcome) -> Decimal {
    o.options.iter().map(|x| x.payout.amount).sum()
}

/// A class's choice in the user's words.
pub fn decision_words(d: Decision) -> &'static str {
    match d {
        Decision::TakesPreference => "takes preference",
        Decision::Converts => "converts",
        Decision::Participates => "participates",
        Decision::Capped => "capped",
        Decision::Common => "common",
    }
}

/// Each class's payout at one exit value, and a row for the options and warrants exercised:
/// the Total column adds up to what is distributed.
pub fn waterfall_classes(o: &WaterfallOutcome) -> Table {
    let mut table = Table::new(
        "waterfall-classes",
        vec![
            Column::new("Class", Kind::Text),
            Column::new("Decision", Kind::Text),
            Column::new("Shares", Kind::Shares),
            Column::new("Preference claim", CASH),
            Column::new("Preference paid", CASH).summed(),
            Column::new("Participation", CASH).summed(),
            Column::new("Total", CASH).summed(),
            Column::new("Per share", PRICE),
        ],
    )
    .in_currency(o.currency);
    for c in &o.classes {
        table.push(vec![
            Cell::text(&c.name),
            Cell::text(decision_words(c.decision)),
            Cell::Integer(c.shares),
            money(c.preference_claim),
            money(c.preference_paid),
            money(c.participation_paid),
            money(c.total),
            Cell::Decimal(c.per_share),
        ]);
    }
    if !o.options.is_empty() {
        let exercised: u64 = o
            .options
            .iter()
            .filter(|x| x.exercised)
            .map(|x| x.count)
            .sum();
        table.push(vec![
            Cell::text("Options and warrants exercised"),
            Cell::Empty,
            Cell::Integer(exercised),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Decimal(options_paid(o)),
            Cell::Empty,
        ]);
    }
    table
}

/// Each holder's payout at one exit value: their shares, what their exercised options receive,
/// the strike they pay in, and what they keep.
pub fn waterfall_holders(o: &WaterfallOutcome) -> Table {
    let mut table = Table::new(
        "waterfall-holders",
        vec![
            Column::new("Holder", Kind::Text),
            Column::new("Shares", Kind::Shares).summed(),
            Column::new("Options exercised", CASH).summed(),
            Column::new("Exercise cost", CASH).summed(),
            Column::new("Total received", CASH).summed(),
            Column::new("Net of exercise cost", CASH).summed(),
        ],
    )
    .in_currency(o.currency);
    for h in &o.holders {
        table.push(vec![
            Cell::text(&h.holder),
            Cell::Integer(h.by_class.iter().map(|x| x.shares).sum()),
            money(h.options),
            money(h.exercise_cost),
            money(h.total),
            Cell::Decimal(h.total.amount - h.exercise_cost.amount),
        ]);
    }
    table
}

/// The payouts over a range of exit values: a row per exit value, a column per class.
pub fn waterfall_range(outcomes: &[WaterfallOutcome]) -> Table {
    let mut columns = vec![
        Column::new("Exit value", CASH),
        Column::new("Net proceeds", CASH),
    ];
    let classes: Vec<&str> = outcomes
        .first()
        .map(|o| o.classes.iter().map(|c| c.name.as_str()).collect())
        .unwrap_or_default();
    columns.extend(classes.iter().map(|c| Column::new(c, CASH)));
    let options = outcomes.iter().any(|o| !o.options.is_empty());
    if options {
        columns.push(Column::new("Options and warrants", CASH));
    }
    columns.push(Column::new("Common price per share", PRICE));
    let mut table = Table::new("waterfall-range", columns);
    if let Some(o) = outcomes.first() {
        table = table.in_currency(o.currency);
    }
    for o in outcomes {
        let mut row = vec![money(o.exit_value), money(o.net_proceeds)];
        row.extend(o.classes.iter().map(|c| money(c.total)));
        if options {
            row.push(Cell::Decimal(options_paid(o)));
        }
        row.push(Cell::Decimal(o.common_price_per_share));
        table.push(row);
    }
    table
}

/// The exit values where a class's (or an option's) payout changes slope.
pub fn breakpoints(points: &[Breakpoint], currency: roundbook_ledger::Currency) -> Table {
    let mut table = Table::new(
        "breakpoints",
        vec![
            Column::new("Exit value", CASH),
            Column::new("Class", Kind::Text),
            Column::new("Event", Kind::Text),
            Column::new("Detail", Kind::Text),
        ],
    )
    .in_currency(currency);
    for p in points {
        table.push(vec![
            money(p.exit_value),
            Cell::text(match &p.holder {
                Some(h) => format!("{} ({h})", p.class),
                None => p.class.clone(),
            }),
            Cell::text(p.event.name().replace('-', " ")),
            Cell::text(&p.description),
        ]);
    }
    table
}
