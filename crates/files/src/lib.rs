//! Whole files in and out of a book: the glue the CLI and the desktop app share
//! (docs/import-export.md). Plain functions of a book path and the user's choices; the
//! formats (roundbook-export, roundbook-ocf, roundbook-report) turn a loaded book into
//! bytes and back, and this crate loads, writes and imports.
//!
//! - An export is written to a temporary file beside the target and renamed, so a failed or
//!   cancelled export leaves the old file, or none, never half a new one.
//! - An import into the open book is one `Store::transact`: all rows or none.
//! - An OCF package is imported into a new book, which is removed again if anything fails.
//!
//! Long work reports its steps to a [`Watch`], which may stop it between steps (the app's
//! Cancel); the CLI passes [`unwatched`].

pub mod error;
pub mod export;
pub mod import;
pub mod progress;
pub mod read;
pub mod write;

pub use error::{FilesError, FilesResult};
pub use export::{
    export_csv, export_ocf, export_pdf, export_xlsx, table, CapTableBy, CapTableShares,
    ProjectionRange, TableChoice, TableRequest, Written,
};
pub use import::{
    import_captable_csv, import_ocf, import_scenario, CsvImported, OcfImported, ScenarioImported,
};
pub use progress::{unwatched, Step, Watch};
pub use read::{read_input, read_input_text, read_stdin_text, MAX_INPUT_BYTES};
pub use write::write_atomically;
