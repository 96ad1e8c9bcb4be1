//! The one error every surface reports: the command line (text and `--json`), the app's page
//! and the file imports and exports. `code` is stable and machine-readable, `field` names the
//! input at fault in the form's own names (`investments.1.amount`), and `message` is what a
//! user reads; it starts with the field or the file, line or object at fault.

use std::path::Path;

use roundbook_ledger::{ErrorCode, LedgerError};
use roundbook_store::StoreError;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    /// The form field at fault; None when no one field is.
    pub field: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
            field: None,
        }
    }

    /// A value the user gave that cannot be used: the message starts with the field's name.
    pub fn invalid(field: &str, message: impl Into<String>) -> Error {
        Error {
            code: ErrorCode::Invalid,
            message: format!("{field}: {}", message.into()),
            field: Some(field.into()),
        }
    }

    pub fn io(path: &Path, e: std::io::Error) -> Error {
        Error::new(ErrorCode::Io, format!("{}: {e}", path.display()))
    }

    pub fn cancelled(what: &str) -> Error {
        Error::new(
            ErrorCode::Cancelled,
            format!("{what} was cancelled; nothing was written"),
        )
    }

    pub fn is_cancelled(&self) -> bool {
        self.code == ErrorCode::Cancelled
    }

    /// The same refusal on another field: the ledger's `amount` is the form's
    /// `investments.2.amount`. The message is reworded to start with the new name.
    pub fn on_field(mut self, field: &str) -> Error {
        if let Some(old) = &self.field {
            self.message = self
                .message
                .replacen(&format!("{old}: "), &format!("{field}: "), 1);
        }
        self.field = Some(field.into());
        self
    }

    /// Says which of several inputs the field belongs to, after the field's name:
    /// "investments.1.amount: investment 2 (Valor): is required".
    pub fn within(mut self, place: &str) -> Error {
        match &self.field {
            Some(f) if self.message.starts_with(&format!("{f}: ")) => {
                let rest = self.message[f.len() + 2..].to_string();
                self.message = format!("{f}: {place}: {rest}");
                self
            }
            _ => self.at(place),
        }
    }

    /// Prefixes the message with where the input came from (a CSV line, an investment).
    pub fn at(mut self, place: &str) -> Error {
        self.message = format!("{place}: {}", self.message);
        self
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<LedgerError> for Error {
    fn from(e: LedgerError) -> Error {
        Error {
            code: e.code(),
            message: e.to_string(),
            field: e.field().map(str::to_string),
        }
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Error {
        match e {
            StoreError::Ledger(l) => l.into(),
            other => Error::new(other.code(), other.to_string()),
        }
    }
}
