//! The compute plan's entries: a GPU order, its cancellation, and the plan's terms
//! (docs/compute.md). They are kept beside the journal, in their own append-only tables, so
//! they are submitted through `Store::transact_compute` rather than as journal movements.

use roundbook_compute::{first_of_month, parse_month, Delivery, GpuOrderId, NewGpuOrder, Terms};
use roundbook_ledger::{FundingRound, LedgerError, Provenance, RoundId};
use roundbook_store::{ComputeBook, Store};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::parse::*;
use crate::{Error, Result};

/// A round by name or #id, among the book's rounds.
fn round(rounds: &[FundingRound], field: &str, text: &str) -> Result<RoundId> {
    let k = required(field, text)?;
    let by_id = k
        .trim_start_matches('#')
        .parse::<i64>()
        .ok()
        .and_then(|n| rounds.iter().find(|r| r.id.0 == n));
    by_id
        .or_else(|| rounds.iter().find(|r| r.name.eq_ignore_ascii_case(k)))
        .map(|r| r.id)
        .ok_or_else(|| {
            Error::from(LedgerError::unknown(
                "round",
                format!("no round '{k}' in the book (see `roundbook round list`)"),
            ))
            .on_field(field)
        })
}

/// "MONTH=GPUS": a delivery of part of an order.
fn delivery(field: &str, text: &str) -> Result<Delivery> {
    let (m, n) = text.split_once('=').ok_or_else(|| {
        Error::invalid(
            field,
            format!("'{text}' is not MONTH=GPUS (e.g. 2024-06=30000)"),
        )
    })?;
    Ok(Delivery {
        month: parse_month("month", m).map_err(|e| Error::from(e).on_field(field))?,
        quantity: count(field, n)?,
    })
}

/// A month, YYYY-MM.
fn month(field: &str, text: &str) -> Result<Option<chrono::NaiveDate>> {
    match text.trim() {
        "" => Ok(None),
        t => Ok(Some(
            parse_month("month", t).map_err(|e| Error::from(e).on_field(field))?,
        )),
    }
}

/// A GPU order: `roundbook compute order add`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct GpuOrderForm {
    pub model: String,
    pub vendor: String,
    pub quantity: String,
    /// Price per GPU, in the book's currency.
    pub unit_price: String,
    pub date: String,
    /// Each "MONTH=GPUS"; none: all in the order's month.
    pub deliveries: Vec<String>,
    /// The round whose money pays for it (use of proceeds), by name or #id; empty: none.
    pub round: String,
    pub note: String,
}

/// An order as recorded, with its number.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RecordedOrder {
    pub id: GpuOrderId,
    #[serde(flatten)]
    #[ts(flatten)]
    pub order: NewGpuOrder,
}

impl GpuOrderForm {
    pub fn order(&self, cb: &ComputeBook) -> Result<NewGpuOrder> {
        let quantity = count("quantity", &self.quantity)?;
        let unit_price = money_in(cb.plan.currency, "unit_price", &self.unit_price)?;
        let ordered = date("date", &self.date)?;
        let mut deliveries = self
            .deliveries
            .iter()
            .filter(|d| !d.trim().is_empty())
            .map(|d| delivery("deliveries", d))
            .collect::<Result<Vec<_>>>()?;
        if deliveries.is_empty() {
            deliveries.push(Delivery {
                month: first_of_month(ordered),
                quantity,
            });
        }
        deliveries.sort_by_key(|d| d.month);
        Ok(NewGpuOrder {
            model: required("model", &self.model)?.to_string(),
            vendor: required("vendor", &self.vendor)?.to_string(),
            quantity,
            unit_price,
            ordered,
            deliveries,
            round: match self.round.trim() {
                "" => None,
                r => Some(round(&cb.rounds, "round", r)?),
            },
            provenance: Provenance::Recorded,
            note: memo(&self.note),
        })
    }

    /// One transaction: the order checked against the plan and the book's rounds, then written.
    pub fn submit(&self, store: &mut Store) -> Result<RecordedOrder> {
        let mut added = None;
        let (ids, _) = store.transact_compute(|cb| {
            let order = self.order(cb)?;
            added = Some(order.clone());
            Ok::<_, Error>((vec![order], cb.plan.terms.clone()))
        })?;
        match (ids.first(), added) {
            (Some(id), Some(order)) => Ok(RecordedOrder { id: *id, order }),
            _ => Err(Error::from(LedgerError::invalid(
                "order",
                "nothing was recorded",
            ))),
        }
    }
}

/// A GPU order cancelled (the correction: the order stays recorded, the plan leaves it out).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct OrderCancellationForm {
    /// The order's number, with or without '#'.
    pub order: String,
    pub reason: String,
}

impl OrderCancellationForm {
    pub fn submit(&self, store: &mut Store) -> Result<GpuOrderId> {
        let t = required("order", &self.order)?;
        let id = t
            .trim_start_matches('#')
            .parse::<i64>()
            .map_err(|_| Error::invalid("order", format!("'{t}' is not an order number")))?;
        let id = GpuOrderId(id);
        store.cancel_compute_order(id, &self.reason)?;
        Ok(id)
    }
}

/// The plan's terms: `roundbook compute terms set`. Each empty field keeps the term in force;
/// a group given (facility, power, depreciation, operating) is recorded anew with the note.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct ComputeTermsForm {
    pub infra_ratio: String,
    pub facility_capex: String,
    pub facility_month: String,
    pub kw_per_gpu: String,
    pub pue: String,
    pub usd_per_kwh: String,
    pub hours_per_month: String,
    pub years: String,
    pub cash: String,
    pub cash_month: String,
    pub burn: String,
    pub burn_growth: String,
    pub revenue: String,
    pub revenue_growth: String,
    pub note: String,
}

/// The terms recorded, and which groups changed.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RecordedTerms {
    pub recorded: Vec<&'static str>,
    pub terms: Terms,
}

impl ComputeTermsForm {
    /// The terms in force with this form's fields laid over them.
    pub fn terms(&self, cb: &ComputeBook) -> Result<Terms> {
        let cur = cb.plan.currency;
        let mut t = cb.plan.terms.clone();
        let money = |field: &str, s: &str| optional_money_in(cur, field, s);
        let dec = optional_decimal;
        let note = memo(&self.note);
        let mut touched = false;
        let mut mark = |provenance: &mut Provenance, n: &mut Option<String>| {
            *provenance = Provenance::Recorded;
            n.clone_from(&note);
            touched = true;
        };

        let f = &mut t.facility;
        let (ratio, capex, fmonth) = (
            dec("infra_ratio", &self.infra_ratio)?,
            money("facility_capex", &self.facility_capex)?,
            month("facility_month", &self.facility_month)?,
        );
        if ratio.is_some() || capex.is_some() || fmonth.is_some() {
            f.infra_ratio = ratio.unwrap_or(f.infra_ratio);
            f.capex = capex.unwrap_or(f.capex);
            f.capex_month = fmonth.or(f.capex_month);
            mark(&mut f.provenance, &mut f.note);
        }
        let p = &mut t.power;
        let (kw, pue, price, hours) = (
            dec("kw_per_gpu", &self.kw_per_gpu)?,
            dec("pue", &self.pue)?,
            dec("usd_per_kwh", &self.usd_per_kwh)?,
            dec("hours_per_month", &self.hours_per_month)?,
        );
        if kw.is_some() || pue.is_some() || price.is_some() || hours.is_some() {
            p.kw_per_gpu = kw.unwrap_or(p.kw_per_gpu);
            p.pue = pue.unwrap_or(p.pue);
            p.usd_per_kwh = price.unwrap_or(p.usd_per_kwh);
            p.hours_per_month = hours.unwrap_or(p.hours_per_month);
            mark(&mut p.provenance, &mut p.note);
        }
        if let Some(years) = optional_count("years", &self.years)? {
            t.depreciation.years = u32::try_from(years)
                .map_err(|_| Error::invalid("years", format!("'{years}' is too many years")))?;
            let d = &mut t.depreciation;
            mark(&mut d.provenance, &mut d.note);
        }
        let o = &mut t.operating;
        let (cash, cmonth, burn, bg, rev, rg) = (
            money("cash", &self.cash)?,
            month("cash_month", &self.cash_month)?,
            money("burn", &self.burn)?,
            dec("burn_growth", &self.burn_growth)?,
            money("revenue", &self.revenue)?,
            dec("revenue_growth", &self.revenue_growth)?,
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
            return Err(Error::invalid("terms", "give at least one term to set"));
        }
        Ok(t)
    }

    /// One transaction: the new terms validated with the plan, then the changed groups written.
    pub fn submit(&self, store: &mut Store) -> Result<RecordedTerms> {
        let mut new_terms = None;
        let (_, recorded) = store.transact_compute(|cb| {
            let t = self.terms(cb)?;
            new_terms = Some(t.clone());
            Ok::<_, Error>((vec![], t))
        })?;
        let terms = new_terms.ok_or_else(|| Error::invalid("terms", "nothing was recorded"))?;
        Ok(RecordedTerms { recorded, terms })
    }
}
