use std::path::PathBuf;

use roundbook_ledger::{ErrorCode, LedgerError};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("no book at {0} (create one with `roundbook init` or `roundbook demo`)")]
    NotFound(PathBuf),
    #[error("{0} already exists; a new book needs a new file")]
    AlreadyExists(PathBuf),
    #[error("{0} is not a Roundbook book ({1})")]
    NotABook(PathBuf, String),
    #[error("{0} is damaged: {1}")]
    Corrupt(PathBuf, String),
    #[error("{path} was written by a newer Roundbook (schema {found}; this version knows up to {known}); upgrade Roundbook to open it")]
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("{path}: migration {version} recorded in the file differs from this build's copy; the book or the build is not what it claims")]
    MigrationChanged { path: PathBuf, version: i64 },
    #[error("{0}")]
    Ledger(#[from] LedgerError),
    #[error("database error: {0}")]
    Sql(rusqlite::Error),
    /// Another program held the book's write lock for longer than this one waits.
    #[error("the book is busy: another writer held it for {0} s; try again, or wait longer with --wait SECONDS (ROUNDBOOK_WAIT)")]
    Busy(u64),
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
}

impl StoreError {
    /// A stable code for scripts and the app.
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::NotFound(_) => ErrorCode::BookNotFound,
            StoreError::AlreadyExists(_) => ErrorCode::BookExists,
            StoreError::NotABook(..) => ErrorCode::NotABook,
            StoreError::Corrupt(..) => ErrorCode::BookCorrupt,
            StoreError::NewerSchema { .. } => ErrorCode::BookNewerSchema,
            StoreError::MigrationChanged { .. } => ErrorCode::BookMigrationChanged,
            StoreError::Ledger(e) => e.code(),
            StoreError::Sql(_) => ErrorCode::Database,
            StoreError::Busy(_) => ErrorCode::Busy,
            StoreError::Io(..) => ErrorCode::Io,
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy(crate::wait::limit().as_secs())
            }
            _ => StoreError::Sql(e),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
