//! The compute plan and runway: the GPU orders, the plan's terms, the spend and cash chart and
//! the monthly projection.

use roundbook_compute::{month_text, Runway};
use roundbook_ledger::Money;
use rust_decimal::Decimal;

use super::helpers::{full_width_chart, money_coordinate, super_remaining};
use super::Ctx;
use crate::chart::{Chart, Series, BLUE, ORANGE};
use crate::format::exact_money;
use crate::layout::{Doc, Table, BODY_SIZE, GREY};
use crate::ComputeInput;

pub(super) fn runway_headline(c: ComputeInput) -> String {
    let p = c.projection;
    if let Some(row) = p.rows.iter().find(|r| r.runway == Runway::OutOfCash) {
        return format!("Out of cash {}", month_text(row.month));
    }
    match p.rows.last().map(|r| r.runway) {
        Some(Runway::Months { months }) => format!("{months} months"),
        Some(Runway::CashPositive) => "Cash positive".into(),
        _ => "n/a".into(),
    }
}

pub(super) fn runway_detail(c: ComputeInput) -> String {
    let p = c.projection;
    if p.rows.iter().any(|r| r.runway == Runway::OutOfCash) {
        format!("in the {}-month projection", p.months)
    } else {
        p.rows
            .last()
            .map(|r| format!("at the end of {}", month_text(r.month)))
            .unwrap_or_default()
    }
}

pub(super) fn compute_section(
    doc: &mut Doc,
    ctx: &Ctx,
    c: ComputeInput,
) -> Result<(), crate::ReportError> {
    let plan = c.plan;
    let p = c.projection;
    let terms = &plan.terms;
    // The read model's GPU orders table, as `compute order list`, the app and the CSV show it.
    let rounds: Vec<_> = ctx.book.rounds().to_vec();
    let (orders, notes) =
        Table::from_read_model(&roundbook_application::tables::gpu_orders(plan, &rounds));
    doc.table(&orders);
    for note in &notes {
        doc.paragraph(note, BODY_SIZE, GREY);
    }
    doc.space(4.0);
    let uses = roundbook_compute::use_of_proceeds(plan, &rounds)?;
    if !uses.is_empty() {
        doc.subheading("Use of proceeds (infra at the ratio in force)");
        let t = roundbook_application::tables::use_of_proceeds(&uses, plan.currency);
        doc.table(&Table::from_read_model(&t).0);
    }

    let op = &terms.operating;
    let facts = vec![
        (
            "Power".into(),
            format!(
                "{} kW per GPU x PUE {} at {}/kWh, {} hours a month ({})",
                terms.power.kw_per_gpu.normalize(),
                terms.power.pue.normalize(),
                exact_money(Money::new(terms.power.usd_per_kwh, ctx.currency)),
                terms.power.hours_per_month.normalize(),
                terms.power.provenance.name()
            ),
        ),
        (
            "Infrastructure".into(),
            if terms.facility.capex.amount.is_zero() {
                format!(
                    "{} x GPU capex ({})",
                    terms.facility.infra_ratio.normalize(),
                    terms.facility.provenance.name()
                )
            } else {
                format!(
                    "{} x GPU capex, plus {} facility capex ({})",
                    terms.facility.infra_ratio.normalize(),
                    exact_money(terms.facility.capex),
                    terms.facility.provenance.name()
                )
            },
        ),
        (
            "Depreciation".into(),
            format!(
                "straight line over {} years, from the month after delivery ({})",
                terms.depreciation.years,
                terms.depreciation.provenance.name()
            ),
        ),
        (
            "Operating".into(),
            format!(
                "opening cash {}; other burn {} a month growing {}% a year; revenue {} a month growing {}% a year ({})",
                exact_money(op.opening_cash),
                exact_money(op.burn_per_month),
                (op.burn_growth_annual * Decimal::ONE_HUNDRED).normalize(),
                exact_money(op.revenue_per_month),
                (op.revenue_growth_annual * Decimal::ONE_HUNDRED).normalize(),
                op.provenance.name()
            ),
        ),
        (
            "Runway".into(),
            format!("{} ({})", runway_headline(c), runway_detail(c)),
        ),
    ];
    doc.facts(&facts);
    doc.space(6.0);

    let x = |i: usize| i as f64;
    let step = [1usize, 2, 3, 6, 12, 24]
        .into_iter()
        .find(|s| p.rows.len() / s <= 12)
        .unwrap_or(60);
    let chart = Chart {
        title: "Monthly spend and closing cash".into(),
        currency: ctx.currency,
        x_range: (-0.7, p.rows.len() as f64 - 0.3),
        x_ticks: p
            .rows
            .iter()
            .enumerate()
            .filter(|(i, _)| i % step == 0)
            .map(|(i, r)| (x(i), month_text(r.month)))
            .collect(),
        series: vec![
            Series::Bars {
                name: "Spend (capex + power + other burn)".into(),
                points: p
                    .rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let spend = r.capex.amount + r.power.amount + r.other_burn.amount;
                        (x(i), money_coordinate(spend))
                    })
                    .collect(),
                width: 1.0,
                color: ORANGE,
            },
            Series::Line {
                name: "Closing cash".into(),
                points: p
                    .rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (x(i), money_coordinate(r.closing_cash.amount)))
                    .collect(),
                color: BLUE,
                labels: vec![],
            },
        ],
        y_cap: None,
    };
    let height = (super_remaining(doc) - 4.0).clamp(220.0, 300.0);
    full_width_chart(doc, &chart, height);

    doc.new_page();
    doc.subheading(&format!(
        "Monthly projection, {} months from {}",
        p.months,
        month_text(p.from)
    ));
    // The read model's projection, as `compute projection`, the app and the CSV show it.
    let (t, _) = Table::from_read_model(&roundbook_application::tables::compute_projection(p));
    doc.table(&t);
    doc.paragraph(
        &format!(
            "Opening cash {} at the start of {}. Closing cash = opening cash + net cash flow, to the \
             cent, every month. Runway = closing cash / (power + other burn - revenue), rounded \
             down to 0.1 month (docs/compute.md).",
            exact_money(p.opening_cash),
            month_text(p.from)
        ),
        8.0,
        GREY,
    );
    Ok(())
}
