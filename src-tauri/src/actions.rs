//! What the user records: a round (modelled first on a copy, then committed), a reversal, a
//! stakeholder. Every write is one `Store::transact`: validated against the whole history, all
//! or nothing. Forms arrive as strings so a bad value is reported with the field's own name.

use std::path::Path;

use roundbook_ledger::money::parse_decimal;
use roundbook_ledger::*;
use roundbook_store::Store;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};
use crate::views::as_of;

/// Whether the round's class is one the book has, or one the round creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClassChoice {
    Existing,
    New,
}

#[derive(Debug, Clone, Deserialize)]
pub struct InvestmentForm {
    pub investor: String,
    pub amount: String,
}

/// The "Model a round" form.
#[derive(Debug, Clone, Deserialize)]
pub struct RoundForm {
    pub name: String,
    pub date: String,
    pub class: String,
    pub class_choice: ClassChoice,
    pub pre_money: String,
    pub investments: Vec<InvestmentForm>,
    #[serde(default)]
    pub lead: String,
    /// Options available after the round as a fraction of post-money FD ("0.10"); empty: none.
    #[serde(default)]
    pub pool_target: String,
    #[serde(default)]
    pub pool_plan: String,
    #[serde(default)]
    pub note: String,
}

/// The round beside the cap table it changes.
#[derive(Debug, Clone, Serialize)]
pub struct RoundPreview {
    pub outcome: ModelOutcome,
    pub before: CapTable,
    pub after: CapTable,
}

fn money(b: &Book, field: &str, text: &str) -> AppResult<Money> {
    if text.trim().is_empty() {
        return Err(AppError::invalid(field, "is required"));
    }
    let m = Money::parse("amount", text, b.company.currency)
        .map_err(|e| AppError::invalid(field, strip_field(&e)))?;
    if !m.is_positive() {
        return Err(AppError::invalid(field, "must be more than zero"));
    }
    Ok(m)
}

/// The ledger's message without its own field prefix, for a form field named differently.
fn strip_field(e: &LedgerError) -> String {
    let text = e.to_string();
    match e.field() {
        Some(f) => text
            .strip_prefix(&format!("{f}: "))
            .unwrap_or(&text)
            .to_string(),
        None => text,
    }
}

fn stakeholder(b: &Book, field: &str, name: &str) -> AppResult<StakeholderId> {
    b.find_stakeholder("stakeholder", name.trim())
        .map_err(|e| AppError::from(e).on_field(field))
}

fn required<'a>(field: &str, text: &'a str) -> AppResult<&'a str> {
    match text.trim() {
        "" => Err(AppError::invalid(field, "is required")),
        t => Ok(t),
    }
}

fn round_model(b: &mut Book, form: &RoundForm) -> AppResult<RoundModel> {
    let name = required("name", &form.name)?;
    let date = as_of("date", required("date", &form.date)?)?;
    let class_name = required("class", &form.class)?;
    let valuation = RoundValuation::PreMoney(money(b, "pre_money", &form.pre_money)?);
    if form.investments.is_empty() {
        return Err(AppError::invalid(
            "investments",
            "add at least one investor",
        ));
    }
    let mut investments = vec![];
    for (i, inv) in form.investments.iter().enumerate() {
        investments.push(Investment {
            investor: stakeholder(
                b,
                &format!("investments.{i}.investor"),
                required(&format!("investments.{i}.investor"), &inv.investor)?,
            )?,
            amount: money(b, &format!("investments.{i}.amount"), &inv.amount)?,
        });
    }
    let lead = match form.lead.trim() {
        "" => None,
        l => Some(stakeholder(b, "lead", l)?),
    };
    let pool = match form.pool_target.trim() {
        "" => None,
        t => Some(PoolTarget {
            plan: b
                .find_plan("pool_plan", required("pool_plan", &form.pool_plan)?)
                .map_err(|e| AppError::from(e).on_field("pool_plan"))?,
            fraction: parse_decimal("pool_target", t)?,
            timing: PoolTiming::PreMoney,
        }),
    };
    let mut model = RoundModel {
        name: name.to_string(),
        date,
        class: ClassId(0),
        valuation,
        investments,
        pro_rata: vec![],
        lead,
        pool,
        conversions: Conversions::All,
        capitalization: Default::default(),
        rounding: b.default_rounding(),
        note: Some(form.note.trim().to_string()).filter(|n| !n.is_empty()),
    };
    model.class = match (b.find_class("class", class_name), form.class_choice) {
        (Ok(c), ClassChoice::Existing) => c,
        (Ok(c), ClassChoice::New) => {
            return Err(AppError::invalid(
                "class",
                format!("'{class_name}' already exists (#{c}); choose it as an existing class"),
            ))
        }
        (Err(e), ClassChoice::Existing) => return Err(AppError::from(e).on_field("class")),
        (Err(_), ClassChoice::New) => b.add_class(b.round_class(&model, class_name)?)?,
    };
    Ok(model)
}

fn model_and_commit(b: &mut Book, form: &RoundForm) -> AppResult<RoundPreview> {
    let model = round_model(b, form)?;
    let before = b.cap_table(model.date, &model.rounding)?;
    let outcome = b.commit_round_model(&model)?;
    let after = b.cap_table(model.date, &model.rounding)?;
    Ok(RoundPreview {
        outcome,
        before,
        after,
    })
}

/// The round on a copy of the book that is never written: exactly what `commit_round` records.
pub fn model_round(book: &Path, form: &RoundForm) -> AppResult<RoundPreview> {
    let mut copy = Store::open(book)?.load()?;
    model_and_commit(&mut copy, form)
}

pub fn commit_round(book: &Path, form: &RoundForm) -> AppResult<RoundPreview> {
    let mut store = Store::open(book)?;
    let mut failure = None;
    let made = store.transact(|b| {
        // The store speaks LedgerError; keep the app's richer error for the form.
        model_and_commit(b, form).map_err(|e| {
            failure = Some(e);
            LedgerError::invalid("round", "refused")
        })
    });
    match (made, failure) {
        (Ok(p), _) => Ok(p),
        (Err(_), Some(e)) => Err(e),
        (Err(e), None) => Err(e.into()),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Reversed {
    pub reversal: EntryId,
    pub reverses: EntryId,
}

/// Reverses a journal entry "as if it never happened" (effective on the original's date).
pub fn reverse_entry(book: &Path, entry: i64, reason: &str) -> AppResult<Reversed> {
    let reason = required("reason", reason)?.to_string();
    let mut store = Store::open(book)?;
    let target = EntryId(entry);
    let id = store.transact(|b| {
        let original = b
            .entry(target)
            .ok_or_else(|| LedgerError::unknown("entry", format!("no journal entry #{target}")))?;
        b.record(
            original.effective,
            Movement::Reversal {
                reverses: target,
                reason: reason.clone(),
            },
            None,
            Provenance::Recorded,
        )
    })?;
    Ok(Reversed {
        reversal: id,
        reverses: target,
    })
}

#[derive(Debug, Clone, Deserialize)]
pub struct StakeholderForm {
    pub name: String,
    pub kind: StakeholderKind,
    #[serde(default)]
    pub relationships: Vec<String>,
}

pub fn add_stakeholder(book: &Path, form: &StakeholderForm) -> AppResult<StakeholderId> {
    let name = required("name", &form.name)?.to_string();
    let mut relationships = vec![];
    for r in &form.relationships {
        relationships.push(Relationship::parse(r.trim()).ok_or_else(|| {
            AppError::invalid(
                "relationships",
                format!("'{r}' is not one of founder, employee, investor, advisor, board"),
            )
        })?);
    }
    let mut store = Store::open(book)?;
    Ok(store.transact(|b| {
        b.add_stakeholder(NewStakeholder {
            name: name.clone(),
            kind: form.kind,
            relationships: relationships.clone(),
            provenance: Provenance::Recorded,
            note: None,
        })
    })?)
}
