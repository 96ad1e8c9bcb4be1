//! What the user records: a round (modelled first on a copy, then committed), a reversal, a
//! stakeholder, and the CLI's other entries (issue, grant, transfer, SAFE, split). Every write is one `Store::transact`: validated against the whole history, all
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

// ---- the book's other entries: issue, grant, transfer, SAFE, split ----------------------------
//
// Each form below is the CLI's command of the same name (crates/cli/src/write.rs) with the
// fields as strings, so a refusal can name the input the user typed it in.

/// A whole number of shares or options; the form's own field name goes in the error.
fn whole_number(field: &str, text: &str) -> AppResult<u64> {
    let t = required(field, text)?;
    if !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::invalid(
            field,
            format!("'{t}' is not a whole number (digits only, e.g. 1000000)"),
        ));
    }
    match t.parse::<u64>() {
        Ok(0) => Err(AppError::invalid(field, "must be more than zero")),
        Ok(n) => Ok(n),
        Err(_) => Err(AppError::invalid(field, format!("'{t}' is too large"))),
    }
}

/// A money field the user may leave empty (a gift of shares has no price).
fn optional_money(b: &Book, field: &str, text: &str) -> AppResult<Option<Money>> {
    match text.trim() {
        "" => Ok(None),
        t => money(b, field, t).map(Some),
    }
}

fn day(field: &str, text: &str) -> AppResult<chrono::NaiveDate> {
    as_of(field, required(field, text)?)
}

fn memo(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|m| !m.is_empty())
}

/// A ledger lookup's error, worded for the form field the user typed in ("from", not
/// "stakeholder"), keeping the ledger's code (`unknown`, `invalid`).
fn named(field: &str, e: LedgerError) -> AppError {
    AppError {
        code: e.code().into(),
        message: format!("{field}: {}", strip_field(&e)),
        field: Some(field.into()),
    }
}

fn class(b: &Book, field: &str, name: &str) -> AppResult<ClassId> {
    b.find_class("class", required(field, name)?)
        .map_err(|e| named(field, e))
}

fn holder(b: &Book, field: &str, name: &str) -> AppResult<StakeholderId> {
    b.find_stakeholder("stakeholder", required(field, name)?)
        .map_err(|e| named(field, e))
}

/// Runs `make` in one transaction and returns the entry it recorded. The store speaks
/// LedgerError, so the app's error (with the form's field) is kept aside and handed back.
fn record_entry(book: &Path, make: impl Fn(&mut Book) -> AppResult<EntryId>) -> AppResult<Entry> {
    let mut store = Store::open(book)?;
    let mut failure = None;
    let made = store.transact(|b| {
        let id = make(b).map_err(|e| {
            let refused = LedgerError::invalid("entry", e.message.clone());
            failure = Some(e);
            refused
        })?;
        b.entry(id)
            .cloned()
            .ok_or_else(|| LedgerError::unknown("entry", format!("no journal entry #{id}")))
    });
    match (made, failure) {
        (Ok(entry), _) => Ok(entry),
        (Err(_), Some(e)) => Err(e),
        (Err(e), None) => Err(e.into()),
    }
}

fn record_movement(
    b: &mut Book,
    date: &str,
    note: &str,
    movement: impl FnOnce(&Book) -> AppResult<Movement>,
) -> AppResult<EntryId> {
    let effective = day("date", date)?;
    let movement = movement(b)?;
    Ok(b.record(effective, movement, memo(note), Provenance::Recorded)?)
}

/// The "Issue shares" form: `roundbook issue`.
#[derive(Debug, Clone, Deserialize)]
pub struct IssueForm {
    pub holder: String,
    pub class: String,
    pub shares: String,
    pub date: String,
    #[serde(default)]
    pub price_per_share: String,
    #[serde(default)]
    pub memo: String,
}

pub fn issue_shares(book: &Path, form: &IssueForm) -> AppResult<Entry> {
    record_entry(book, |b| {
        record_movement(b, &form.date, &form.memo, |b| {
            Ok(Movement::StockIssuance {
                holder: holder(b, "holder", &form.holder)?,
                class: class(b, "class", &form.class)?,
                shares: whole_number("shares", &form.shares)?,
                price_per_share: optional_money(b, "price_per_share", &form.price_per_share)?,
                round: None,
            })
        })
    })
}

/// The "Grant options" form: `roundbook grant`.
#[derive(Debug, Clone, Deserialize)]
pub struct GrantForm {
    pub holder: String,
    pub plan: String,
    pub options: String,
    pub exercise_price: String,
    pub date: String,
    /// Empty: the grant does not expire in the book.
    #[serde(default)]
    pub expires: String,
    #[serde(default)]
    pub memo: String,
}

pub fn grant_options(book: &Path, form: &GrantForm) -> AppResult<Entry> {
    record_entry(book, |b| {
        record_movement(b, &form.date, &form.memo, |b| {
            Ok(Movement::OptionGrant {
                holder: holder(b, "holder", &form.holder)?,
                plan: b
                    .find_plan("plan", required("plan", &form.plan)?)
                    .map_err(|e| named("plan", e))?,
                options: whole_number("options", &form.options)?,
                exercise_price: money(b, "exercise_price", &form.exercise_price)?,
                expires: match form.expires.trim() {
                    "" => None,
                    t => Some(as_of("expires", t)?),
                },
            })
        })
    })
}

/// The "Transfer shares" form: `roundbook transfer`.
#[derive(Debug, Clone, Deserialize)]
pub struct TransferForm {
    pub from: String,
    pub to: String,
    pub class: String,
    pub shares: String,
    pub date: String,
    #[serde(default)]
    pub price_per_share: String,
    #[serde(default)]
    pub memo: String,
}

pub fn transfer_shares(book: &Path, form: &TransferForm) -> AppResult<Entry> {
    record_entry(book, |b| {
        record_movement(b, &form.date, &form.memo, |b| {
            Ok(Movement::Transfer {
                from: holder(b, "from", &form.from)?,
                to: holder(b, "to", &form.to)?,
                class: class(b, "class", &form.class)?,
                shares: whole_number("shares", &form.shares)?,
                price_per_share: optional_money(b, "price_per_share", &form.price_per_share)?,
            })
        })
    })
}

/// The "Record a SAFE" form: `roundbook safe`. Y Combinator's post-money SAFE is the default.
#[derive(Debug, Clone, Deserialize)]
pub struct SafeForm {
    pub holder: String,
    pub amount: String,
    pub date: String,
    #[serde(default)]
    pub valuation_cap: String,
    /// A fraction off the round's price: "0.20" for 20%.
    #[serde(default)]
    pub discount: String,
    pub timing: SafeTiming,
    #[serde(default)]
    pub memo: String,
}

pub fn record_safe(book: &Path, form: &SafeForm) -> AppResult<Entry> {
    record_entry(book, |b| {
        record_movement(b, &form.date, &form.memo, |b| {
            Ok(Movement::ConvertibleIssuance {
                holder: holder(b, "holder", &form.holder)?,
                terms: ConvertibleTerms::Safe {
                    investment: money(b, "amount", &form.amount)?,
                    timing: form.timing,
                    valuation_cap: optional_money(b, "valuation_cap", &form.valuation_cap)?,
                    discount: match form.discount.trim() {
                        "" => None,
                        t => Some(parse_decimal("discount", t).map_err(|e| named("discount", e))?),
                    },
                    mfn: false,
                },
            })
        })
    })
}

/// The "Stock split" form: `roundbook split`.
#[derive(Debug, Clone, Deserialize)]
pub struct SplitForm {
    pub class: String,
    pub date: String,
    /// As a board resolution writes it: "2:1", "1:10", "3-for-2".
    pub ratio: String,
    #[serde(default)]
    pub memo: String,
}

pub fn split_stock(book: &Path, form: &SplitForm) -> AppResult<Entry> {
    record_entry(book, |b| {
        let effective = day("date", &form.date)?;
        let class = class(b, "class", &form.class)?;
        let (numerator, denominator) =
            roundbook_ledger::split::parse_split_ratio(required("ratio", &form.ratio)?)
                .map_err(|e| named("ratio", e))?;
        Ok(b.record_split(
            effective,
            class,
            numerator,
            denominator,
            memo(&form.memo),
            Provenance::Recorded,
        )?)
    })
}
