//! What the user records, from the page: each function submits one of the application layer's
//! forms (roundbook_application::forms) to the open book, exactly as the command line does.
//! One transaction each: validated against the whole history, all or nothing.

use std::path::Path;

pub use roundbook_application::forms::*;
use roundbook_ledger::{Entry, EntryId, Movement};
use roundbook_store::Store;
use serde::Serialize;

use crate::error::AppResult;

/// Submits a form to the book at `book`.
pub fn record<F: Form>(book: &Path, form: &F) -> AppResult<F::Output> {
    form.submit(&mut Store::open(book)?)
}

/// The book at `book`, for the forms of the compute plan (which are not journal entries).
pub fn store(book: &Path) -> AppResult<Store> {
    Ok(Store::open(book)?)
}

/// The round on a copy of the book that is never written: exactly what `commit_round` records.
pub fn model_round(book: &Path, form: &RoundForm) -> AppResult<RoundPreview> {
    form.preview(&Store::open(book)?)
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Reversed {
    pub reversal: EntryId,
    pub reverses: EntryId,
}

/// Reverses a journal entry "as if it never happened" (effective on the original's date).
pub fn reverse_entry(book: &Path, entry: i64, reason: &str) -> AppResult<Reversed> {
    let form = ReversalForm {
        entry: entry.to_string(),
        reason: reason.to_string(),
        date: String::new(),
    };
    let recorded: Entry = record(book, &form)?;
    let reverses = match recorded.movement {
        Movement::Reversal { reverses, .. } => reverses,
        _ => EntryId(entry),
    };
    Ok(Reversed {
        reversal: recorded.id,
        reverses,
    })
}
