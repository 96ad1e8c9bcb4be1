//! The xAI example book, made in one place for `roundbook demo` and the app's first start, so
//! the two can never drift apart. It lives in the store because making it is writing a file:
//! the ledger's cap table (`example::populate_xai`) and the compute crate's Colossus plan
//! funded by its Series B, each through the store's all-or-nothing writes.

use std::path::Path;

use roundbook_compute::GpuOrderId;
use roundbook_ledger::{example, PricedRoundOutcome};

use crate::{Result, Store};

/// What making the example recorded: the Series B's outcome and the GPU orders.
#[derive(Debug, Clone)]
pub struct ExampleBook {
    pub series_b: PricedRoundOutcome,
    pub gpu_orders: Vec<GpuOrderId>,
}

impl Store {
    /// Creates the xAI example at `book` (a new file): step 1 the cap table, step 2 the compute
    /// plan funded by the Series B. A failure of either leaves no file behind, so a retry starts
    /// from nothing rather than from half a book.
    pub fn create_example(book: &Path) -> Result<ExampleBook> {
        let mut store = Store::create(book, &example::xai_company())?;
        let made = store
            .transact(|b| Ok::<_, crate::StoreError>(example::populate_xai(b)?))
            .and_then(|series_b| {
                let plan = roundbook_compute::example::xai_compute_plan(Some(series_b.round));
                let gpu_orders = store.record_compute_plan(plan.orders, plan.terms)?;
                Ok(ExampleBook {
                    series_b,
                    gpu_orders,
                })
            });
        if made.is_err() {
            drop(store);
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", book.display()));
            }
        }
        made
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_holds_the_public_series_b_and_its_compute_plan() {
        let dir = tempfile::tempdir().unwrap();
        let book = dir.path().join("xai.roundbook");
        let made = Store::create_example(&book).unwrap();
        assert!(!made.gpu_orders.is_empty());
        let b = Store::open(&book).unwrap().load().unwrap();
        assert_eq!(b.company.name, "xAI");
        let round = b.round(made.series_b.round).unwrap();
        assert_eq!(round.name, "Series B");
    }

    #[test]
    fn an_existing_file_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let book = dir.path().join("taken.roundbook");
        std::fs::write(&book, b"not a book").unwrap();
        assert!(Store::create_example(&book).is_err());
        assert_eq!(std::fs::read(&book).unwrap(), b"not a book");
    }
}
