//! `roundbook calc FILE.json`: a deal in, its results out as JSON. No book file.

use std::fmt::Write as _;

use roundbook_ledger::deal::{run_deal, Deal};

use crate::{CliError, CliResult};

pub fn run(file: &str, out: &mut String) -> CliResult {
    let text = if file == "-" {
        roundbook_files::read_stdin_text()?
    } else {
        roundbook_files::read_input_text(std::path::Path::new(file))?
    };
    let deal: Deal = serde_json::from_str(&text).map_err(|e| {
        CliError::new(
            roundbook_application::ErrorCode::Invalid,
            format!("{file}: line {} column {}: {e}", e.line(), e.column()),
        )
    })?;
    let outcome = run_deal(&deal)?;
    let _ = writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&outcome).unwrap_or_default()
    );
    Ok(())
}
