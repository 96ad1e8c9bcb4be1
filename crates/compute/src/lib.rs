//! Roundbook's compute plan: GPU orders and their delivery schedules, facility and
//! networking capex, power, depreciation, use of proceeds, and a monthly projection of
//! capex, power, depreciation, cash and runway.
//!
//! This crate does no I/O (the store records plans; the CLI shows them) and never puts
//! money through a float: every amount is a `rust_decimal::Decimal`, rounded to the cent
//! at one documented place per flow (docs/compute.md), so that closing cash is opening
//! cash plus the sum of the month's flows, to the cent.

pub mod example;
mod projection;

use chrono::{Datelike, Months, NaiveDate};
use roundbook_ledger::{Currency, FundingRound, LedgerError, Money, Provenance, RoundId};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use projection::{
    projection, use_of_proceeds, MonthRow, Projection, ProjectionTotals, Runway, UseOfProceeds,
    MAX_MONTHS,
};

pub type Result<T, E = LedgerError> = std::result::Result<T, E>;

/// The most GPUs one order may hold: far beyond any cluster, small enough that every
/// product of quantities and prices stays inside Decimal's 28 digits.
pub const MAX_GPUS: u64 = 1_000_000_000;

/// The longest depreciation life accepted, in years.
pub const MAX_YEARS: u32 = 50;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GpuOrderId(pub i64);

impl std::fmt::Display for GpuOrderId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// GPUs delivered (and installed) in one month. `month` is the first day of that month.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub month: NaiveDate,
    pub quantity: u64,
}

/// An order as the user gives it, before the store numbers it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewGpuOrder {
    pub model: String,
    pub vendor: String,
    pub quantity: u64,
    pub unit_price: Money,
    /// The order date.
    pub ordered: NaiveDate,
    /// The delivery schedule, in month order; the quantities sum to `quantity`.
    pub deliveries: Vec<Delivery>,
    /// Use of proceeds: the round whose money pays for this order.
    pub round: Option<RoundId>,
    pub provenance: Provenance,
    pub note: Option<String>,
}

/// A recorded order.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GpuOrder {
    pub id: GpuOrderId,
    #[serde(flatten)]
    pub order: NewGpuOrder,
}

impl NewGpuOrder {
    /// Quantity x unit price: the GPU capex of the order (exact).
    pub fn amount(&self) -> Result<Money> {
        self.unit_price.checked_mul(Decimal::from(self.quantity))
    }

    /// Checks the order on its own: every error names the field at fault.
    pub fn validate(&self, currency: Currency, founded: NaiveDate) -> Result<()> {
        text("model", &self.model)?;
        text("vendor", &self.vendor)?;
        if self.quantity == 0 || self.quantity > MAX_GPUS {
            return Err(LedgerError::invalid(
                "quantity",
                format!("{} GPUs: an order holds 1 to {MAX_GPUS}", self.quantity),
            ));
        }
        money_at_least_zero("unit_price", &self.unit_price, currency)?;
        if self.ordered < founded {
            return Err(LedgerError::invalid(
                "date",
                format!(
                    "{} is before the company was founded ({founded})",
                    self.ordered
                ),
            ));
        }
        if self.deliveries.is_empty() {
            return Err(LedgerError::invalid(
                "deliveries",
                "an order needs at least one delivery",
            ));
        }
        let mut sum: u64 = 0;
        let mut last: Option<NaiveDate> = None;
        for d in &self.deliveries {
            if d.month.day() != 1 {
                return Err(LedgerError::invalid(
                    "deliveries",
                    format!("{} is not the first day of a month", d.month),
                ));
            }
            if d.month < first_of_month(self.ordered) {
                return Err(LedgerError::invalid(
                    "deliveries",
                    format!(
                        "a delivery in {} is before the order date {}",
                        month_text(d.month),
                        self.ordered
                    ),
                ));
            }
            if last.is_some_and(|l| d.month <= l) {
                return Err(LedgerError::invalid(
                    "deliveries",
                    format!(
                        "{} appears twice or out of order; give each month once, in order",
                        month_text(d.month)
                    ),
                ));
            }
            last = Some(d.month);
            if d.quantity == 0 {
                return Err(LedgerError::invalid(
                    "deliveries",
                    format!("the delivery in {} has no GPUs", month_text(d.month)),
                ));
            }
            sum = sum.saturating_add(d.quantity);
        }
        if sum != self.quantity {
            return Err(LedgerError::invalid(
                "deliveries",
                format!(
                    "the deliveries sum to {sum} GPUs; the order is for {}",
                    self.quantity
                ),
            ));
        }
        self.amount().map_err(|_| {
            LedgerError::invalid("unit_price", "quantity x unit price is too large")
        })?;
        Ok(())
    }
}

/// Facility, networking and other infrastructure capex.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facility {
    /// Infrastructure (networking, servers, storage, power and cooling) bought with each
    /// delivery, per dollar of GPU capex: infra capex = GPU capex x this ratio.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub infra_ratio: Decimal,
    /// A one-off facility capex (a building, a hall), paid in `capex_month`.
    pub capex: Money,
    pub capex_month: Option<NaiveDate>,
    pub provenance: Provenance,
    pub note: Option<String>,
}

/// Power: installed GPUs x kW per GPU (all-in IT load) x PUE x hours x $/kWh.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowerTerms {
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub kw_per_gpu: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub pue: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub usd_per_kwh: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub hours_per_month: Decimal,
    pub provenance: Provenance,
    pub note: Option<String>,
}

/// Straight-line depreciation, zero salvage, by month.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepreciationTerms {
    pub years: u32,
    pub provenance: Provenance,
    pub note: Option<String>,
}

/// Cash and everything besides compute: the opening cash, other burn and revenue.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatingAssumptions {
    /// Cash at the start of `cash_month`.
    pub opening_cash: Money,
    /// The first month of the projection (the first day of a month). None: the month of
    /// the first delivery.
    pub cash_month: Option<NaiveDate>,
    /// Other (non-compute) spend in the first month.
    pub burn_per_month: Money,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub burn_growth_annual: Decimal,
    /// Revenue in the first month.
    pub revenue_per_month: Money,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub revenue_growth_annual: Decimal,
    pub provenance: Provenance,
    pub note: Option<String>,
}

/// Every assumption of the plan besides the orders. Each group is recorded on its own;
/// the latest recorded value of a group is in force.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Terms {
    pub facility: Facility,
    pub power: PowerTerms,
    pub depreciation: DepreciationTerms,
    pub operating: OperatingAssumptions,
}

const DEFAULT_NOTE: &str = "default (docs/compute.md)";

impl Facility {
    pub fn default_for(currency: Currency) -> Facility {
        Facility {
            infra_ratio: Decimal::ZERO,
            capex: Money::zero(currency),
            capex_month: None,
            provenance: Provenance::Recorded,
            note: Some(DEFAULT_NOTE.into()),
        }
    }

    pub fn validate(&self, currency: Currency) -> Result<()> {
        if self.infra_ratio < Decimal::ZERO || self.infra_ratio > Decimal::from(100) {
            return Err(LedgerError::invalid(
                "infra_ratio",
                format!("{} must be from 0 to 100", self.infra_ratio),
            ));
        }
        money_at_least_zero("facility_capex", &self.capex, currency)?;
        if let Some(m) = self.capex_month {
            month_start("facility_month", m)?;
        }
        if self.capex.is_positive() && self.capex_month.is_none() {
            return Err(LedgerError::invalid(
                "facility_month",
                "a facility capex needs the month it is paid",
            ));
        }
        Ok(())
    }
}

impl Default for PowerTerms {
    /// H100 defaults from public figures: DGX H100 10.2 kW / 8 GPUs, PUE 1.2 (a new AI
    /// build), $0.08/kWh, 730 hours a month (8,760 / 12).
    fn default() -> PowerTerms {
        PowerTerms {
            kw_per_gpu: Decimal::new(1275, 3),
            pue: Decimal::new(12, 1),
            usd_per_kwh: Decimal::new(8, 2),
            hours_per_month: Decimal::from(730),
            provenance: Provenance::Public,
            note: Some(DEFAULT_NOTE.into()),
        }
    }
}

impl PowerTerms {
    pub fn validate(&self) -> Result<()> {
        if self.kw_per_gpu <= Decimal::ZERO || self.kw_per_gpu > Decimal::from(1000) {
            return Err(LedgerError::invalid(
                "kw_per_gpu",
                format!("{} kW must be above 0 (and at most 1000)", self.kw_per_gpu),
            ));
        }
        if self.pue < Decimal::ONE || self.pue > Decimal::from(10) {
            return Err(LedgerError::invalid(
                "pue",
                format!(
                    "{}: power usage effectiveness is at least 1 (and at most 10)",
                    self.pue
                ),
            ));
        }
        if self.usd_per_kwh < Decimal::ZERO || self.usd_per_kwh > Decimal::from(100) {
            return Err(LedgerError::invalid(
                "usd_per_kwh",
                format!("{} must be from 0 to 100", self.usd_per_kwh),
            ));
        }
        if self.hours_per_month <= Decimal::ZERO || self.hours_per_month > Decimal::from(744) {
            return Err(LedgerError::invalid(
                "hours_per_month",
                format!(
                    "{} must be above 0 and at most 744 (31 days)",
                    self.hours_per_month
                ),
            ));
        }
        Ok(())
    }

    /// Facility power in MW for `gpus` installed: gpus x kW x PUE / 1000.
    pub fn megawatts(&self, gpus: u64) -> Decimal {
        Decimal::from(gpus) * self.kw_per_gpu * self.pue / Decimal::from(1000)
    }
}

impl Default for DepreciationTerms {
    /// Five years: the middle of the public range (Nebius 4, CoreWeave 6).
    fn default() -> DepreciationTerms {
        DepreciationTerms {
            years: 5,
            provenance: Provenance::Public,
            note: Some(DEFAULT_NOTE.into()),
        }
    }
}

impl DepreciationTerms {
    pub fn validate(&self) -> Result<()> {
        if self.years == 0 || self.years > MAX_YEARS {
            return Err(LedgerError::invalid(
                "years",
                format!(
                    "{} years: a useful life is 1 to {MAX_YEARS} years",
                    self.years
                ),
            ));
        }
        Ok(())
    }
}

impl OperatingAssumptions {
    pub fn default_for(currency: Currency) -> OperatingAssumptions {
        OperatingAssumptions {
            opening_cash: Money::zero(currency),
            cash_month: None,
            burn_per_month: Money::zero(currency),
            burn_growth_annual: Decimal::ZERO,
            revenue_per_month: Money::zero(currency),
            revenue_growth_annual: Decimal::ZERO,
            provenance: Provenance::Recorded,
            note: Some(DEFAULT_NOTE.into()),
        }
    }

    pub fn validate(&self, currency: Currency) -> Result<()> {
        same_currency("cash", &self.opening_cash, currency)?;
        if let Some(m) = self.cash_month {
            month_start("cash_month", m)?;
        }
        money_at_least_zero("burn", &self.burn_per_month, currency)?;
        money_at_least_zero("revenue", &self.revenue_per_month, currency)?;
        growth("burn_growth", self.burn_growth_annual)?;
        growth("revenue_growth", self.revenue_growth_annual)?;
        Ok(())
    }
}

impl Terms {
    pub fn default_for(currency: Currency) -> Terms {
        Terms {
            facility: Facility::default_for(currency),
            power: PowerTerms::default(),
            depreciation: DepreciationTerms::default(),
            operating: OperatingAssumptions::default_for(currency),
        }
    }

    pub fn validate(&self, currency: Currency) -> Result<()> {
        self.facility.validate(currency)?;
        self.power.validate()?;
        self.depreciation.validate()?;
        self.operating.validate(currency)
    }
}

/// The whole plan: the recorded orders and the terms in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub currency: Currency,
    pub orders: Vec<GpuOrder>,
    pub terms: Terms,
}

impl Plan {
    /// Checks a new order against the plan and the book's rounds: the order on its own,
    /// then use of proceeds: the GPU capex of every order a round funds (quantity x unit
    /// price) may not exceed what the round raised.
    pub fn check_order(
        &self,
        order: &NewGpuOrder,
        founded: NaiveDate,
        rounds: &[FundingRound],
    ) -> Result<()> {
        order.validate(self.currency, founded)?;
        let Some(round_id) = order.round else {
            return Ok(());
        };
        let round = rounds.iter().find(|r| r.id == round_id).ok_or_else(|| {
            LedgerError::unknown("round", format!("no round #{round_id} in the book"))
        })?;
        let mut allocated = order.amount()?;
        for o in self
            .orders
            .iter()
            .filter(|o| o.order.round == Some(round_id))
        {
            allocated = allocated.checked_add(o.order.amount()?)?;
        }
        if allocated.amount > round.amount_raised.amount {
            return Err(LedgerError::conflict(
                "round",
                format!(
                    "the GPU orders funded by {} would total {} ({} with this order), more than the {} it raised",
                    round.name,
                    allocated.tidy(),
                    order.amount()?.tidy(),
                    round.amount_raised.tidy()
                ),
            ));
        }
        Ok(())
    }
}

// ---- helpers ----------------------------------------------------------------

pub fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// `d` plus `n` months (d is the first of a month, so this never clamps).
pub fn add_months(d: NaiveDate, n: u32) -> Result<NaiveDate> {
    d.checked_add_months(Months::new(n))
        .ok_or_else(|| LedgerError::invalid("months", "the date is out of range"))
}

/// Whole months from `a` to `b` (both firsts of months); negative when b is earlier.
pub fn months_between(a: NaiveDate, b: NaiveDate) -> i64 {
    (i64::from(b.year()) - i64::from(a.year())) * 12 + i64::from(b.month()) - i64::from(a.month())
}

/// "2024-06".
pub fn month_text(d: NaiveDate) -> String {
    d.format("%Y-%m").to_string()
}

/// Parses "YYYY-MM" (or a full date, taken as its month) into the first of that month.
pub fn parse_month(field: &'static str, s: &str) -> Result<NaiveDate> {
    roundbook_ledger::calendar::month(field, s)
}

fn month_start(field: &'static str, d: NaiveDate) -> Result<()> {
    if d.day() == 1 {
        Ok(())
    } else {
        Err(LedgerError::invalid(
            field,
            format!("{d} is not the first day of a month"),
        ))
    }
}

fn text(field: &'static str, s: &str) -> Result<()> {
    let t = s.trim();
    if t.is_empty() {
        return Err(LedgerError::invalid(field, "may not be empty"));
    }
    if t.chars().count() > 200 || t.chars().any(char::is_control) {
        return Err(LedgerError::invalid(
            field,
            "at most 200 characters, and no control characters",
        ));
    }
    Ok(())
}

fn same_currency(field: &'static str, m: &Money, currency: Currency) -> Result<()> {
    if m.currency == currency {
        Ok(())
    } else {
        Err(LedgerError::invalid(
            field,
            format!(
                "the book keeps {currency}; this amount is in {}",
                m.currency
            ),
        ))
    }
}

fn money_at_least_zero(field: &'static str, m: &Money, currency: Currency) -> Result<()> {
    same_currency(field, m, currency)?;
    if m.amount < Decimal::ZERO {
        return Err(LedgerError::invalid(
            field,
            format!("{} may not be negative", m.amount),
        ));
    }
    if m.amount > Decimal::from(1_000_000_000_000_000i64) {
        return Err(LedgerError::invalid(
            field,
            format!("{} is beyond any plan (at most 10^15)", m.amount),
        ));
    }
    Ok(())
}

fn growth(field: &'static str, g: Decimal) -> Result<()> {
    if g <= Decimal::NEGATIVE_ONE || g > Decimal::from(100) {
        return Err(LedgerError::invalid(
            field,
            format!("{g} must be above -1 (-100% a year) and at most 100 (+10,000%)"),
        ));
    }
    Ok(())
}
