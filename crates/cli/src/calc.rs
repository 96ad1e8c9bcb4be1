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
    // The JSON path of a value that does not parse ("round.pool.shares"), as run_deal names
    // the one a rule refuses.
    let deal: Deal = serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(
        &text,
    ))
    .map_err(|e| {
        let (path, e) = (e.path().to_string(), e.into_inner());
        let place = if path == "." {
            String::new()
        } else {
            format!("{path}: ")
        };
        CliError::new(
            roundbook_application::ErrorCode::Invalid,
            format!(
                "{file}: {place}line {} column {}: {e}",
                e.line(),
                e.column()
            ),
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
