//! An OCF package from a stranger: any bytes as a zip, read within the limits, and when it reads,
//! imported into a new book; nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use roundbook_ocf::{company_from, import_into, Limits, Package};

fuzz_target!(|data: &[u8]| {
    let Ok(pkg) = Package::from_zip_bytes(data, &Limits::default()) else {
        return;
    };
    let Ok(company) = company_from(&pkg) else {
        return;
    };
    if let Ok(mut book) = roundbook_ledger::Book::new(company) {
        let _ = import_into(&mut book, &pkg);
    }
});
