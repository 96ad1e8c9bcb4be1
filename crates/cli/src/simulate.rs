//! `roundbook simulate`: a scenario file in, a Monte Carlo run on the GPU or the CPU, its
//! summary out.
//! The start capitalisation is the scenario's own, or the book's on the scenario's start date.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use roundbook_runs::{FinishedRun, Overrides, PreparedRun, RunOptions, RunsError};
use roundbook_sim::cpu;
use roundbook_sim::scenario::Backend;
use roundbook_store::Store;

use crate::args::SimulateArgs;
use roundbook_application::{tables, ErrorCode};

use crate::{CliError, CliResult};

static CANCEL: AtomicBool = AtomicBool::new(false);

fn invalid(file: &Path, path: &str, message: &str) -> CliError {
    CliError::new(
        ErrorCode::Invalid,
        format!("{}: {path}: {message}", file.display()),
    )
}

/// The library's errors as the CLI has always reported them: a scenario field's error names
/// the file and the field path.
fn cli_error(file: &Path, e: RunsError) -> CliError {
    match e {
        RunsError::Scenario(e) => invalid(file, &e.path, &e.message),
        RunsError::Store(e) => e.into(),
        RunsError::Ledger(e) => e.into(),
        RunsError::Cancelled => CliError::new(
            ErrorCode::Cancelled,
            "cancelled: the run stopped and no result was written",
        ),
        RunsError::Gpu(e) => CliError {
            code: ErrorCode::Gpu,
            field: Some("backend".into()),
            message: format!("backend: {e} (--backend auto falls back to the CPU)"),
        },
    }
}

fn backend_choice(name: &str) -> CliResult<Backend> {
    match name {
        "auto" => Ok(Backend::Auto),
        "cpu" => Ok(Backend::Cpu),
        "gpu" => Ok(Backend::Gpu),
        other => Err(CliError::invalid(
            "backend",
            format!("'{other}' is not auto, cpu or gpu"),
        )),
    }
}

/// The run's JSON: what --json prints and --out writes.
fn result_json(file: &Path, p: &PreparedRun, f: &FinishedRun) -> serde_json::Value {
    let s = &p.scenario.simulation;
    let meta = serde_json::json!({
        "scenario": file.display().to_string(),
        "scenario_sha256": p.scenario_sha256,
        "seed": s.seed,
        "paths": s.paths,
        "horizon_months": s.horizon_months,
        "backend": f.ran.backend,
        "adapter": f.ran.adapter,
        "engine_version": roundbook_runs::ENGINE_VERSION,
        "seconds": f.seconds,
        "classes": p.class_names,
    });
    let finals: Vec<serde_json::Value> = f
        .final_names
        .iter()
        .zip(&f.summary.finals)
        .map(|(name, fan)| serde_json::json!({ "name": name, "fan": fan }))
        .collect();
    serde_json::json!({ "run": meta, "summary": f.summary, "holders": f.holders, "finals": finals })
}

/// Storing a run and writing its file: the library's error (named against the scenario file) or
/// the file's.
enum RunsOrCli {
    Runs(RunsError),
    Cli(CliError),
}

impl From<RunsError> for RunsOrCli {
    fn from(e: RunsError) -> RunsOrCli {
        RunsOrCli::Runs(e)
    }
}

impl From<CliError> for RunsOrCli {
    fn from(e: CliError) -> RunsOrCli {
        RunsOrCli::Cli(e)
    }
}

pub fn run(book: &Path, a: SimulateArgs, json: bool, out: &mut String) -> CliResult {
    let file = a.scenario.as_path();
    let text = roundbook_files::read_input_text(file)?;
    let overrides = Overrides {
        paths: a.paths,
        seed: a.seed,
        backend: a.backend.as_deref().map(backend_choice).transpose()?,
    };
    let prepared =
        roundbook_runs::prepare(&text, &overrides, book).map_err(|e| cli_error(file, e))?;
    let s = &prepared.scenario;

    // Ctrl-C sets the flag; the run stops at its next chunk of paths and returns nothing.
    CANCEL.store(false, Ordering::SeqCst);
    let _ = ctrlc::set_handler(|| CANCEL.store(true, Ordering::SeqCst));
    let paths = s.simulation.paths;
    let last = Mutex::new(Instant::now());
    let progress = |done: u64| {
        let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
        if last.elapsed().as_millis() >= 200 || done == paths {
            *last = Instant::now();
            let pct = done * 100 / paths.max(1);
            let bar: String = (0..40)
                .map(|i| if i * 100 / 40 < pct { '#' } else { ' ' })
                .collect();
            eprint!("\rsimulating [{bar}] {pct:>3}% {done}/{paths} paths");
        }
    };
    // A file that cannot be written is found before the run, not after it.
    if let Some(path) = &a.out {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        if dir.is_some_and(|d| !d.is_dir()) {
            return Err(CliError::invalid(
                "out",
                format!("{}: no such folder to write the result in", path.display()),
            ));
        }
    }
    if a.batch == Some(0) {
        return Err(CliError::invalid("batch", "must be at least 1 path"));
    }
    let options = RunOptions {
        threads: a.threads,
        batch: a.batch,
        cancel: &CANCEL,
        progress: &progress,
    };
    let finished = roundbook_runs::run(&prepared, &options).map_err(|e| {
        eprintln!();
        cli_error(file, e)
    })?;
    eprintln!();
    if let Some(notice) = &finished.ran.notice {
        eprintln!("roundbook: {notice}");
    }
    let mut result = result_json(file, &prepared, &finished);
    // The result file is written inside the transaction that stores the run: a file that cannot
    // be written leaves the book as it was.
    let write_out = |result: &serde_json::Value| -> CliResult {
        match &a.out {
            Some(path) => {
                let text = serde_json::to_string_pretty(result).unwrap_or_default();
                roundbook_files::write_atomically(path, text.as_bytes())
            }
            None => Ok(()),
        }
    };
    let mut stored = None;
    if book.exists() {
        let id = roundbook_runs::record_then(book, &text, &prepared, &finished, |id| {
            result["run"]["id"] = serde_json::json!(id);
            write_out(&result).map_err(RunsOrCli::Cli)
        })
        .map_err(|e| match e {
            RunsOrCli::Runs(e) => cli_error(file, e),
            RunsOrCli::Cli(e) => e,
        })?;
        eprintln!("roundbook: stored as run #{id} in {}", book.display());
        stored = Some(id);
    } else {
        write_out(&result)?;
    }
    if json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&result).unwrap_or_default()
        );
        return Ok(());
    }
    print_summary(&prepared, &finished, stored, out);
    Ok(())
}

fn print_summary(p: &PreparedRun, finished: &FinishedRun, id: Option<i64>, out: &mut String) {
    let s = &p.scenario;
    let (summary, ran, secs) = (&finished.summary, &finished.ran, finished.seconds);
    let paths = s.simulation.paths;
    let names = &finished.final_names;
    let h = s.simulation.horizon_months as usize;
    let _ = writeln!(
        out,
        "{paths} paths x {h} months, seed {}, {}: {secs:.2} s ({:.1}M path-months/s)",
        s.simulation.seed,
        match &ran.adapter {
            Some(adapter) => format!("GPU {adapter}"),
            None => "CPU".to_string(),
        },
        paths as f64 * h as f64 / secs / 1e6
    );
    let _ = writeln!(
        out,
        "P(fail by month {h}) = {:.4} (unpriceable rounds: {})",
        summary.p_fail, summary.unpriceable
    );
    let _ = writeln!(
        out,
        "P(a raise within 6 / 12 / 24 months) = {:.4} / {:.4} / {:.4}; mean rounds {:.2}",
        summary.p_raise_within[0],
        summary.p_raise_within[1],
        summary.p_raise_within[2],
        summary.mean_rounds
    );
    // The read model's fans table (as `export csv simulation-fans` writes every month), at the
    // months a reader scans.
    let months: std::collections::BTreeSet<u64> = [1u64, 6, 12, 24, 36, 48, h as u64]
        .into_iter()
        .filter(|m| *m <= h as u64)
        .collect();
    let summary_json = serde_json::to_value(summary).unwrap_or_default();
    let fans = tables::fans_of([(id, &summary_json)], |m| months.contains(&m));
    let _ = writeln!(out, "\nFans over the paths alive each month:");
    out.push_str(&crate::table::render(&fans));
    let _ = writeln!(
        out,
        "\nAt month {h}, over all paths (a failed path counts 0)              P5            P50            P95           mean"
    );
    for (name, fan) in names.iter().zip(&summary.finals) {
        let _ = writeln!(
            out,
            "  {name:<56} {:>14.4e} {:>14.4e} {:>14.4e} {:>14.4e}",
            fan.percentiles[0], fan.percentiles[2], fan.percentiles[4], fan.mean
        );
    }
    if !finished.holders.is_empty() {
        let _ = writeln!(out, "\nHolders at month {h}: ownership of fully diluted (P5 / P50 / P95) and mean exit payout:");
        for r in &finished.holders {
            let o = r.ownership_at_horizon;
            let _ = writeln!(
                out,
                "  {:<44} {:>7.3}% {:>7.3}% {:>7.3}%  {:>12.4e}",
                r.holder,
                o.p5 * 100.0,
                o.p50 * 100.0,
                o.p95 * 100.0,
                r.exit_payout_mean
            );
        }
    }
    let _ = writeln!(out, "\nConvergence (in path order):          paths     P(fail)   mean exit value   mean new money");
    for c in &summary.convergence {
        let _ = writeln!(
            out,
            "  {:>36} {:>11.4} {:>17.4e} {:>16.4e}",
            c.paths, c.p_fail, c.exit_value_mean, c.new_money_mean
        );
    }
    let mut tornado: Vec<_> = summary
        .sensitivity
        .iter()
        .filter(|x| x.exit_value.is_some())
        .collect();
    tornado.sort_by(|a, b| {
        b.exit_value
            .unwrap_or(0.0)
            .abs()
            .total_cmp(&a.exit_value.unwrap_or(0.0).abs())
    });
    let _ = writeln!(
        out,
        "\nSensitivity of the exit value (Spearman rank correlation, first {} paths):",
        summary.paths.min(cpu::SENSITIVITY_PATHS)
    );
    for x in tornado {
        let r = x.exit_value.unwrap_or(0.0);
        let bar = "#".repeat((r.abs() * 40.0).round() as usize);
        let _ = writeln!(out, "  {:<36} {r:>+7.3} {bar}", x.input);
    }
    let _ = writeln!(out, "\nPercentiles are read from histograms: each states its bin error in --json (fans[].bin_error).");
}

/// `roundbook runs`: the Monte Carlo runs stored in the book.
pub fn list(book: &Path, json: bool, out: &mut String) -> CliResult {
    let store = Store::open(book)?;
    let runs = store.runs()?;
    let table = roundbook_files::export::table(
        &store,
        &roundbook_files::TableRequest::new(tables::TableChoice::SimulationRuns),
    )?;
    if json {
        let rows: Vec<serde_json::Value> = runs
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id, "scenario_sha256": r.scenario_sha256, "seed": r.seed, "paths": r.paths,
                    "horizon_months": r.horizon_months, "backend": r.backend, "adapter": r.adapter,
                    "engine_version": r.engine_version, "seconds": r.seconds, "recorded_at": r.recorded_at,
                    "summary": serde_json::from_str::<serde_json::Value>(&r.summary).unwrap_or_default(),
                })
            })
            .collect();
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "runs": rows, "table": table }))
                .unwrap_or_default()
        );
        return Ok(());
    }
    out.push_str(&crate::table::render(&table));
    Ok(())
}
