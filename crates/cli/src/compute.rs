//! `roundbook compute ...`: the compute plan (docs/compute.md). GPU orders, the terms
//! (facility, power, depreciation, operating assumptions) and the monthly projection.
//! Writes are one store transaction each; reads print a table or JSON.

use std::fmt::Write as _;
use std::path::Path;

use roundbook_compute::{
    month_text, parse_month, projection, use_of_proceeds, GpuOrder, Projection, Terms,
};
use roundbook_ledger::{LedgerError, Provenance};
use roundbook_store::{ComputeBook, Store};
use rust_decimal::Decimal;

use crate::table::{cents, shares, Align, Table};
use crate::CliResult;

use crate::args::compute::*;
use roundbook_application::forms::{
    ComputeTermsForm, GpuOrderForm, OrderCancellationForm, RecordedOrder, RecordedTerms,
};

pub fn run(book: &Path, c: ComputeCmd, json: bool, out: &mut String) -> CliResult {
    match c {
        ComputeCmd::Order(OrderCmd::Add(a)) => order_add(book, a, json, out),
        ComputeCmd::Order(OrderCmd::List) => order_list(book, json, out),
        ComputeCmd::Order(OrderCmd::Cancel { order, reason }) => {
            let id = OrderCancellationForm { order, reason }.submit(&mut open(book)?)?;
            let _ = writeln!(out, "Cancelled GPU order #{id}.");
            Ok(())
        }
        ComputeCmd::Terms(TermsCmd::Set(a)) => terms_set(book, a, json, out),
        ComputeCmd::Terms(TermsCmd::Show) => terms_show(book, json, out),
        ComputeCmd::Projection(a) => show_projection(book, a, json, out),
    }
}

// ---- parsing -------------------------------------------------------------------

fn print_json(out: &mut String, v: serde_json::Value) {
    let _ = writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&v).unwrap_or_default()
    );
}

fn to_json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

fn open(book: &Path) -> CliResult<Store> {
    Ok(Store::open(book)?)
}

// ---- commands --------------------------------------------------------------------

fn order_add(book: &Path, a: OrderAddArgs, json: bool, out: &mut String) -> CliResult {
    let form = GpuOrderForm {
        model: a.model,
        vendor: a.vendor,
        quantity: a.quantity,
        unit_price: a.unit_price,
        date: a.date,
        deliveries: a.deliver,
        round: a.round.unwrap_or_default(),
        note: a.note.unwrap_or_default(),
    };
    let RecordedOrder { id, order } = form.submit(&mut open(book)?)?;
    let id = &id;
    if json {
        print_json(
            out,
            to_json(&GpuOrder {
                id: *id,
                order: order.clone(),
            }),
        );
        return Ok(());
    }
    let _ = writeln!(
        out,
        "Recorded GPU order #{id}: {} x {} {} at {} = {}.",
        shares(order.quantity),
        order.vendor,
        order.model,
        cents(&order.unit_price),
        order.amount().map(|m| cents(&m)).unwrap_or_default()
    );
    Ok(())
}

fn proceeds_table(t: &roundbook_application::tables::Table, out: &mut String) {
    if t.rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nUse of proceeds (infra at the ratio in force)");
    out.push_str(&crate::table::render(t));
}

fn order_list(book: &Path, json: bool, out: &mut String) -> CliResult {
    let store = open(book)?;
    let cb = store.load_compute()?;
    let proceeds = use_of_proceeds(&cb.plan, &cb.rounds)?;
    let t = roundbook_application::tables::gpu_orders(&cb.plan, &cb.rounds);
    let uses = roundbook_application::tables::use_of_proceeds(&proceeds, cb.plan.currency);
    if json {
        print_json(
            out,
            serde_json::json!({
                "orders": to_json(&cb.plan.orders),
                "use_of_proceeds": to_json(&proceeds),
                "table": to_json(&t),
                "use_of_proceeds_table": to_json(&uses),
            }),
        );
        return Ok(());
    }
    if cb.plan.orders.is_empty() {
        let _ = writeln!(
            out,
            "No GPU orders. Record one with `roundbook compute order add`."
        );
        return Ok(());
    }
    out.push_str(&crate::table::render(&t));
    proceeds_table(&uses, out);
    Ok(())
}

fn terms_set(book: &Path, a: TermsSetArgs, json: bool, out: &mut String) -> CliResult {
    let text = |o: Option<String>| o.unwrap_or_default();
    let form = ComputeTermsForm {
        infra_ratio: text(a.infra_ratio),
        facility_capex: text(a.facility_capex),
        facility_month: text(a.facility_month),
        kw_per_gpu: text(a.kw_per_gpu),
        pue: text(a.pue),
        usd_per_kwh: text(a.usd_per_kwh),
        hours_per_month: text(a.hours_per_month),
        years: text(a.years),
        cash: text(a.cash),
        cash_month: text(a.cash_month),
        burn: text(a.burn),
        burn_growth: text(a.burn_growth),
        revenue: text(a.revenue),
        revenue_growth: text(a.revenue_growth),
        note: text(a.note),
    };
    let RecordedTerms {
        recorded: groups,
        terms,
    } = form.submit(&mut open(book)?)?;
    let new_terms = Some(terms);
    if json {
        print_json(
            out,
            serde_json::json!({"recorded": groups, "terms": to_json(&new_terms)}),
        );
        return Ok(());
    }
    if groups.is_empty() {
        let _ = writeln!(out, "The terms were already so; nothing recorded.");
    } else {
        let _ = writeln!(out, "Recorded new compute terms: {}.", groups.join(", "));
    }
    if let Some(t) = &new_terms {
        terms_table(t, out);
    }
    Ok(())
}

fn terms_show(book: &Path, json: bool, out: &mut String) -> CliResult {
    let cb = open(book)?.load_compute()?;
    if json {
        print_json(out, serde_json::json!({"terms": to_json(&cb.plan.terms)}));
        return Ok(());
    }
    terms_table(&cb.plan.terms, out);
    Ok(())
}

fn growth_text(g: Decimal) -> String {
    format!("{}% a year", (g * Decimal::from(100)).normalize())
}

fn terms_table(t: &Terms, out: &mut String) {
    let mut tab = Table::new(&[
        ("Terms", Align::Left),
        ("In force", Align::Left),
        ("Basis", Align::Left),
    ]);
    let f = &t.facility;
    let facility_capex = match f.capex_month {
        Some(m) if f.capex.is_positive() => {
            format!("; facility capex {} in {}", cents(&f.capex), month_text(m))
        }
        _ => String::new(),
    };
    tab.row(vec![
        "Facility".into(),
        format!(
            "infra capex = {} x GPU capex{facility_capex}",
            f.infra_ratio.normalize()
        ),
        f.provenance.name().into(),
    ]);
    let p = &t.power;
    let per_gpu = p.kw_per_gpu * p.pue * p.hours_per_month * p.usd_per_kwh;
    tab.row(vec![
        "Power".into(),
        format!(
            "{} kW per GPU x PUE {} x {} h x ${}/kWh = ${} per GPU-month",
            p.kw_per_gpu.normalize(),
            p.pue.normalize(),
            p.hours_per_month.normalize(),
            p.usd_per_kwh.normalize(),
            per_gpu.normalize()
        ),
        p.provenance.name().into(),
    ]);
    tab.row(vec![
        "Depreciation".into(),
        format!(
            "{} years straight line, from the month after delivery",
            t.depreciation.years
        ),
        t.depreciation.provenance.name().into(),
    ]);
    let o = &t.operating;
    tab.row(vec![
        "Operating".into(),
        format!(
            "opening cash {} at the start of {}; other burn {}/month ({}); revenue {}/month ({})",
            cents(&o.opening_cash),
            o.cash_month
                .map_or("the first delivery month".into(), month_text),
            cents(&o.burn_per_month),
            growth_text(o.burn_growth_annual),
            cents(&o.revenue_per_month),
            growth_text(o.revenue_growth_annual)
        ),
        o.provenance.name().into(),
    ]);
    out.push_str(&tab.render());
    for (name, note) in [
        ("Facility", &f.note),
        ("Power", &p.note),
        ("Depreciation", &t.depreciation.note),
        ("Operating", &o.note),
    ] {
        if let Some(n) = note {
            let _ = writeln!(out, "{name}: {n}");
        }
    }
}

fn show_projection(book: &Path, a: ProjectionArgs, json: bool, out: &mut String) -> CliResult {
    let months = a
        .months
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|_| a.months.trim().chars().all(|c| c.is_ascii_digit()))
        .ok_or_else(|| {
            LedgerError::invalid(
                "months",
                format!("'{}' is not a whole number of months", a.months),
            )
        })?;
    let from = a
        .from
        .as_deref()
        .map(|s| parse_month("from", s))
        .transpose()?;
    let cb = open(book)?.load_compute()?;
    let p = projection(&cb.plan, from, months)?;
    let proceeds = use_of_proceeds(&cb.plan, &cb.rounds)?;
    if json {
        print_json(
            out,
            serde_json::json!({
                "projection": to_json(&p),
                "terms": to_json(&cb.plan.terms),
                "use_of_proceeds": to_json(&proceeds),
            }),
        );
        return Ok(());
    }
    projection_table(&cb, &p, out);
    proceeds_table(
        &roundbook_application::tables::use_of_proceeds(&proceeds, cb.plan.currency),
        out,
    );
    Ok(())
}

fn projection_table(cb: &ComputeBook, p: &Projection, out: &mut String) {
    let _ = writeln!(
        out,
        "Compute plan projection for {}: {} months from {} (opening cash as of the start of {})",
        cb.company.name,
        p.months,
        month_text(p.from),
        month_text(p.cash_month)
    );
    let s = &p.totals;
    // The read model's projection, as the app, the CSV and the board report show it.
    out.push_str(&crate::table::render(
        &roundbook_application::tables::compute_projection(p),
    ));
    let _ = writeln!(
        out,
        "Opening cash {} + net cash flow {} = closing cash {}.",
        cents(&p.opening_cash),
        cents(&s.net_cash_flow),
        cents(&p.closing_cash)
    );
    let _ = writeln!(
        out,
        "Capex: GPUs {} + infra {}. Runway = closing cash / (power + other burn - revenue), capex excluded.",
        cents(&s.gpu_capex),
        cents(&s.infra_capex)
    );
    let bases: Vec<String> = [
        ("facility", cb.plan.terms.facility.provenance),
        ("power", cb.plan.terms.power.provenance),
        ("depreciation", cb.plan.terms.depreciation.provenance),
        ("operating", cb.plan.terms.operating.provenance),
    ]
    .iter()
    .map(|(n, p)| format!("{n} {}", p.name()))
    .collect();
    let illustrative_orders = cb
        .plan
        .orders
        .iter()
        .filter(|o| o.order.provenance == Provenance::Illustrative)
        .count();
    let _ = writeln!(
        out,
        "Basis of the terms: {}; orders: {} of {} illustrative. See `compute terms show` and docs/compute.md.",
        bases.join(", "),
        illustrative_orders,
        cb.plan.orders.len()
    );
}
