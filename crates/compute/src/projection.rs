//! The monthly projection: deliveries, installed GPUs, capex, power, depreciation,
//! other burn, revenue, cash and runway. Conventions (docs/compute.md):
//!
//! - Month 1 is the cash month (`OperatingAssumptions::cash_month`, else the month of
//!   the first delivery); the opening cash is the cash at its start. `from` only chooses
//!   the first month shown; the cash is rolled forward from month 1 to it.
//! - A delivery is installed, powered and paid for (GPU and infra capex) in its month.
//!   Deliveries before month 1 count as installed; their capex is already out of the
//!   opening cash.
//! - Depreciation is straight line per delivered batch (and per facility capex), zero
//!   salvage, over years x 12 months starting the month *after* delivery: each month the
//!   batch's capex / months rounded down to the cent, the last month the remainder, so a
//!   batch depreciates to exactly its capex. It is not a cash flow.
//! - Growth compounds monthly: amount_m = amount_1 x (1 + g)^((m-1)/12), rounded half
//!   away from zero to the cent. Whole years use an exact integer power; other months
//!   rust_decimal's `checked_powd` (the `maths` feature: integer arithmetic, deterministic).
//! - Every flow is rounded to the cent once, then summed exactly: closing cash = opening
//!   cash + net cash flow, every month, to the cent.
//! - Runway = closing cash / net burn, where net burn = power + other burn - revenue
//!   (capex is planned, not burn), rounded down to 0.1 month; "cash positive" when the
//!   net burn is zero or less, "out of cash" when the closing cash is below zero.

use chrono::NaiveDate;
use roundbook_ledger::{Currency, FundingRound, LedgerError, Money, RoundId};
use rust_decimal::{Decimal, MathematicalOps, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::{add_months, first_of_month, month_text, months_between, Plan, Result};

/// The longest projection, in months (50 years).
pub const MAX_MONTHS: u32 = 600;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Runway {
    /// Months of cash left at this month's net burn, rounded down to 0.1.
    Months {
        #[serde(with = "rust_decimal::serde::str")]
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        months: Decimal,
    },
    /// Not burning: revenue covers power and other burn.
    CashPositive,
    /// The closing cash is below zero.
    OutOfCash,
}

impl Runway {
    pub fn describe(&self) -> String {
        match self {
            Runway::Months { months } => format!("{months} months"),
            Runway::CashPositive => "cash positive".into(),
            Runway::OutOfCash => "out of cash".into(),
        }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthRow {
    /// The first day of the month.
    pub month: NaiveDate,
    /// 1 for the cash month.
    pub index: u32,
    pub delivered: u64,
    pub installed: u64,
    /// Facility power draw: installed x kW x PUE / 1000.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub power_mw: Decimal,
    pub gpu_capex: Money,
    /// Infra (networking etc.) on this month's deliveries plus any facility capex.
    pub infra_capex: Money,
    pub capex: Money,
    pub power: Money,
    pub depreciation: Money,
    pub accumulated_depreciation: Money,
    pub other_burn: Money,
    pub revenue: Money,
    /// revenue - capex - power - other burn.
    pub net_cash_flow: Money,
    pub opening_cash: Money,
    pub closing_cash: Money,
    /// Capex + power since month 1 (compute spend, as docs/model.md step 6).
    pub cumulative_spend: Money,
    /// power + other burn - revenue.
    pub net_burn: Money,
    pub runway: Runway,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectionTotals {
    pub gpu_capex: Money,
    pub infra_capex: Money,
    pub capex: Money,
    pub power: Money,
    pub depreciation: Money,
    pub other_burn: Money,
    pub revenue: Money,
    pub net_cash_flow: Money,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Projection {
    /// Month 1: the month of the opening cash.
    pub cash_month: NaiveDate,
    /// The first month shown.
    pub from: NaiveDate,
    pub months: u32,
    /// Cash at the start of `from`.
    pub opening_cash: Money,
    pub closing_cash: Money,
    pub rows: Vec<MonthRow>,
    /// Sums over the months shown.
    pub totals: ProjectionTotals,
}

/// A round's money and the orders it funds.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UseOfProceeds {
    pub round: RoundId,
    pub name: String,
    pub raised: Money,
    pub orders: Vec<crate::GpuOrderId>,
    pub gpus: u64,
    /// Quantity x unit price over the round's orders.
    pub gpu_capex: Money,
    /// Infra capex on those orders at the ratio in force.
    pub infra_capex: Money,
    pub allocated: Money,
    /// raised - allocated (negative when the infra pushes past the round).
    pub unallocated: Money,
}

fn overflow() -> LedgerError {
    LedgerError::invalid(
        "amount",
        "the plan's amounts are too large to compute exactly",
    )
}

fn cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn mul(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_mul(b).ok_or_else(overflow)
}

fn add(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_add(b).ok_or_else(overflow)
}

fn sub(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_sub(b).ok_or_else(overflow)
}

/// amount_1 x (1 + g)^((m-1)/12), to the cent.
pub(crate) fn grown(amount: Decimal, g: Decimal, m: u32) -> Result<Decimal> {
    if g.is_zero() || m <= 1 || amount.is_zero() {
        return Ok(cents(amount));
    }
    let base = Decimal::ONE + g;
    let e = m - 1;
    let factor = if (e / 12) * 12 == e {
        base.checked_powi(i64::from(e / 12))
    } else {
        base.checked_powd(Decimal::from(e) / Decimal::from(12))
    }
    .ok_or_else(overflow)?;
    Ok(cents(mul(amount, factor)?))
}

/// One depreciable batch: a delivery's GPU + infra capex, or a facility capex.
struct Batch {
    month: NaiveDate,
    gpus: u64,
    gpu_capex: Decimal,
    infra_capex: Decimal,
}

impl Batch {
    fn capex(&self) -> Decimal {
        self.gpu_capex + self.infra_capex
    }

    /// Straight line from the month after delivery: capex / life rounded down to the
    /// cent, the last month the remainder.
    fn depreciation(&self, month: NaiveDate, life: u32) -> Result<Decimal> {
        let k = months_between(self.month, month);
        if k < 1 || k > i64::from(life) {
            return Ok(Decimal::ZERO);
        }
        let capex = self.capex();
        let per = (capex / Decimal::from(life)).round_dp_with_strategy(2, RoundingStrategy::ToZero);
        if k == i64::from(life) {
            sub(capex, mul(per, Decimal::from(life - 1))?)
        } else {
            Ok(per)
        }
    }
}

fn batches(plan: &Plan) -> Result<Vec<Batch>> {
    let ratio = plan.terms.facility.infra_ratio;
    let mut out = vec![];
    for o in &plan.orders {
        for d in &o.order.deliveries {
            let gpu = cents(mul(o.order.unit_price.amount, Decimal::from(d.quantity))?);
            out.push(Batch {
                month: d.month,
                gpus: d.quantity,
                gpu_capex: gpu,
                infra_capex: cents(mul(gpu, ratio)?),
            });
        }
    }
    let f = &plan.terms.facility;
    if let (true, Some(month)) = (f.capex.is_positive(), f.capex_month) {
        out.push(Batch {
            month,
            gpus: 0,
            gpu_capex: Decimal::ZERO,
            infra_capex: cents(f.capex.amount),
        });
    }
    Ok(out)
}

/// The projection of `months` months from `from` (default: the cash month).
pub fn projection(plan: &Plan, from: Option<NaiveDate>, months: u32) -> Result<Projection> {
    let cur: Currency = plan.currency;
    plan.terms.validate(cur)?;
    if months == 0 || months > MAX_MONTHS {
        return Err(LedgerError::invalid(
            "months",
            format!("{months}: a projection runs 1 to {MAX_MONTHS} months"),
        ));
    }
    let batches = batches(plan)?;
    let op = &plan.terms.operating;
    let cash_month = match op.cash_month {
        Some(m) => m,
        None => batches.iter().map(|b| b.month).min().ok_or_else(|| {
            LedgerError::invalid(
                "from",
                "the plan has no orders and no cash month; set one with `compute terms set --cash-month`",
            )
        })?,
    };
    let from = first_of_month(from.unwrap_or(cash_month));
    let skip = months_between(cash_month, from);
    if skip < 0 {
        return Err(LedgerError::invalid(
            "from",
            format!(
                "{} is before the cash month {}; the opening cash is as of {}",
                month_text(from),
                month_text(cash_month),
                month_text(cash_month)
            ),
        ));
    }
    let skip = u32::try_from(skip)
        .ok()
        .filter(|s| s + months <= 2 * MAX_MONTHS)
        .ok_or_else(|| {
            LedgerError::invalid("from", "more than 1,200 months after the cash month")
        })?;
    let life = plan.terms.depreciation.years * 12;
    let power = &plan.terms.power;
    let rate = mul(
        mul(mul(power.kw_per_gpu, power.pue)?, power.hours_per_month)?,
        power.usd_per_kwh,
    )?;

    let mut installed: u64 = batches
        .iter()
        .filter(|b| b.month < cash_month)
        .map(|b| b.gpus)
        .sum();
    let mut accumulated = Decimal::ZERO;
    // Depreciation of batches from before month 1, up to its start.
    for b in &batches {
        let mut m = add_months(b.month, 1)?;
        while m < cash_month && months_between(b.month, m) <= i64::from(life) {
            accumulated = add(accumulated, b.depreciation(m, life)?)?;
            m = add_months(m, 1)?;
        }
    }
    let mut cash = cents(op.opening_cash.amount);
    let mut spend = Decimal::ZERO;
    let money = |d: Decimal| Money::new(d, cur);
    let mut rows = vec![];
    let mut opening_shown = money(cash);
    for i in 0..skip + months {
        let month = add_months(cash_month, i)?;
        let index = i + 1;
        let mut delivered = 0u64;
        let mut gpu_capex = Decimal::ZERO;
        let mut infra_capex = Decimal::ZERO;
        let mut depreciation = Decimal::ZERO;
        for b in &batches {
            if b.month == month {
                delivered += b.gpus;
                gpu_capex = add(gpu_capex, b.gpu_capex)?;
                infra_capex = add(infra_capex, b.infra_capex)?;
            }
            depreciation = add(depreciation, b.depreciation(month, life)?)?;
        }
        installed += delivered;
        accumulated = add(accumulated, depreciation)?;
        let capex = add(gpu_capex, infra_capex)?;
        let power_cost = cents(mul(Decimal::from(installed), rate)?);
        let other_burn = grown(op.burn_per_month.amount, op.burn_growth_annual, index)?;
        let revenue = grown(op.revenue_per_month.amount, op.revenue_growth_annual, index)?;
        let net = sub(sub(sub(revenue, capex)?, power_cost)?, other_burn)?;
        let opening = cash;
        cash = add(cash, net)?;
        spend = add(spend, add(capex, power_cost)?)?;
        let net_burn = sub(add(power_cost, other_burn)?, revenue)?;
        let runway = if net_burn <= Decimal::ZERO {
            Runway::CashPositive
        } else if cash < Decimal::ZERO {
            Runway::OutOfCash
        } else {
            Runway::Months {
                months: (cash / net_burn).round_dp_with_strategy(1, RoundingStrategy::ToZero),
            }
        };
        if i == skip {
            opening_shown = money(opening);
        }
        if i >= skip {
            rows.push(MonthRow {
                month,
                index,
                delivered,
                installed,
                power_mw: power.megawatts(installed).normalize(),
                gpu_capex: money(gpu_capex),
                infra_capex: money(infra_capex),
                capex: money(capex),
                power: money(power_cost),
                depreciation: money(depreciation),
                accumulated_depreciation: money(accumulated),
                other_burn: money(other_burn),
                revenue: money(revenue),
                net_cash_flow: money(net),
                opening_cash: money(opening),
                closing_cash: money(cash),
                cumulative_spend: money(spend),
                net_burn: money(net_burn),
                runway,
            });
        }
    }
    let sum = |f: fn(&MonthRow) -> Decimal| -> Result<Money> {
        rows.iter()
            .try_fold(Decimal::ZERO, |acc, r| add(acc, f(r)))
            .map(money)
    };
    let totals = ProjectionTotals {
        gpu_capex: sum(|r| r.gpu_capex.amount)?,
        infra_capex: sum(|r| r.infra_capex.amount)?,
        capex: sum(|r| r.capex.amount)?,
        power: sum(|r| r.power.amount)?,
        depreciation: sum(|r| r.depreciation.amount)?,
        other_burn: sum(|r| r.other_burn.amount)?,
        revenue: sum(|r| r.revenue.amount)?,
        net_cash_flow: sum(|r| r.net_cash_flow.amount)?,
    };
    Ok(Projection {
        cash_month,
        from,
        months,
        opening_cash: opening_shown,
        closing_cash: money(cash),
        rows,
        totals,
    })
}

/// For each round that funds orders: what it raised and what the orders take.
pub fn use_of_proceeds(plan: &Plan, rounds: &[FundingRound]) -> Result<Vec<UseOfProceeds>> {
    let cur = plan.currency;
    let ratio = plan.terms.facility.infra_ratio;
    let mut out = vec![];
    for r in rounds {
        let funded: Vec<_> = plan
            .orders
            .iter()
            .filter(|o| o.order.round == Some(r.id))
            .collect();
        if funded.is_empty() {
            continue;
        }
        let mut gpu = Decimal::ZERO;
        let mut infra = Decimal::ZERO;
        let mut gpus = 0u64;
        for o in &funded {
            for d in &o.order.deliveries {
                let g = cents(mul(o.order.unit_price.amount, Decimal::from(d.quantity))?);
                gpu = add(gpu, g)?;
                infra = add(infra, cents(mul(g, ratio)?))?;
            }
            gpus += o.order.quantity;
        }
        let allocated = add(gpu, infra)?;
        out.push(UseOfProceeds {
            round: r.id,
            name: r.name.clone(),
            raised: r.amount_raised,
            orders: funded.iter().map(|o| o.id).collect(),
            gpus,
            gpu_capex: Money::new(gpu, cur),
            infra_capex: Money::new(infra, cur),
            allocated: Money::new(allocated, cur),
            unallocated: Money::new(sub(r.amount_raised.amount, allocated)?, cur),
        });
    }
    Ok(out)
}
