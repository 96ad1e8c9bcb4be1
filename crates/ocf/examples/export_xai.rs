//! Writes the xAI example book as an OCF zip: `cargo run -p roundbook-ocf --example export_xai -- OUT.zip`.
use roundbook_ledger::example::{populate_xai, xai_company};
use roundbook_ledger::Book;
use roundbook_ocf::{export_package, ExportOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "xai.ocf.zip".into());
    let mut book = Book::new(xai_company())?;
    populate_xai(&mut book)?;
    let pkg = export_package(&book, &ExportOptions::new(chrono::Utc::now()))?;
    pkg.write_zip(std::path::Path::new(&out))?;
    println!("wrote {out}: {} files", pkg.files().len());
    Ok(())
}
