//! The book's capitalisation on a date, as the start classes of docs/model.md, and who holds
//! each part.
//!
//! A pure function of a loaded book and its cap table; the file is read by the caller.

use roundbook_ledger::{Book, CapTable, Participation};
use roundbook_sim::scenario::StartClass;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

/// The name of the class that stands for every option outstanding.
pub const OPTIONS_CLASS: &str = "Options (common-equivalent)";

/// A holder of the book: its fully diluted shares, and its part of each start class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holder {
    pub name: String,
    pub fully_diluted: u64,
    /// (index into the start classes, the fraction of that class this holder owns).
    pub parts: Vec<(usize, f64)>,
}

/// What a scenario without `[[start.classes]]` starts from.
#[derive(Debug, Clone, PartialEq)]
pub struct Capitalisation {
    pub classes: Vec<StartClass>,
    /// The unallocated pool, in shares.
    pub pool_available: f64,
    pub holders: Vec<Holder>,
}

/// Classes with shares outstanding, as converted, with their preference in money (multiple x
/// original issue price x shares); options as one common-equivalent class (the v1 model of
/// docs/model.md ignores strikes), the unallocated pool apart.
pub fn from_cap_table(book: &Book, table: &CapTable) -> Capitalisation {
    let mut classes: Vec<StartClass> = table
        .classes
        .iter()
        .filter(|r| r.shares > 0)
        .filter_map(|row| {
            let c = book.class(row.class)?;
            let oip = c
                .original_issue_price
                .map_or(0.0, |p| p.amount.to_f64().unwrap_or(0.0));
            Some(StartClass {
                name: c.name.clone(),
                shares: row.as_converted as f64,
                preference: c.preference_multiple.to_f64().unwrap_or(0.0) * oip * row.shares as f64,
                participating: !matches!(c.participation, Participation::None),
                seniority: c.seniority,
            })
        })
        .collect();
    let mut holders: Vec<Holder> = table
        .holders
        .iter()
        .map(|h| Holder {
            name: h.name.clone(),
            fully_diluted: h.fully_diluted,
            parts: h
                .holdings
                .iter()
                .filter_map(|x| {
                    let i = classes.iter().position(|c| c.name == x.class_name)?;
                    Some((i, x.as_converted as f64 / classes[i].shares))
                })
                .collect(),
        })
        .collect();
    if table.totals.options > 0 {
        let i = classes.len();
        for (h, row) in holders.iter_mut().zip(&table.holders) {
            if row.options > 0 {
                h.parts
                    .push((i, row.options as f64 / table.totals.options as f64));
            }
        }
        classes.push(StartClass {
            name: OPTIONS_CLASS.into(),
            shares: table.totals.options as f64,
            preference: 0.0,
            participating: false,
            seniority: 0,
        });
    }
    Capitalisation {
        classes,
        pool_available: table.totals.pool_available as f64,
        holders,
    }
}
