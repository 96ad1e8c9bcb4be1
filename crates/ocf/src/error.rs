//! One error type for reading, importing and exporting OCF: what went wrong, and
//! where, down to the file, the object id and the field, so a user can find it.

use std::fmt;

/// What kind of problem it is, for a machine-readable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OcfErrorKind {
    /// The file or folder could not be read.
    Io,
    /// The package is malformed: no manifest, a listed file missing, bad JSON.
    Package,
    /// A listed file's MD5 differs from the manifest's.
    Md5Mismatch,
    /// A safety bound was hit: size, entry count, nesting depth, a path leaving the package.
    Limit,
    /// A value is wrong: its type, its format, its magnitude, a dangling reference.
    Invalid,
    /// Valid OCF that the book cannot represent; refused rather than dropped.
    Unsupported,
    /// The ledger refused what the object asks for (its invariants hold).
    Ledger,
}

impl OcfErrorKind {
    pub fn code(self) -> roundbook_ledger::ErrorCode {
        use roundbook_ledger::ErrorCode;
        match self {
            OcfErrorKind::Io => ErrorCode::Io,
            OcfErrorKind::Package => ErrorCode::Package,
            OcfErrorKind::Md5Mismatch => ErrorCode::Md5Mismatch,
            OcfErrorKind::Limit => ErrorCode::Limit,
            OcfErrorKind::Invalid => ErrorCode::Invalid,
            OcfErrorKind::Unsupported => ErrorCode::Unsupported,
            OcfErrorKind::Ledger => ErrorCode::Ledger,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcfError {
    pub kind: OcfErrorKind,
    /// The file inside the package (or the package path itself).
    pub file: String,
    /// The OCF object's `id`, where the problem is inside one.
    pub object: Option<String>,
    /// The field, dotted for nested ones (`conversion_mechanism.ratio.numerator`).
    pub field: Option<String>,
    pub message: String,
}

impl OcfError {
    pub fn new(kind: OcfErrorKind, file: impl Into<String>, message: impl Into<String>) -> Self {
        OcfError {
            kind,
            file: file.into(),
            object: None,
            field: None,
            message: message.into(),
        }
    }

    pub fn in_object(mut self, id: impl Into<String>) -> Self {
        self.object = Some(id.into());
        self
    }

    pub fn at_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for OcfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(o) = &self.object {
            write!(f, ": object '{o}'")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for OcfError {}

pub type Result<T, E = OcfError> = std::result::Result<T, E>;
