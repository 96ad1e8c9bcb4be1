//! How a form's text is read: one function per kind of field, each refusing with the field's
//! name and an example of what it expects. The rules about values (a price may be zero, an
//! investment may not) are the ledger's; these only read text.

use chrono::NaiveDate;
use roundbook_ledger::money::parse_decimal;
use roundbook_ledger::{Book, ClassId, Currency, EntryId, Money, PlanId, StakeholderId};
use rust_decimal::Decimal;

use crate::{Error, Result};

/// The text with its surrounding blanks removed; empty is refused as missing.
pub fn required<'a>(field: &str, text: &'a str) -> Result<&'a str> {
    match text.trim() {
        "" => Err(Error::invalid(field, "is required")),
        t => Ok(t),
    }
}

/// None for an empty field.
fn optional(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

/// A calendar date, YYYY-MM-DD.
pub fn date(field: &str, text: &str) -> Result<NaiveDate> {
    let t = required(field, text)?;
    roundbook_ledger::calendar::iso_date(t).ok_or_else(|| {
        Error::invalid(
            field,
            format!(
                "'{t}' is not a date (write {})",
                roundbook_ledger::calendar::DATE_FORM
            ),
        )
    })
}

pub fn optional_date(field: &str, text: &str) -> Result<Option<NaiveDate>> {
    optional(text).map(|t| date(field, t)).transpose()
}

/// A whole number of shares, options or GPUs: digits only.
pub fn count(field: &str, text: &str) -> Result<u64> {
    let t = required(field, text)?;
    if !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid(
            field,
            format!("'{t}' is not a whole number (digits only, e.g. 1000000)"),
        ));
    }
    t.parse::<u64>()
        .map_err(|_| Error::invalid(field, format!("'{t}' is too large")))
}

pub fn optional_count(field: &str, text: &str) -> Result<Option<u64>> {
    optional(text).map(|t| count(field, t)).transpose()
}

/// An exact decimal: digits with at most one point, no exponent, no separators.
pub fn decimal(field: &str, text: &str) -> Result<Decimal> {
    let t = required(field, text)?;
    parse_decimal("value", t).map_err(|e| Error::from(e).on_field(field))
}

pub fn optional_decimal(field: &str, text: &str) -> Result<Option<Decimal>> {
    optional(text).map(|t| decimal(field, t)).transpose()
}

/// An amount in the book's currency ("6000000000", or "USD 6000000000").
pub fn money(book: &Book, field: &str, text: &str) -> Result<Money> {
    money_in(book.company.currency, field, text)
}

/// A money field the user may leave empty (a gift of shares has no price).
pub fn optional_money(book: &Book, field: &str, text: &str) -> Result<Option<Money>> {
    optional_money_in(book.company.currency, field, text)
}

/// An amount in `currency` (the compute plan's, read without the whole book).
pub fn money_in(currency: Currency, field: &str, text: &str) -> Result<Money> {
    let t = required(field, text)?;
    Money::parse("amount", t, currency).map_err(|e| Error::from(e).on_field(field))
}

pub fn optional_money_in(currency: Currency, field: &str, text: &str) -> Result<Option<Money>> {
    optional(text)
        .map(|t| money_in(currency, field, t))
        .transpose()
}

/// A journal entry number, with or without its '#'.
pub fn entry_id(field: &str, text: &str) -> Result<EntryId> {
    let t = required(field, text)?;
    t.trim_start_matches('#')
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(EntryId)
        .ok_or_else(|| Error::invalid(field, format!("'{t}' is not a journal entry number")))
}

/// A memo or note: trimmed; empty is none.
pub fn memo(text: &str) -> Option<String> {
    optional(text).map(str::to_string)
}

/// A stakeholder by name or #id.
pub fn stakeholder(book: &Book, field: &str, text: &str) -> Result<StakeholderId> {
    let t = required(field, text)?;
    book.find_stakeholder("stakeholder", t)
        .map_err(|e| Error::from(e).on_field(field))
}

/// A stakeholder, or none for an empty field (a round's lead).
pub fn optional_stakeholder(book: &Book, field: &str, text: &str) -> Result<Option<StakeholderId>> {
    optional(text)
        .map(|t| stakeholder(book, field, t))
        .transpose()
}

/// A share class by name or #id.
pub fn class(book: &Book, field: &str, text: &str) -> Result<ClassId> {
    let t = required(field, text)?;
    book.find_class("class", t)
        .map_err(|e| Error::from(e).on_field(field))
}

/// An equity plan by name or #id.
pub fn plan(book: &Book, field: &str, text: &str) -> Result<PlanId> {
    let t = required(field, text)?;
    book.find_plan("plan", t)
        .map_err(|e| Error::from(e).on_field(field))
}
