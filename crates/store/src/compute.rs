//! The compute plan's rows (migrations/0003_compute.sql): GPU orders with their
//! deliveries, and the terms, one append-only table per group whose latest row is in
//! force. Each command is one transaction: load, validate with roundbook-compute, then
//! write; any error writes nothing.

use chrono::{DateTime, NaiveDate, Utc};
use roundbook_compute::{
    Delivery, DepreciationTerms, Facility, GpuOrder, GpuOrderId, NewGpuOrder, OperatingAssumptions,
    Plan, PowerTerms, Terms,
};
use roundbook_ledger::money::read_stored_decimal;
use roundbook_ledger::{Company, Currency, FundingRound, LedgerError, Money, Provenance, RoundId};
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};
use rust_decimal::Decimal;

use crate::{classify, reclassify, rows, Result, Store, StoreError};

/// What the compute commands read: the company, its rounds (use of proceeds) and the plan.
#[derive(Debug, Clone)]
pub struct ComputeBook {
    pub company: Company,
    pub rounds: Vec<FundingRound>,
    pub plan: Plan,
}

fn bad(col: usize, msg: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, msg.into())
}

fn dec(row: &Row, i: usize) -> rusqlite::Result<Decimal> {
    let s: String = row.get(i)?;
    read_stored_decimal("stored", &s).map_err(|e| bad(i, e.to_string()))
}

fn money(row: &Row, i: usize, cur: Currency) -> rusqlite::Result<Money> {
    Ok(Money::new(dec(row, i)?, cur))
}

fn date(row: &Row, i: usize) -> rusqlite::Result<NaiveDate> {
    let s: String = row.get(i)?;
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| bad(i, format!("date '{s}': {e}")))
}

fn opt_date(row: &Row, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    let s: Option<String> = row.get(i)?;
    s.map(|s| {
        NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| bad(i, format!("date '{s}': {e}")))
    })
    .transpose()
}

fn provenance(row: &Row, i: usize) -> rusqlite::Result<Provenance> {
    let s: String = row.get(i)?;
    Provenance::parse(&s).ok_or_else(|| bad(i, format!("provenance '{s}'")))
}

fn count(row: &Row, i: usize) -> rusqlite::Result<u64> {
    let n: i64 = row.get(i)?;
    u64::try_from(n).map_err(|_| bad(i, format!("count {n}")))
}

fn now_text(now: DateTime<Utc>) -> String {
    now.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn load_orders(conn: &Connection, cur: Currency) -> rusqlite::Result<Vec<GpuOrder>> {
    let mut stmt = conn.prepare(
        "SELECT id, model, vendor, quantity, unit_price, ordered, round_id, provenance, note
         FROM gpu_orders WHERE id NOT IN (SELECT order_id FROM gpu_order_cancellations) ORDER BY id",
    )?;
    let mut orders = stmt
        .query_map([], |r| {
            Ok(GpuOrder {
                id: GpuOrderId(r.get(0)?),
                order: NewGpuOrder {
                    model: r.get(1)?,
                    vendor: r.get(2)?,
                    quantity: count(r, 3)?,
                    unit_price: money(r, 4, cur)?,
                    ordered: date(r, 5)?,
                    deliveries: vec![],
                    round: r.get::<_, Option<i64>>(6)?.map(RoundId),
                    provenance: provenance(r, 7)?,
                    note: r.get(8)?,
                },
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn
        .prepare("SELECT order_id, month, quantity FROM gpu_deliveries ORDER BY order_id, month")?;
    let deliveries = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                Delivery {
                    month: date(r, 1)?,
                    quantity: count(r, 2)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (order_id, d) in deliveries {
        if let Some(o) = orders.iter_mut().find(|o| o.id.0 == order_id) {
            o.order.deliveries.push(d);
        }
    }
    Ok(orders)
}

fn load_terms(conn: &Connection, cur: Currency) -> rusqlite::Result<Terms> {
    let mut terms = Terms::default_for(cur);
    if let Some(f) = conn
        .query_row(
            "SELECT infra_ratio, capex, capex_month, provenance, note FROM compute_facility ORDER BY id DESC LIMIT 1",
            [],
            |r| {
                Ok(Facility {
                    infra_ratio: dec(r, 0)?,
                    capex: money(r, 1, cur)?,
                    capex_month: opt_date(r, 2)?,
                    provenance: provenance(r, 3)?,
                    note: r.get(4)?,
                })
            },
        )
        .optional()?
    {
        terms.facility = f;
    }
    if let Some(p) = conn
        .query_row(
            "SELECT kw_per_gpu, pue, usd_per_kwh, hours_per_month, provenance, note FROM compute_power ORDER BY id DESC LIMIT 1",
            [],
            |r| {
                Ok(PowerTerms {
                    kw_per_gpu: dec(r, 0)?,
                    pue: dec(r, 1)?,
                    usd_per_kwh: dec(r, 2)?,
                    hours_per_month: dec(r, 3)?,
                    provenance: provenance(r, 4)?,
                    note: r.get(5)?,
                })
            },
        )
        .optional()?
    {
        terms.power = p;
    }
    if let Some(d) = conn
        .query_row(
            "SELECT years, provenance, note FROM compute_depreciation ORDER BY id DESC LIMIT 1",
            [],
            |r| {
                let years: i64 = r.get(0)?;
                Ok(DepreciationTerms {
                    years: u32::try_from(years).map_err(|_| bad(0, format!("years {years}")))?,
                    provenance: provenance(r, 1)?,
                    note: r.get(2)?,
                })
            },
        )
        .optional()?
    {
        terms.depreciation = d;
    }
    if let Some(o) = conn
        .query_row(
            "SELECT opening_cash, cash_month, burn_per_month, burn_growth_annual, revenue_per_month,
                    revenue_growth_annual, provenance, note
             FROM compute_operating ORDER BY id DESC LIMIT 1",
            [],
            |r| {
                Ok(OperatingAssumptions {
                    opening_cash: money(r, 0, cur)?,
                    cash_month: opt_date(r, 1)?,
                    burn_per_month: money(r, 2, cur)?,
                    burn_growth_annual: dec(r, 3)?,
                    revenue_per_month: money(r, 4, cur)?,
                    revenue_growth_annual: dec(r, 5)?,
                    provenance: provenance(r, 6)?,
                    note: r.get(7)?,
                })
            },
        )
        .optional()?
    {
        terms.operating = o;
    }
    Ok(terms)
}

fn load(conn: &Connection) -> rusqlite::Result<ComputeBook> {
    let company = rows::load_company(conn)?;
    let cur = company.currency;
    Ok(ComputeBook {
        rounds: rows::load_rounds(conn, cur)?,
        plan: Plan {
            currency: cur,
            orders: load_orders(conn, cur)?,
            terms: load_terms(conn, cur)?,
        },
        company,
    })
}

fn insert_order(conn: &Connection, o: &NewGpuOrder, now: &str) -> rusqlite::Result<GpuOrderId> {
    let quantity = i64::try_from(o.quantity).unwrap_or(i64::MAX);
    conn.execute(
        "INSERT INTO gpu_orders (model, vendor, quantity, unit_price, ordered, round_id, provenance, note, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            o.model.trim(),
            o.vendor.trim(),
            quantity,
            o.unit_price.amount.to_string(),
            o.ordered.to_string(),
            o.round.map(|r| r.0),
            o.provenance.name(),
            o.note,
            now
        ],
    )?;
    let id = conn.last_insert_rowid();
    for d in &o.deliveries {
        conn.execute(
            "INSERT INTO gpu_deliveries (order_id, month, quantity) VALUES (?1, ?2, ?3)",
            params![
                id,
                d.month.to_string(),
                i64::try_from(d.quantity).unwrap_or(i64::MAX)
            ],
        )?;
    }
    Ok(GpuOrderId(id))
}

/// Inserts each group of `new` that differs from `old` (all of them with `all`).
/// Returns the names of the groups recorded.
fn insert_terms(
    conn: &Connection,
    old: &Terms,
    new: &Terms,
    all: bool,
    now: &str,
) -> rusqlite::Result<Vec<&'static str>> {
    let mut done = vec![];
    if all || old.facility != new.facility {
        let f = &new.facility;
        conn.execute(
            "INSERT INTO compute_facility (infra_ratio, capex, capex_month, provenance, note, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                f.infra_ratio.to_string(),
                f.capex.amount.to_string(),
                f.capex_month.map(|m| m.to_string()),
                f.provenance.name(),
                f.note,
                now
            ],
        )?;
        done.push("facility");
    }
    if all || old.power != new.power {
        let p = &new.power;
        conn.execute(
            "INSERT INTO compute_power (kw_per_gpu, pue, usd_per_kwh, hours_per_month, provenance, note, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                p.kw_per_gpu.to_string(),
                p.pue.to_string(),
                p.usd_per_kwh.to_string(),
                p.hours_per_month.to_string(),
                p.provenance.name(),
                p.note,
                now
            ],
        )?;
        done.push("power");
    }
    if all || old.depreciation != new.depreciation {
        let d = &new.depreciation;
        conn.execute(
            "INSERT INTO compute_depreciation (years, provenance, note, recorded_at) VALUES (?1, ?2, ?3, ?4)",
            params![i64::from(d.years), d.provenance.name(), d.note, now],
        )?;
        done.push("depreciation");
    }
    if all || old.operating != new.operating {
        let o = &new.operating;
        conn.execute(
            "INSERT INTO compute_operating (opening_cash, cash_month, burn_per_month, burn_growth_annual,
                 revenue_per_month, revenue_growth_annual, provenance, note, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                o.opening_cash.amount.to_string(),
                o.cash_month.map(|m| m.to_string()),
                o.burn_per_month.amount.to_string(),
                o.burn_growth_annual.to_string(),
                o.revenue_per_month.amount.to_string(),
                o.revenue_growth_annual.to_string(),
                o.provenance.name(),
                o.note,
                now
            ],
        )?;
        done.push("operating");
    }
    Ok(done)
}

impl Store {
    /// Cancels a GPU order (a new record; the order's row stays): the plan leaves it out from
    /// now on. Refused for an unknown or already cancelled order, or without a reason.
    pub fn cancel_compute_order(&mut self, order: GpuOrderId, reason: &str) -> Result<()> {
        let path = self.path.clone();
        if reason.trim().is_empty() {
            return Err(LedgerError::invalid("reason", "a cancellation needs a reason").into());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| classify(&path, e))?;
        let exists: Option<i64> = tx
            .query_row("SELECT id FROM gpu_orders WHERE id = ?1", [order.0], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| classify(&path, e))?;
        if exists.is_none() {
            return Err(LedgerError::unknown("order", format!("no GPU order #{order}")).into());
        }
        let cancelled: Option<i64> = tx
            .query_row(
                "SELECT id FROM gpu_order_cancellations WHERE order_id = ?1",
                [order.0],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| classify(&path, e))?;
        if cancelled.is_some() {
            return Err(LedgerError::conflict(
                "order",
                format!("GPU order #{order} is already cancelled"),
            )
            .into());
        }
        tx.execute(
            "INSERT INTO gpu_order_cancellations (order_id, reason, recorded_at) VALUES (?1, ?2, ?3)",
            params![order.0, reason.trim(), now_text(Utc::now())],
        )
        .map_err(|e| classify(&path, e))?;
        tx.commit().map_err(|e| classify(&path, e))?;
        Ok(())
    }

    /// The compute plan: recorded orders and the terms in force (defaults for a group
    /// never set), with the company and its rounds.
    pub fn load_compute(&self) -> Result<ComputeBook> {
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(|e| classify(&self.path, e))?;
        let out = load(&tx).map_err(|e| classify(&self.path, e))?;
        tx.finish().map_err(|e| classify(&self.path, e))?;
        Ok(out)
    }

    /// Runs one compute command: under the write lock, `change` sees the plan and returns
    /// the orders to add and the terms to put in force; they are validated against the
    /// plan and the book's rounds, then written. On any error nothing is written.
    /// Returns the new orders' ids and the names of the term groups recorded.
    /// `change` speaks the caller's error type, as `Store::transact`'s does.
    pub fn transact_compute<E>(
        &mut self,
        change: impl FnOnce(&ComputeBook) -> Result<(Vec<NewGpuOrder>, Terms), E>,
    ) -> Result<(Vec<GpuOrderId>, Vec<&'static str>), E>
    where
        E: From<StoreError> + From<LedgerError>,
    {
        self.compute_write(false, change)
    }

    /// As `transact_compute`, recording every term group even where it equals the one in
    /// force (the demo records its terms explicitly, defaults included).
    pub fn record_compute_plan(
        &mut self,
        orders: Vec<NewGpuOrder>,
        terms: Terms,
    ) -> Result<Vec<GpuOrderId>> {
        Ok(self
            .compute_write(true, |_| Ok::<_, StoreError>((orders, terms)))?
            .0)
    }

    fn compute_write<E>(
        &mut self,
        all_terms: bool,
        change: impl FnOnce(&ComputeBook) -> Result<(Vec<NewGpuOrder>, Terms), E>,
    ) -> Result<(Vec<GpuOrderId>, Vec<&'static str>), E>
    where
        E: From<StoreError> + From<LedgerError>,
    {
        let path = self.path.clone();
        let now = now_text(Utc::now());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| classify(&path, e))?;
        let mut book = load(&tx).map_err(|e| classify(&path, e))?;
        let (orders, terms) = change(&book)?;
        // Validate everything before the first write.
        terms.validate(book.plan.currency)?;
        let old_terms = std::mem::replace(&mut book.plan.terms, terms.clone());
        let mut checked = book.plan.clone();
        for (i, o) in orders.iter().enumerate() {
            checked.check_order(o, book.company.founded, &book.rounds)?;
            checked.orders.push(GpuOrder {
                id: GpuOrderId(-1 - i as i64),
                order: o.clone(),
            });
        }
        let write = || -> rusqlite::Result<(Vec<GpuOrderId>, Vec<&'static str>)> {
            let mut ids = vec![];
            for o in &orders {
                ids.push(insert_order(&tx, o, &now)?);
            }
            let groups = insert_terms(&tx, &old_terms, &terms, all_terms, &now)?;
            Ok((ids, groups))
        };
        let out = write().map_err(|e| reclassify(&path, e.into()))?;
        tx.commit().map_err(|e| classify(&path, e))?;
        Ok(out)
    }
}
