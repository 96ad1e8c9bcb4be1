//! One typed form per kind of entry a user records: the user's text in, a ledger entry (or a
//! refusal naming the form's field) out. The command line fills a form from its flags, the app
//! from the page; both call [`Form::submit`].
//!
//! A form's fields are the text the user typed (a select's choice is a small enum), named as
//! the entry's fields are, so a refusal's `field` is the input to point at.

mod compute;
mod entries;
mod rounds;
mod setup;

pub use compute::*;
pub use entries::*;
pub use rounds::*;
pub use setup::*;

use roundbook_ledger::Book;
use roundbook_store::{Reads, Store};

use crate::Result;

pub trait Form {
    type Output;

    /// Reads the form against the book and adds to it (the book is checked afterwards, by
    /// the store, before anything is written).
    fn apply(&self, book: &mut Book) -> Result<Self::Output>;

    /// One transaction: the form applied under the write lock, the whole history checked,
    /// then written. On any refusal the file is unchanged.
    fn submit(&self, store: &mut Store) -> Result<Self::Output> {
        match self.reads() {
            Some(reads) => store.transact_appending(&reads, |book| self.apply(book)),
            None => store.transact(|book| self.apply(book)),
        }
    }

    /// The stakeholders and entries the form names, when what it records reads nothing else
    /// of the book (no replay, no cap table, no ratio in force): the store then checks an entry
    /// dated on or after the journal's last against the replay's head instead of the whole
    /// journal (`Store::transact_appending`). None (the default) always replays.
    fn reads(&self) -> Option<Reads> {
        None
    }
}
