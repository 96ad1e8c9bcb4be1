//! `roundbook import csv`: any bytes as a cap table CSV, applied to a new book; nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use roundbook_export::import::{apply, read_captable_csv};
use roundbook_ledger::{Book, Company, Currency};

fuzz_target!(|data: &[u8]| {
    let Ok(rows) = read_captable_csv("fuzz.csv", data) else {
        return;
    };
    let company = Company {
        name: "Fuzz Co".into(),
        legal_name: "Fuzz Co".into(),
        founded: roundbook_ledger::calendar::iso_date("2015-01-01").expect("a date"),
        currency: Currency::USD,
        jurisdiction: String::new(),
    };
    if let Ok(mut book) = Book::new(company) {
        let _ = apply(&mut book, "fuzz.csv", &rows);
    }
});

