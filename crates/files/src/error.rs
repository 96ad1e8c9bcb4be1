//! One error for every file in or out: a stable code, the field at fault if any, and a
//! message that names the file, line or object.

use std::path::Path;

use roundbook_ledger::LedgerError;
use roundbook_store::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilesError {
    /// The ledger's or store's code (`invalid`, `unknown`, ...), OCF's (`package`,
    /// `md5-mismatch`, ...), or this crate's: `io`, `export`, `report`, `cancelled`.
    pub code: &'static str,
    pub field: Option<&'static str>,
    pub message: String,
}

pub type FilesResult<T = ()> = Result<T, FilesError>;

impl FilesError {
    pub fn new(code: &'static str, field: Option<&'static str>, message: String) -> FilesError {
        FilesError {
            code,
            field,
            message,
        }
    }

    /// A value the user gave that cannot be used: the message starts with the field's name.
    pub fn usage(field: &'static str, message: impl Into<String>) -> FilesError {
        FilesError::new(
            "invalid",
            Some(field),
            format!("{field}: {}", message.into()),
        )
    }

    pub fn io(path: &Path, e: std::io::Error) -> FilesError {
        FilesError::new("io", None, format!("{}: {e}", path.display()))
    }

    pub fn cancelled(what: &str) -> FilesError {
        FilesError::new(
            "cancelled",
            None,
            format!("{what} was cancelled; nothing was written"),
        )
    }

    pub fn is_cancelled(&self) -> bool {
        self.code == "cancelled"
    }
}

impl std::fmt::Display for FilesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FilesError {}

impl From<LedgerError> for FilesError {
    fn from(e: LedgerError) -> FilesError {
        FilesError::new(e.code(), e.field(), e.to_string())
    }
}

impl From<StoreError> for FilesError {
    fn from(e: StoreError) -> FilesError {
        match e {
            StoreError::Ledger(l) => l.into(),
            other => FilesError::new(other.code(), None, other.to_string()),
        }
    }
}

impl From<roundbook_ocf::OcfError> for FilesError {
    fn from(e: roundbook_ocf::OcfError) -> FilesError {
        FilesError::new(e.kind.code(), Some("ocf"), e.to_string())
    }
}

impl From<roundbook_report::ReportError> for FilesError {
    fn from(e: roundbook_report::ReportError) -> FilesError {
        match e {
            roundbook_report::ReportError::Ledger(l) => l.into(),
            other => FilesError::new("report", None, other.to_string()),
        }
    }
}
