//! What each view shows, read from the book. Plain functions of a book path and the user's
//! inputs; the Tauri commands are one call into these, so the tests need no window.

use std::path::Path;

use chrono::{NaiveDate, Utc};
use roundbook_compute::{first_of_month, projection, Projection, Runway};
use roundbook_ledger::captable::ConvertibleRow;
use roundbook_ledger::waterfall::{
    breakpoints, waterfall, waterfall_range, Breakpoint, ConvertiblesAtExit, ExitConventions,
    ExitTerms, NotesAtExit, PreferenceBasis, WaterfallOutcome,
};
use roundbook_ledger::*;
use roundbook_store::Store;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};
use roundbook_application::tables::{self, TableView};

fn load(book: &Path) -> AppResult<Book> {
    Ok(Store::open(book)?.load()?)
}

/// A date the user typed; empty means today.
pub fn as_of(field: &str, text: &str) -> AppResult<NaiveDate> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Utc::now().date_naive());
    }
    roundbook_application::parse::date(field, text)
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct LastRound {
    pub name: String,
    pub date: NaiveDate,
    pub amount_raised: Money,
    pub pre_money: Money,
    pub post_money: Money,
    pub price_per_share: Money,
    pub provenance: Provenance,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Overview {
    pub company: Company,
    pub as_of: NaiveDate,
    pub last_round: Option<LastRound>,
    pub total_raised: Money,
    pub rounds: usize,
    pub stakeholders: usize,
    pub outstanding_shares: u64,
    pub fully_diluted_shares: u64,
    /// Cash at the start of this month from the compute plan's projection; None without terms.
    pub cash: Option<Money>,
    pub cash_month: Option<NaiveDate>,
    pub runway: Option<Runway>,
    /// True when any figure rests on illustrative data (the shipped example).
    pub illustrative: bool,
}

pub fn overview(book: &Path) -> AppResult<Overview> {
    let store = Store::open(book)?;
    let b = store.load()?;
    let today = Utc::now().date_naive();
    let table = b.cap_table(today, &b.default_rounding())?;
    // The ledger's rule: a round whose every issuance was reversed raised nothing.
    let standing = b.standing_rounds(today);
    let rounds = standing.len();
    let total = roundbook_ledger::standing::raised(b.company.currency, &standing)?;
    let last_round = standing.last().map(|r| LastRound {
        name: r.name.clone(),
        date: r.date,
        amount_raised: r.amount_raised,
        pre_money: r.pre_money,
        post_money: r.post_money,
        price_per_share: r.price_per_share,
        provenance: r.provenance,
    });
    let plan = store.load_compute()?.plan;
    let (cash, cash_month, runway) = match plan.terms.operating.cash_month {
        None => (None, None, None),
        Some(start) => {
            // This month's opening cash, or the first projected month's when the plan starts later.
            let month = first_of_month(today).max(start);
            let p = projection(&plan, Some(month), 1)?;
            let row = &p.rows[0];
            (Some(row.opening_cash), Some(row.month), Some(row.runway))
        }
    };
    Ok(Overview {
        illustrative: b
            .entries()
            .iter()
            .any(|e| e.provenance == Provenance::Illustrative),
        company: b.company.clone(),
        as_of: today,
        last_round,
        total_raised: total,
        rounds,
        stakeholders: b.stakeholders().len(),
        outstanding_shares: table.totals.outstanding,
        fully_diluted_shares: table.totals.fully_diluted,
        cash,
        cash_month,
        runway,
    })
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct People {
    pub stakeholders: Vec<Stakeholder>,
    pub classes: Vec<ShareClass>,
    pub plans: Vec<EquityPlan>,
}

pub fn people(book: &Path) -> AppResult<People> {
    let b = load(book)?;
    Ok(People {
        stakeholders: b.stakeholders().to_vec(),
        classes: b.classes().to_vec(),
        plans: b.plans().to_vec(),
    })
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RoundRow {
    #[serde(flatten)]
    pub round: FundingRound,
    pub class_name: String,
    pub lead_name: Option<String>,
}

pub fn rounds(book: &Path) -> AppResult<Vec<RoundRow>> {
    let b = load(book)?;
    Ok(b.rounds().iter().map(|r| round_row(&b, r)).collect())
}

fn round_row(b: &Book, r: &FundingRound) -> RoundRow {
    RoundRow {
        round: r.clone(),
        class_name: b.class_name(r.class).to_string(),
        lead_name: r.lead.map(|l| b.stakeholder_name(l).to_string()),
    }
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RoundDetail {
    pub round: RoundRow,
    /// The read model's investors table: the round's standing issuances.
    pub investors: TableView,
}

pub fn round_detail(book: &Path, round: i64) -> AppResult<RoundDetail> {
    let b = load(book)?;
    let r = b.rounds().iter().find(|r| r.id.0 == round).ok_or_else(|| {
        AppError::new(
            crate::error::ErrorCode::Unknown,
            format!("round: no round #{round}"),
        )
    })?;
    Ok(RoundDetail {
        round: round_row(&b, r),
        investors: tables::round_investors(&b, r, None).into(),
    })
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct JournalLine {
    #[serde(flatten)]
    pub entry: Entry,
    /// The entry in the user's words: "Issued 1,000 Common to Ada".
    pub summary: String,
    pub reversed_by: Option<EntryId>,
}

pub fn journal(book: &Path) -> AppResult<Vec<JournalLine>> {
    let b = load(book)?;
    Ok(b.entries()
        .iter()
        .map(|e| JournalLine {
            summary: roundbook_application::words::entry(&b, &e.movement),
            reversed_by: b.reversal_of(e.id),
            entry: e.clone(),
        })
        .collect())
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ComputeView {
    /// For the chart: the orders, the terms and the use of proceeds are the read model's tables.
    pub projection: Option<Projection>,
}

/// The compute plan and `months` months of projection (none until the terms give a cash month).
pub fn compute(book: &Path, months: u32) -> AppResult<ComputeView> {
    let cb = Store::open(book)?.load_compute()?;
    let projection = match cb.plan.terms.operating.cash_month {
        Some(_) => Some(projection(&cb.plan, None, months)?),
        None => None,
    };
    Ok(ComputeView { projection })
}

/// The exit waterfall form: amounts as the user typed them.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct ExitForm {
    pub exit_value: String,
    #[serde(default)]
    pub as_of: String,
    #[serde(default)]
    pub transaction_costs: String,
    #[serde(default)]
    pub debt: String,
    /// The top of the payout chart's range (0 to this), defaulting to twice the exit value.
    #[serde(default)]
    pub chart_to: String,
    /// The exit's named settings (docs/waterfall.md); empty: each its default.
    #[serde(default)]
    pub convertibles: Option<ConvertiblesAtExit>,
    #[serde(default)]
    pub notes: Option<NotesAtExit>,
    #[serde(default)]
    pub note_repayment_multiple: String,
    #[serde(default)]
    pub preference_basis: Option<PreferenceBasis>,
}

impl ExitForm {
    /// The settings chosen, over the ledger's defaults, checked.
    fn conventions(&self) -> AppResult<ExitConventions> {
        let d = ExitConventions::default();
        let c = ExitConventions {
            convertibles: self.convertibles.unwrap_or(d.convertibles),
            notes: self.notes.unwrap_or(d.notes),
            note_repayment_multiple: match self.note_repayment_multiple.trim() {
                "" => d.note_repayment_multiple,
                t => roundbook_application::parse::decimal("note_repayment_multiple", t)?,
            },
            preference_basis: self.preference_basis.unwrap_or(d.preference_basis),
        };
        c.validate()?;
        Ok(c)
    }
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ExitView {
    pub as_of: NaiveDate,
    pub outcome: WaterfallOutcome,
    pub breakpoints: Vec<Breakpoint>,
    /// The read model's tables of the outcome, as `roundbook waterfall` prints them.
    pub by_class: TableView,
    pub by_holder: TableView,
    pub breakpoint_table: TableView,
    /// Payouts at evenly spaced exit values, for the chart.
    pub curve: Vec<WaterfallOutcome>,
    pub left_out_instruments: Vec<ConvertibleRow>,
    /// The exit's named settings in words, as `roundbook waterfall` prints them.
    pub settings: String,
}

/// Points on the payout curve: enough for a smooth line, few enough to compute at once.
const CURVE_STEPS: u32 = 40;

fn amount(field: &str, text: &str, currency: Currency) -> AppResult<Decimal> {
    let text = if text.trim().is_empty() { "0" } else { text };
    let m = Money::parse("amount", text, currency).map_err(|e| {
        AppError::invalid(
            field,
            e.to_string().trim_start_matches("amount: ").to_string(),
        )
    })?;
    if m.amount.is_sign_negative() {
        return Err(AppError::invalid(field, "must not be negative"));
    }
    Ok(m.amount)
}

pub fn exit_waterfall(book: &Path, form: &ExitForm) -> AppResult<ExitView> {
    let day = as_of("as_of", &form.as_of)?;
    let b = Store::open(book)?.load_as_of(day)?;
    let cur = b.company.currency;
    let terms = ExitTerms {
        exit_value: amount("exit_value", &form.exit_value, cur)?,
        transaction_costs: amount("transaction_costs", &form.transaction_costs, cur)?,
        debt: amount("debt", &form.debt, cur)?,
    };
    let to = match form.chart_to.trim() {
        "" => terms.exit_value * Decimal::TWO,
        t => amount("chart_to", t, cur)?,
    };
    let rounding = b.default_rounding();
    let conventions = form.conventions()?;
    let (cap, left_out) = b.capitalisation(day, &rounding, &conventions)?;
    let curve = if to.is_zero() {
        vec![]
    } else {
        waterfall_range(
            &cap,
            Decimal::ZERO,
            to,
            CURVE_STEPS,
            terms.transaction_costs,
            terms.debt,
            &rounding,
        )?
    };
    let outcome = waterfall(&cap, &terms, &rounding)?;
    let points = breakpoints(&cap, &terms, &rounding)?;
    Ok(ExitView {
        as_of: day,
        by_class: tables::waterfall_classes(&outcome).into(),
        by_holder: tables::waterfall_holders(&outcome).into(),
        breakpoint_table: tables::breakpoints(&points, cur).into(),
        outcome,
        breakpoints: points,
        curve,
        left_out_instruments: left_out,
        settings: conventions.describe(),
    })
}
