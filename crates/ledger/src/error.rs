//! One error type for the ledger: what went wrong, and which field of the
//! user's input it concerns, so the CLI and the app can point at it.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The one vocabulary of failure every surface speaks: the ledger's and the store's errors, the
/// file imports and exports, the command line's `--json` errors and the app's. Serialised in
/// kebab-case (`book-not-found`); these strings are a stable interface for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum ErrorCode {
    /// The command line could not be parsed (an unknown flag, a missing argument).
    Usage,
    /// A value the user gave is wrong on its own.
    Invalid,
    /// A name or id the user gave is not in the book.
    Unknown,
    /// Well formed, but the book's history does not allow it.
    Conflict,
    BookNotFound,
    BookExists,
    NotABook,
    BookCorrupt,
    BookNewerSchema,
    BookMigrationChanged,
    /// SQLite failed in a way that is none of the above.
    Database,
    Io,
    /// An OCF package that cannot be read as one (layout, manifest, JSON).
    Package,
    Md5Mismatch,
    /// An input over a bound (size, nesting, count).
    Limit,
    /// Something the format allows that Roundbook does not take in yet.
    Unsupported,
    /// The ledger refused an object of an import.
    Ledger,
    Export,
    Report,
    Cancelled,
    /// The GPU backend was asked for and could not run.
    Gpu,
    /// Another job of the same kind is running.
    Busy,
    /// A file dialog failed.
    Dialog,
    /// The page asked to reopen a book by a path that is not on the recent list.
    NotRecent,
    /// A background job stopped unexpectedly.
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Usage => "usage",
            ErrorCode::Invalid => "invalid",
            ErrorCode::Unknown => "unknown",
            ErrorCode::Conflict => "conflict",
            ErrorCode::BookNotFound => "book-not-found",
            ErrorCode::BookExists => "book-exists",
            ErrorCode::NotABook => "not-a-book",
            ErrorCode::BookCorrupt => "book-corrupt",
            ErrorCode::BookNewerSchema => "book-newer-schema",
            ErrorCode::BookMigrationChanged => "book-migration-changed",
            ErrorCode::Database => "database",
            ErrorCode::Io => "io",
            ErrorCode::Package => "package",
            ErrorCode::Md5Mismatch => "md5-mismatch",
            ErrorCode::Limit => "limit",
            ErrorCode::Unsupported => "unsupported",
            ErrorCode::Ledger => "ledger",
            ErrorCode::Export => "export",
            ErrorCode::Report => "report",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::Gpu => "gpu",
            ErrorCode::Busy => "busy",
            ErrorCode::Dialog => "dialog",
            ErrorCode::NotRecent => "not-recent",
            ErrorCode::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

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
    pub fn code(&self) -> ErrorCode {
        match self {
            LedgerError::Invalid { .. } => ErrorCode::Invalid,
            LedgerError::Unknown { .. } => ErrorCode::Unknown,
            LedgerError::Conflict { .. } => ErrorCode::Conflict,
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
