//! Tables out of the book as CSV and XLSX; the cap table CSV in.
//!
//! A functional core: builders turn what the ledger, the compute plan and stored runs
//! computed into [`Table`]s; writers turn tables into CSV text or XLSX bytes; the
//! importer turns a cap table CSV into rows and adds them to a [`roundbook_ledger::Book`].
//! No file is read or written here: the CLI does that.

pub mod csv_out;
pub mod import;
pub mod xlsx;

pub use csv_out::to_csv;
pub use roundbook_application::tables;
pub use roundbook_application::tables::model as table;
pub use roundbook_application::tables::{Cell, Column, Derived, Kind, Table, Total};
pub use xlsx::workbook;
