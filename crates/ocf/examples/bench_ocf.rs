//! Times an OCF round trip of a large book: `cargo run --release -p roundbook-ocf --example bench_ocf -- 10000 100000`
//! (stakeholders, entries: issuances and transfers between them).
use std::time::Instant;

use chrono::NaiveDate;
use roundbook_ledger::*;
use roundbook_ocf::{company_from, export_package, import_into, ExportOptions, Limits, Package};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>());
    let holders = args.next().transpose()?.unwrap_or(10_000);
    let entries = args.next().transpose()?.unwrap_or(100_000);
    let day0 = NaiveDate::from_ymd_opt(2020, 1, 1).ok_or("date")?;
    let mut book = Book::new(Company {
        name: "Bench".into(),
        legal_name: "Bench, Inc.".into(),
        founded: day0,
        currency: Currency::USD,
        jurisdiction: "Delaware, United States".into(),
    })?;
    let ids: Vec<_> = (0..holders)
        .map(|i| {
            book.add_stakeholder(NewStakeholder {
                name: format!("Holder {i}"),
                kind: StakeholderKind::Individual,
                relationships: vec![],
                provenance: Provenance::Recorded,
                note: None,
            })
        })
        .collect::<Result<_>>()?;
    let class = book.add_class(NewClass::common("Common", None))?;
    for n in 0..entries {
        let day = day0 + chrono::Days::new((n / 100) as u64);
        let h = ids[n % holders];
        let movement = if n < holders || n % 2 == 0 {
            Movement::StockIssuance {
                holder: h,
                class,
                shares: 1000,
                price_per_share: None,
                round: None,
            }
        } else {
            Movement::Transfer {
                from: h,
                to: ids[(n * 7 + 1) % holders],
                class,
                shares: 10,
                price_per_share: None,
            }
        };
        book.record(day, movement, None, Provenance::Recorded)?;
    }
    let last = book.entries().last().map_or(day0, |e| e.effective);
    let t = Instant::now();
    let pkg = export_package(&book, &ExportOptions::new(chrono::Utc::now()))?;
    let zip = pkg.to_zip_bytes()?;
    let export = t.elapsed();
    let t = Instant::now();
    let read = Package::from_zip_bytes(&zip, &Limits::default())?;
    let reading = t.elapsed();
    let t = Instant::now();
    let mut back = Book::new(company_from(&read)?)?;
    let summary = import_into(&mut back, &read)?;
    let import = t.elapsed();
    let same = book.cap_table(last, &RoundingPolicy::default())?.totals
        == back.cap_table(last, &RoundingPolicy::default())?.totals;
    println!(
        "{holders} holders, {entries} entries: export+zip {export:?} ({} bytes zipped), read {reading:?}, import {import:?} ({} OCF transactions, {} entries); same totals: {same}",
        zip.len(),
        summary.transactions,
        summary.entries
    );
    Ok(())
}
