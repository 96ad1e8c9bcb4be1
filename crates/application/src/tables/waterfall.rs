//! The exit waterfall's tables: who is paid what at one exit value (by class, by holder), the
//! payouts over a range of exit values, and the breakpoints where a payout changes slope.

use roundbook_ledger::waterfall::{Breakpoint, ConvertiblePayout, Decision, WaterfallOutcome};
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
        Decision::CashOut => "takes cash-out",
        Decision::Repaid => "repaid",
    }
}

/// A SAFE's or note's row label: its name and holder ("SAFE #4 (Angel)").
pub fn convertible_label(c: &ConvertiblePayout) -> String {
    format!("{} ({})", c.name, c.holder)
}

/// Each class's payout at one exit value, a row for each SAFE and note (its claim as the
/// preference, its conversion amount as the participation, its conversion shares as the shares),
/// and a row for the options and warrants exercised: the Total column adds up to what is
/// distributed.
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
    for c in &o.convertibles {
        table.push(vec![
            Cell::text(convertible_label(c)),
            Cell::text(decision_words(c.decision)),
            Cell::Integer(c.conversion_shares),
            money(c.claim),
            money(c.claim_paid),
            money(c.conversion_paid),
            money(c.total),
            Cell::Empty,
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
/// the strike they pay in, what their SAFEs and notes receive (a column only when there are
/// any), and what they keep.
pub fn waterfall_holders(o: &WaterfallOutcome) -> Table {
    let convertibles = !o.convertibles.is_empty();
    let mut columns = vec![
        Column::new("Holder", Kind::Text),
        Column::new("Shares", Kind::Shares).summed(),
        Column::new("Options exercised", CASH).summed(),
        Column::new("Exercise cost", CASH).summed(),
    ];
    if convertibles {
        columns.push(Column::new("SAFEs and notes", CASH).summed());
    }
    columns.push(Column::new("Total received", CASH).summed());
    columns.push(Column::new("Net of exercise cost", CASH).summed());
    let mut table = Table::new("waterfall-holders", columns).in_currency(o.currency);
    for h in &o.holders {
        let mut row = vec![
            Cell::text(&h.holder),
            Cell::Integer(h.by_class.iter().map(|x| x.shares).sum()),
            money(h.options),
            money(h.exercise_cost),
        ];
        if convertibles {
            row.push(money(h.convertibles));
        }
        row.push(money(h.total));
        row.push(Cell::Decimal(h.total.amount - h.exercise_cost.amount));
        table.push(row);
    }
    table
}

/// The payouts over a range of exit values: a row per exit value, a column per class and per
/// SAFE or note.
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
    let convertibles: Vec<String> = outcomes
        .first()
        .map(|o| o.convertibles.iter().map(convertible_label).collect())
        .unwrap_or_default();
    columns.extend(convertibles.iter().map(|c| Column::new(c, CASH)));
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
        row.extend(o.convertibles.iter().map(|c| money(c.total)));
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
