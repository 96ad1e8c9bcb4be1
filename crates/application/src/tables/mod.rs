//! The read model: every table of the book built once, as typed columns and cells, for every
//! surface that shows it. The command line renders a table as text, the app's page as HTML, the
//! exports as CSV and XLSX, the board report as a PDF table, and `--json`/the page's IPC carry
//! it as it is; a column added to a builder here appears on each of them.

mod build;
mod catalogue;
pub mod model;
mod waterfall;

pub use build::*;
pub use catalogue::{CapTableBy, CapTableShares, TableChoice};
pub use model::*;
pub use waterfall::*;
