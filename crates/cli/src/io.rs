//! `roundbook export ...` and `roundbook import ...` (docs/import-export.md): arguments and
//! printing over roundbook-files, the glue the desktop app shares. Reads load the book; an
//! import is one store transaction, so a bad row leaves the book as it was. An export is
//! written to a temporary file beside the target and renamed, so a failed export never
//! leaves half a file.

use std::fmt::Write as _;
use std::path::Path;

use roundbook_files::export::csv_text;
use roundbook_files::{unwatched, ProjectionRange as Range, TableRequest};

use crate::CliResult;

use crate::args::files::*;

impl From<&ProjectionRange> for Range {
    fn from(r: &ProjectionRange) -> Range {
        Range {
            months: r.months.clone(),
            from: r.from.clone(),
        }
    }
}

pub fn export(book: &Path, c: ExportCmd, json: bool, out: &mut String) -> CliResult {
    match c {
        ExportCmd::Csv(a) => export_csv(book, a, json, out),
        ExportCmd::Xlsx(a) => {
            let range = Range::from(&a.projection);
            let w =
                roundbook_files::export_xlsx(book, a.as_of.as_deref(), &range, &a.out, &unwatched)?;
            report(out, json, &a.out, &w.tables);
            Ok(())
        }
        ExportCmd::Ocf { out: file, as_of } => {
            let files = roundbook_files::export_ocf(book, as_of.as_deref(), &file, &unwatched)?;
            let what = format!("OCF v1.2.0 package, {files} files");
            wrote(out, json, &file, &what);
            Ok(())
        }
        ExportCmd::Pdf {
            out: file,
            as_of,
            projection,
        } => {
            let range = Range::from(&projection);
            roundbook_files::export_pdf(book, as_of.as_deref(), &range, &file, &unwatched)?;
            wrote(out, json, &file, "board report");
            Ok(())
        }
    }
}

pub fn import(book: &Path, c: ImportCmd, json: bool, out: &mut String) -> CliResult {
    match c {
        ImportCmd::Csv { file } => import_csv(book, &file, json, out),
        ImportCmd::Ocf { path } => import_ocf(book, &path, json, out),
        ImportCmd::Scenario { file, name } => import_scenario(book, &file, name, json, out),
    }
}

fn export_csv(book: &Path, a: ExportCsvArgs, json: bool, out: &mut String) -> CliResult {
    let req = TableRequest {
        table: a.table,
        as_of: a.as_of.clone(),
        by: a.by,
        shares: a.shares,
        projection: Range::from(&a.projection),
    };
    if a.out.as_os_str() == "-" {
        out.push_str(&csv_text(book, &req)?.1);
        return Ok(());
    }
    let w = roundbook_files::export_csv(book, &req, &a.out)?;
    report(out, json, &a.out, &w.tables);
    Ok(())
}

fn print_json(out: &mut String, v: &serde_json::Value) {
    let _ = writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(v).unwrap_or_default()
    );
}

fn report(out: &mut String, json: bool, path: &Path, tables: &[(String, usize)]) {
    if json {
        let sheets: Vec<serde_json::Value> = tables
            .iter()
            .map(|(name, rows)| serde_json::json!({"table": name, "rows": rows}))
            .collect();
        let v = serde_json::json!({"file": path.display().to_string(), "tables": sheets});
        print_json(out, &v);
        return;
    }
    let list: Vec<String> = tables
        .iter()
        .map(|(n, r)| format!("{n} ({r} rows)"))
        .collect();
    let _ = writeln!(out, "Wrote {}: {}.", path.display(), list.join(", "));
}

fn wrote(out: &mut String, json: bool, path: &Path, what: &str) {
    if json {
        let v = serde_json::json!({"file": path.display().to_string(), "what": what});
        let _ = writeln!(out, "{v}");
    } else {
        let _ = writeln!(out, "Wrote {}: {what}.", path.display());
    }
}

fn import_csv(book: &Path, file: &Path, json: bool, out: &mut String) -> CliResult {
    let done = roundbook_files::import_captable_csv(book, file)?;
    if json {
        let v = serde_json::json!({
            "file": done.file, "issuances": done.issuances,
            "new_holders": done.new_holders, "new_classes": done.new_classes,
        });
        print_json(out, &v);
        return Ok(());
    }
    let _ = writeln!(
        out,
        "Recorded {} issuances from {} in one transaction ({} new holders, {} new classes).",
        done.issuances,
        done.file,
        done.new_holders.len(),
        done.new_classes.len()
    );
    Ok(())
}

fn import_scenario(
    book: &Path,
    file: &Path,
    name: Option<String>,
    json: bool,
    out: &mut String,
) -> CliResult {
    let done = roundbook_files::import_scenario(book, file, name.as_deref())?;
    if json {
        let v = serde_json::json!({"name": done.name, "scenario_sha256": done.scenario_sha256, "new_text": done.new_text});
        print_json(out, &v);
        return Ok(());
    }
    let _ = writeln!(
        out,
        "Imported scenario '{}' from {} (sha256 {}{}).",
        done.name,
        file.display(),
        &done.scenario_sha256[..12],
        if done.new_text {
            ""
        } else {
            ", a text already in the book"
        }
    );
    Ok(())
}

fn import_ocf(book: &Path, path: &Path, json: bool, out: &mut String) -> CliResult {
    let done = roundbook_files::import_ocf(book, path, &unwatched)?;
    if json {
        let v = serde_json::json!({
            "book": book.display().to_string(), "stakeholders": done.stakeholders,
            "classes": done.classes, "plans": done.plans, "valuations": done.valuations,
            "transactions": done.transactions, "entries": done.entries, "not_kept": done.not_kept,
        });
        print_json(out, &v);
        return Ok(());
    }
    let _ = writeln!(
        out,
        "Imported {} into {}: {} stakeholders, {} classes, {} plans, {} journal entries.",
        path.display(),
        book.display(),
        done.stakeholders,
        done.classes,
        done.plans,
        done.entries
    );
    for line in &done.not_kept {
        let _ = writeln!(out, "  not kept: {line}");
    }
    Ok(())
}
