//! `roundbook compute ...`: the compute plan (docs/compute.md). GPU orders, the terms
//! (facility, power, depreciation, operating assumptions) and the monthly projection.
//! Writes are one store transaction each; reads print a table or JSON.

use std::fmt::Write as _;
use std::path::Path;

use clap::{Args, Subcommand};
use roundbook_compute::{
    first_of_month, month_text, parse_month, projection, use_of_proceeds, Delivery, GpuOrder,
    NewGpuOrder, Projection, Runway, Terms, UseOfProceeds,
};
use roundbook_ledger::money::{group_thousands, parse_decimal};
use roundbook_ledger::{FundingRound, LedgerError, Money, Provenance, RoundId};
use roundbook_store::{ComputeBook, Store};
use rust_decimal::Decimal;

use crate::table::{cents, shares, Align, Table};
use crate::write::date;
use crate::CliResult;

#[derive(Subcommand)]
pub enum ComputeCmd {
    /// GPU orders (model, vendor, quantity, unit price, date, delivery schedule, funding round).
    #[command(subcommand)]
    Order(OrderCmd),
    /// The plan's terms: facility and networking, power, depreciation, cash, burn and revenue.
    #[command(subcommand)]
    Terms(TermsCmd),
    /// The monthly projection: deliveries, capex, power, depreciation, cash and runway.
    Projection(ProjectionArgs),
}

#[derive(Subcommand)]
pub enum OrderCmd {
    /// Record a GPU order.
    Add(OrderAddArgs),
    /// The recorded orders and the use of proceeds.
    List,
    /// Cancel an order (the correction: the order stays recorded, the plan leaves it out).
    Cancel {
        /// The order's number (from `compute order list`).
        order: String,
        #[arg(long)]
        reason: String,
    },
}

// Parsed once per run; boxing the larger variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum TermsCmd {
    /// Set terms from the flags given (a new record of each group changed; the latest is in force).
    Set(TermsSetArgs),
    /// The terms in force.
    Show,
}

#[derive(Args)]
pub struct OrderAddArgs {
    /// The GPU model, e.g. H100.
    #[arg(long)]
    pub model: String,
    #[arg(long)]
    pub vendor: String,
    /// Number of GPUs.
    #[arg(long)]
    pub quantity: String,
    /// Price per GPU (the book's currency).
    #[arg(long)]
    pub unit_price: String,
    /// Order date (YYYY-MM-DD).
    #[arg(long)]
    pub date: String,
    /// A delivery: MONTH=GPUS, e.g. 2024-06=30000 (repeat; default: all in the order's month).
    #[arg(long, value_name = "YYYY-MM=N")]
    pub deliver: Vec<String>,
    /// The round whose money pays for the order (use of proceeds), by name or #id.
    #[arg(long)]
    pub round: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Args)]
pub struct TermsSetArgs {
    /// Infrastructure (networking, servers, cooling...) capex per $ of GPU capex, e.g. 0.65.
    #[arg(long)]
    pub infra_ratio: Option<String>,
    /// A one-off facility capex, paid in --facility-month.
    #[arg(long)]
    pub facility_capex: Option<String>,
    #[arg(long, value_name = "YYYY-MM")]
    pub facility_month: Option<String>,
    /// All-in IT power per GPU, kW (e.g. 1.275 for H100 in a DGX).
    #[arg(long)]
    pub kw_per_gpu: Option<String>,
    /// Power usage effectiveness (at least 1).
    #[arg(long)]
    pub pue: Option<String>,
    /// Electricity price per kWh.
    #[arg(long)]
    pub usd_per_kwh: Option<String>,
    /// Hours in a month (730 = 8,760 / 12).
    #[arg(long)]
    pub hours_per_month: Option<String>,
    /// Depreciation life in years (straight line).
    #[arg(long)]
    pub years: Option<String>,
    /// Cash at the start of --cash-month.
    #[arg(long)]
    pub cash: Option<String>,
    /// The first month of the projection, whose opening cash is --cash.
    #[arg(long, value_name = "YYYY-MM")]
    pub cash_month: Option<String>,
    /// Other (non-compute) spend in the first month.
    #[arg(long)]
    pub burn: Option<String>,
    /// Annual growth of other burn, e.g. 0.20 for 20% a year.
    #[arg(long)]
    pub burn_growth: Option<String>,
    /// Revenue in the first month.
    #[arg(long)]
    pub revenue: Option<String>,
    /// Annual growth of revenue, e.g. 1 for 100% a year.
    #[arg(long)]
    pub revenue_growth: Option<String>,
    /// A note recorded with every group changed.
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Args)]
pub struct ProjectionArgs {
    /// Months to show.
    #[arg(long, default_value = "36")]
    pub months: String,
    /// The first month shown (default: the cash month).
    #[arg(long, value_name = "YYYY-MM")]
    pub from: Option<String>,
}

pub fn run(book: &Path, c: ComputeCmd, json: bool, out: &mut String) -> CliResult {
    match c {
        ComputeCmd::Order(OrderCmd::Add(a)) => order_add(book, a, json, out),
        ComputeCmd::Order(OrderCmd::List) => order_list(book, json, out),
        ComputeCmd::Order(OrderCmd::Cancel { order, reason }) => {
            let id = order
                .trim()
                .trim_start_matches('#')
                .parse::<i64>()
                .map_err(|_| {
                    LedgerError::invalid("order", format!("'{order}' is not an order number"))
                })?;
            Store::open(book)?.cancel_compute_order(roundbook_compute::GpuOrderId(id), &reason)?;
            let _ = writeln!(out, "Cancelled GPU order #{id}.");
            Ok(())
        }
        ComputeCmd::Terms(TermsCmd::Set(a)) => terms_set(book, a, json, out),
        ComputeCmd::Terms(TermsCmd::Show) => terms_show(book, json, out),
        ComputeCmd::Projection(a) => show_projection(book, a, json, out),
    }
}

// ---- parsing -------------------------------------------------------------------

fn gpus(field: &'static str, s: &str) -> Result<u64, LedgerError> {
    let t = s.trim();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(LedgerError::invalid(
            field,
            format!("'{s}' is not a whole number of GPUs (digits only, e.g. 100000)"),
        ));
    }
    t.parse::<u64>()
        .map_err(|_| LedgerError::invalid(field, format!("'{s}' is too large")))
}

fn delivery(s: &str) -> Result<Delivery, LedgerError> {
    let (m, n) = s.split_once('=').ok_or_else(|| {
        LedgerError::invalid(
            "deliveries",
            format!("'{s}' is not MONTH=GPUS (e.g. 2024-06=30000)"),
        )
    })?;
    Ok(Delivery {
        month: parse_month("deliveries", m)?,
        quantity: gpus("deliveries", n)?,
    })
}

fn find_round(rounds: &[FundingRound], key: &str) -> Result<RoundId, LedgerError> {
    let k = key.trim();
    let by_id = k
        .trim_start_matches('#')
        .parse::<i64>()
        .ok()
        .and_then(|n| rounds.iter().find(|r| r.id.0 == n));
    by_id
        .or_else(|| rounds.iter().find(|r| r.name.eq_ignore_ascii_case(k)))
        .map(|r| r.id)
        .ok_or_else(|| {
            LedgerError::unknown(
                "round",
                format!("no round '{key}' in the book (see `roundbook round list`)"),
            )
        })
}

fn note(n: Option<String>) -> Option<String> {
    n.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

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
    let mut store = open(book)?;
    let mut added: Option<NewGpuOrder> = None;
    let (ids, _) = store.transact_compute(|cb| {
        let cur = cb.plan.currency;
        let quantity = gpus("quantity", &a.quantity)?;
        let unit_price = Money::parse("unit_price", &a.unit_price, cur)?;
        let ordered = date("date", &a.date)?;
        let mut deliveries = a
            .deliver
            .iter()
            .map(|d| delivery(d))
            .collect::<Result<Vec<_>, _>>()?;
        if deliveries.is_empty() {
            deliveries.push(Delivery {
                month: first_of_month(ordered),
                quantity,
            });
        }
        deliveries.sort_by_key(|d| d.month);
        let round = a
            .round
            .as_deref()
            .map(|r| find_round(&cb.rounds, r))
            .transpose()?;
        let order = NewGpuOrder {
            model: a.model.trim().to_string(),
            vendor: a.vendor.trim().to_string(),
            quantity,
            unit_price,
            ordered,
            deliveries,
            round,
            provenance: Provenance::Recorded,
            note: note(a.note.clone()),
        };
        added = Some(order.clone());
        Ok((vec![order], cb.plan.terms.clone()))
    })?;
    let (Some(id), Some(order)) = (ids.first(), added) else {
        return Ok(());
    };
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

fn deliveries_text(o: &NewGpuOrder) -> String {
    o.deliveries
        .iter()
        .map(|d| format!("{} {}", month_text(d.month), shares(d.quantity)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn round_name(rounds: &[FundingRound], id: Option<RoundId>) -> String {
    id.map_or(String::new(), |id| {
        rounds
            .iter()
            .find(|r| r.id == id)
            .map_or_else(|| format!("#{id}"), |r| r.name.clone())
    })
}

fn proceeds_table(u: &[UseOfProceeds], out: &mut String) {
    if u.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nUse of proceeds (infra at the ratio in force)");
    let mut t = Table::new(&[
        ("Round", Align::Left),
        ("Raised", Align::Right),
        ("GPUs", Align::Right),
        ("GPU capex", Align::Right),
        ("Infra capex", Align::Right),
        ("Allocated", Align::Right),
        ("Unallocated", Align::Right),
    ]);
    for p in u {
        t.row(vec![
            p.name.clone(),
            cents(&p.raised),
            shares(p.gpus),
            cents(&p.gpu_capex),
            cents(&p.infra_capex),
            cents(&p.allocated),
            cents(&p.unallocated),
        ]);
    }
    out.push_str(&t.render());
}

fn order_list(book: &Path, json: bool, out: &mut String) -> CliResult {
    let cb = open(book)?.load_compute()?;
    let proceeds = use_of_proceeds(&cb.plan, &cb.rounds)?;
    if json {
        print_json(
            out,
            serde_json::json!({"orders": to_json(&cb.plan.orders), "use_of_proceeds": to_json(&proceeds)}),
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
    let mut t = Table::new(&[
        ("#", Align::Right),
        ("Model", Align::Left),
        ("Vendor", Align::Left),
        ("GPUs", Align::Right),
        ("Unit price", Align::Right),
        ("Amount", Align::Right),
        ("Ordered", Align::Left),
        ("Deliveries", Align::Left),
        ("Round", Align::Left),
        ("Basis", Align::Left),
    ]);
    for o in &cb.plan.orders {
        let r = &o.order;
        t.row(vec![
            o.id.to_string(),
            r.model.clone(),
            r.vendor.clone(),
            shares(r.quantity),
            cents(&r.unit_price),
            r.amount().map(|m| cents(&m)).unwrap_or_default(),
            r.ordered.to_string(),
            deliveries_text(r),
            round_name(&cb.rounds, r.round),
            r.provenance.name().into(),
        ]);
    }
    out.push_str(&t.render());
    proceeds_table(&proceeds, out);
    for o in cb.plan.orders.iter().filter(|o| o.order.note.is_some()) {
        let _ = writeln!(
            out,
            "\n#{}: {}",
            o.id,
            o.order.note.as_deref().unwrap_or_default()
        );
    }
    Ok(())
}

fn dec(field: &'static str, s: &Option<String>) -> Result<Option<Decimal>, LedgerError> {
    s.as_deref().map(|s| parse_decimal(field, s)).transpose()
}

fn apply_terms(cb: &ComputeBook, a: &TermsSetArgs) -> Result<Terms, LedgerError> {
    let cur = cb.plan.currency;
    let mut t = cb.plan.terms.clone();
    let money = |field: &'static str, s: &Option<String>| {
        s.as_deref()
            .map(|s| Money::parse(field, s, cur))
            .transpose()
    };
    let month = |field: &'static str, s: &Option<String>| {
        s.as_deref().map(|s| parse_month(field, s)).transpose()
    };
    let n = note(a.note.clone());
    let mut touched = false;
    let mut mark = |provenance: &mut Provenance, note: &mut Option<String>| {
        *provenance = Provenance::Recorded;
        note.clone_from(&n);
        touched = true;
    };

    let f = &mut t.facility;
    let (ratio, capex, fmonth) = (
        dec("infra_ratio", &a.infra_ratio)?,
        money("facility_capex", &a.facility_capex)?,
        month("facility_month", &a.facility_month)?,
    );
    if ratio.is_some() || capex.is_some() || fmonth.is_some() {
        f.infra_ratio = ratio.unwrap_or(f.infra_ratio);
        f.capex = capex.unwrap_or(f.capex);
        f.capex_month = fmonth.or(f.capex_month);
        mark(&mut f.provenance, &mut f.note);
    }
    let p = &mut t.power;
    let (kw, pue, price, hours) = (
        dec("kw_per_gpu", &a.kw_per_gpu)?,
        dec("pue", &a.pue)?,
        dec("usd_per_kwh", &a.usd_per_kwh)?,
        dec("hours_per_month", &a.hours_per_month)?,
    );
    if kw.is_some() || pue.is_some() || price.is_some() || hours.is_some() {
        p.kw_per_gpu = kw.unwrap_or(p.kw_per_gpu);
        p.pue = pue.unwrap_or(p.pue);
        p.usd_per_kwh = price.unwrap_or(p.usd_per_kwh);
        p.hours_per_month = hours.unwrap_or(p.hours_per_month);
        mark(&mut p.provenance, &mut p.note);
    }
    if let Some(y) = &a.years {
        let years = y
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|_| y.trim().chars().all(|c| c.is_ascii_digit()))
            .ok_or_else(|| {
                LedgerError::invalid("years", format!("'{y}' is not a whole number of years"))
            })?;
        t.depreciation.years = years;
        let d = &mut t.depreciation;
        mark(&mut d.provenance, &mut d.note);
    }
    let o = &mut t.operating;
    let (cash, cmonth, burn, bg, rev, rg) = (
        money("cash", &a.cash)?,
        month("cash_month", &a.cash_month)?,
        money("burn", &a.burn)?,
        dec("burn_growth", &a.burn_growth)?,
        money("revenue", &a.revenue)?,
        dec("revenue_growth", &a.revenue_growth)?,
    );
    if cash.is_some()
        || cmonth.is_some()
        || burn.is_some()
        || bg.is_some()
        || rev.is_some()
        || rg.is_some()
    {
        o.opening_cash = cash.unwrap_or(o.opening_cash);
        o.cash_month = cmonth.or(o.cash_month);
        o.burn_per_month = burn.unwrap_or(o.burn_per_month);
        o.burn_growth_annual = bg.unwrap_or(o.burn_growth_annual);
        o.revenue_per_month = rev.unwrap_or(o.revenue_per_month);
        o.revenue_growth_annual = rg.unwrap_or(o.revenue_growth_annual);
        mark(&mut o.provenance, &mut o.note);
    }
    if !touched {
        return Err(LedgerError::invalid(
            "terms",
            "give at least one term to set (see `roundbook compute terms set --help`)",
        ));
    }
    Ok(t)
}

fn terms_set(book: &Path, a: TermsSetArgs, json: bool, out: &mut String) -> CliResult {
    let mut store = open(book)?;
    let mut new_terms = None;
    let (_, groups) = store.transact_compute(|cb| {
        let t = apply_terms(cb, &a)?;
        new_terms = Some(t.clone());
        Ok((vec![], t))
    })?;
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
    proceeds_table(&proceeds, out);
    Ok(())
}

fn runway_text(r: &Runway) -> String {
    match r {
        Runway::Months { months } => format!("{months} mo"),
        Runway::CashPositive => "cash positive".into(),
        Runway::OutOfCash => "out of cash".into(),
    }
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
    let mut t = Table::new(&[
        ("Month", Align::Left),
        ("Delivered", Align::Right),
        ("Installed", Align::Right),
        ("MW", Align::Right),
        ("Capex", Align::Right),
        ("Power", Align::Right),
        ("Depreciation", Align::Right),
        ("Other burn", Align::Right),
        ("Revenue", Align::Right),
        ("Net cash flow", Align::Right),
        ("Closing cash", Align::Right),
        ("Runway", Align::Right),
    ]);
    for r in &p.rows {
        t.row(vec![
            month_text(r.month),
            shares(r.delivered),
            shares(r.installed),
            {
                let mut mw = r.power_mw.round_dp(1);
                mw.rescale(1);
                group_thousands(&mw.to_string())
            },
            cents(&r.capex),
            cents(&r.power),
            cents(&r.depreciation),
            cents(&r.other_burn),
            cents(&r.revenue),
            cents(&r.net_cash_flow),
            cents(&r.closing_cash),
            runway_text(&r.runway),
        ]);
    }
    t.rule();
    let s = &p.totals;
    t.row(vec![
        "Total".into(),
        shares(p.rows.iter().map(|r| r.delivered).sum()),
        String::new(),
        String::new(),
        cents(&s.capex),
        cents(&s.power),
        cents(&s.depreciation),
        cents(&s.other_burn),
        cents(&s.revenue),
        cents(&s.net_cash_flow),
        cents(&p.closing_cash),
        String::new(),
    ]);
    out.push_str(&t.render());
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
