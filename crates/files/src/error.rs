//! Files in and out report the application's one error (`roundbook_application::Error`): a
//! stable code, the field at fault if any, and a message that names the file, line or object.
//! The formats' own errors are turned into it here.

pub use roundbook_application::Error as FilesError;
use roundbook_application::ErrorCode;

pub type FilesResult<T = ()> = Result<T, FilesError>;

/// An OCF package's refusal: its code (`package`, `md5-mismatch`, ...) on the `ocf` field.
pub fn ocf(e: roundbook_ocf::OcfError) -> FilesError {
    FilesError {
        code: e.kind.code(),
        message: e.to_string(),
        field: Some("ocf".into()),
    }
}

/// The board report's refusal: a ledger error keeps its own code and field.
pub fn report(e: roundbook_report::ReportError) -> FilesError {
    match e {
        roundbook_report::ReportError::Ledger(l) => l.into(),
        other => FilesError::new(ErrorCode::Report, other.to_string()),
    }
}
