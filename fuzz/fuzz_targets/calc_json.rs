//! `roundbook calc`: any bytes as a deal. A deal that parses is run; nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use roundbook_ledger::deal::{run_deal, Deal};

fuzz_target!(|data: &[u8]| {
    if let Ok(deal) = serde_json::from_slice::<Deal>(data) {
        let _ = run_deal(&deal);
    }
});
