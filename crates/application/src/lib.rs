//! The application layer: what the shells share above the ledger and the store.
//!
//! - [`forms`]: one typed form per kind of entry a user records. The user's strings go in; a
//!   ledger entry (or a refusal naming the form's field) comes out, validated against the book.
//!   The command line fills a form from its flags, the app from the page's `invoke`; both then
//!   call [`forms::Form::submit`], so every field has one rule on every surface.
//! - [`tables`]: the read model, each table of the book built once for every surface.
//! - [`words`]: figures and journal entries in words, one wording for every surface.
//! - [`Error`]: the one error at the boundary, `{code, field, message}`, with an [`ErrorCode`].
//!
//! Invariant: the shells parse arguments and render; they hold no domain rule. A rule about
//! what a field may hold lives in the ledger (amounts, history) or here (how text is read).

pub mod error;
pub mod forms;
pub mod parse;
pub mod tables;
pub mod words;

pub use error::{Error, Result};
pub use roundbook_ledger::ErrorCode;
