//! Shared by the OCF tests: fixture paths, an offline schema validator, cap table views.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use roundbook_ledger::{Book, CapTable, RoundingPolicy};
use roundbook_ocf::{company_from, import_into, ImportSummary, OcfError, Package};
use serde_json::Value;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn ocf_dir() -> PathBuf {
    fixtures().join("ocf-v1.2.0")
}

const SCHEMA_PREFIX: &str = "https://schema.opencaptablecoalition.com/v/1.2.0/";

/// Resolves the schemas' $id URLs to the copy in the fixtures; nothing goes to the network.
struct LocalSchemas;

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let rel = uri
            .as_str()
            .strip_prefix(SCHEMA_PREFIX)
            .ok_or_else(|| format!("{} is not an OCF 1.2.0 schema", uri.as_str()))?;
        let path = ocf_dir().join("schema").join(rel);
        Ok(serde_json::from_slice(&std::fs::read(&path)?)?)
    }
}

pub fn schema_for(file_type: &str) -> Value {
    let name = match file_type {
        "OCF_MANIFEST_FILE" => "OCFManifestFile",
        "OCF_STAKEHOLDERS_FILE" => "StakeholdersFile",
        "OCF_STOCK_CLASSES_FILE" => "StockClassesFile",
        "OCF_STOCK_PLANS_FILE" => "StockPlansFile",
        "OCF_VALUATIONS_FILE" => "ValuationsFile",
        "OCF_TRANSACTIONS_FILE" => "TransactionsFile",
        "OCF_FINANCINGS_FILE" => "FinancingsFile",
        "OCF_VESTING_TERMS_FILE" => "VestingTermsFile",
        "OCF_STOCK_LEGEND_TEMPLATES_FILE" => "StockLegendTemplatesFile",
        "OCF_DOCUMENTS_FILE" => "DocumentsFile",
        other => panic!("no schema for {other}"),
    };
    let path = ocf_dir().join(format!("schema/files/{name}.schema.json"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Every error the v1.2.0 schema finds in one OCF file (empty when it validates).
pub fn schema_errors(json: &Value) -> Vec<String> {
    let file_type = json["file_type"].as_str().unwrap_or("?");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .with_retriever(LocalSchemas)
        .build(&schema_for(file_type))
        .unwrap_or_else(|e| panic!("schema for {file_type} does not build: {e}"));
    validator
        .iter_errors(json)
        .map(|e| format!("{file_type} at {}: {e}", e.instance_path()))
        .collect()
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A new book for the package's issuer, with the package imported into it.
pub fn import(pkg: &Package) -> Result<(Book, ImportSummary), OcfError> {
    let mut book = Book::new(company_from(pkg)?).unwrap();
    let summary = import_into(&mut book, pkg)?;
    Ok((book, summary))
}

pub fn table(book: &Book, as_of: &str) -> CapTable {
    book.cap_table(date(as_of), &RoundingPolicy::default())
        .unwrap()
}

/// (holder, class, shares, as converted) for every holding; (holder, options, fully diluted) per holder.
pub fn holdings(t: &CapTable) -> Vec<(String, String, u64, u64)> {
    let mut out: Vec<_> = t
        .holders
        .iter()
        .flat_map(|h| {
            h.holdings.iter().map(|x| {
                (
                    h.name.clone(),
                    x.class_name.clone(),
                    x.shares,
                    x.as_converted,
                )
            })
        })
        .collect();
    out.sort();
    out
}

pub fn holders(t: &CapTable) -> Vec<(String, u64, u64, u64)> {
    let mut out: Vec<_> = t
        .holders
        .iter()
        .map(|h| (h.name.clone(), h.outstanding, h.options, h.fully_diluted))
        .collect();
    out.sort();
    out
}

pub fn classes(t: &CapTable) -> Vec<(String, u64, u64, u64, u64, u64)> {
    t.classes
        .iter()
        .map(|c| {
            (
                c.name.clone(),
                c.shares,
                c.as_converted,
                c.options,
                c.pool_available,
                c.fully_diluted,
            )
        })
        .collect()
}

/// The book's whole content as its views show it, to check an error changed nothing.
pub fn fingerprint(book: &Book) -> String {
    format!(
        "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
        book.stakeholders(),
        book.classes(),
        book.plans(),
        book.valuations(),
        book.entries(),
        book.rounds()
    )
}
