//! The one error the page sees: `{code, message, field}`. The code is stable (the ledger's and
//! the store's codes, plus the app's own), the message names the field or file at fault, and
//! `field` lets a form put the message beside the input it concerns.

use std::path::Path;

use roundbook_ledger::LedgerError;
use roundbook_store::StoreError;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppError {
    pub code: String,
    pub message: String,
    /// The form field at fault, in the page's names; None when no one field is.
    pub field: Option<String>,
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(code: &str, message: impl Into<String>) -> AppError {
        AppError {
            code: code.into(),
            message: message.into(),
            field: None,
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> AppError {
        AppError {
            code: "invalid".into(),
            message: format!("{field}: {}", message.into()),
            field: Some(field.into()),
        }
    }

    pub fn io(path: &Path, e: std::io::Error) -> AppError {
        AppError::new("io", format!("{}: {e}", path.display()))
    }

    /// Moves a ledger error onto a form field with another name (the ledger's "amount" is the
    /// form's "investments.2.amount").
    pub fn on_field(mut self, field: &str) -> AppError {
        self.field = Some(field.into());
        self
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for AppError {}

impl From<LedgerError> for AppError {
    fn from(e: LedgerError) -> AppError {
        AppError {
            code: e.code().into(),
            message: e.to_string(),
            field: e.field().map(str::to_string),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::Ledger(l) => l.into(),
            other => AppError::new(other.code(), other.to_string()),
        }
    }
}
