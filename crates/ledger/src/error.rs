//! One error type for the ledger: what went wrong, and which field of the
//! user's input it concerns, so the CLI and the app can point at it.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LedgerError {
    /// A value the user gave is wrong on its own (zero shares, a bad date...).
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// A name or id the user gave does not exist in the book.
    #[error("{field}: {message}")]
    Unknown {
        field: &'static str,
        message: String,
    },
    /// The entry is well formed but the book's history does not allow it
    /// (transferring more than is held, exceeding the authorised shares...).
    #[error("{field}: {message}")]
    Conflict {
        field: &'static str,
        message: String,
    },
}

impl LedgerError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        LedgerError::Invalid {
            field,
            message: message.into(),
        }
    }
    pub fn unknown(field: &'static str, message: impl Into<String>) -> Self {
        LedgerError::Unknown {
            field,
            message: message.into(),
        }
    }
    pub fn conflict(field: &'static str, message: impl Into<String>) -> Self {
        LedgerError::Conflict {
            field,
            message: message.into(),
        }
    }

    pub fn field(&self) -> Option<&'static str> {
        match self {
            LedgerError::Invalid { field, .. }
            | LedgerError::Unknown { field, .. }
            | LedgerError::Conflict { field, .. } => Some(field),
        }
    }

    /// A stable machine-readable code, for `--json` errors and the app.
    pub fn code(&self) -> &'static str {
        match self {
            LedgerError::Invalid { .. } => "invalid",
            LedgerError::Unknown { .. } => "unknown",
            LedgerError::Conflict { .. } => "conflict",
        }
    }

    /// Prefixes the message with where the input came from (a CSV row, say).
    pub fn at(self, place: &str) -> Self {
        let wrap = |m: String| format!("{place}: {m}");
        match self {
            LedgerError::Invalid { field, message } => LedgerError::Invalid {
                field,
                message: wrap(message),
            },
            LedgerError::Unknown { field, message } => LedgerError::Unknown {
                field,
                message: wrap(message),
            },
            LedgerError::Conflict { field, message } => LedgerError::Conflict {
                field,
                message: wrap(message),
            },
        }
    }
}

pub type Result<T, E = LedgerError> = std::result::Result<T, E>;
