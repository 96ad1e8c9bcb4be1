//! Open Cap Table Format v1.2.0 import and export.
//!
//! Public API:
//! - [`Package::read`]`(path)`: an OCF package from a zip file or a folder (or its
//!   `Manifest.ocf.json`), every listed file's MD5 verified, decompression bounded
//!   ([`Limits`]: entries, bytes per file, bytes in all), zip entries that would leave
//!   the folder refused, JSON nesting bounded, numbers checked as they are read.
//!   [`Package::read_with`] takes other limits; [`Package::from_zip_bytes`] reads memory.
//! - [`company_from`]`(&pkg) -> Company`: the book's company from the manifest's issuer.
//! - [`import_into`]`(&mut book, &pkg) -> ImportSummary`: fills a new book through the
//!   ledger's own API, all or nothing (on error the book is unchanged); no I/O. The
//!   summary lists every OCF fact the book does not keep.
//! - [`export_package`]`(&book, &ExportOptions) -> Package`, then
//!   [`Package::write_zip`]`(path)` (or [`Package::to_zip_bytes`], [`Package::write_folder`]):
//!   a package whose manifest carries each file's MD5, valid against the v1.2.0 schemas.
//! - [`OcfError`]: every error names the file, the object id and the field at fault.
//!
//! The CLI wires `roundbook import ocf PATH` (company_from, then import_into inside
//! `Store::transact`) and `roundbook export ocf --out FILE.zip` (export_package, write_zip).
//! The mapping, and what is refused and why: docs/ocf.md.

pub mod error;
pub mod export;
pub mod import;
mod marks;
mod obj;
pub mod package;

pub use error::{OcfError, OcfErrorKind, Result};
pub use export::{export_package, ExportOptions};
pub use import::{company_from, import_into, ImportSummary};
pub use obj::parse_numeric;
pub use package::{FileType, Limits, OcfFile, Package, MANIFEST_NAME, OCF_VERSION};
