//! Monte Carlo runs from the app: a scenario's text in, a run on the GPU or CPU backend with progress
//! and cancel, the summary out and stored in the book. The glue is `roundbook_runs`, the same as
//! `roundbook simulate`: a scenario without `[[start.classes]]` runs on the open book's
//! capitalisation on its start date, with each holder's results.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use roundbook_runs::{
    CapitalisationSource, HolderResult, Overrides, PreparedRun, RunOptions, RunsError,
};
use roundbook_sim::cpu::{self, Summary};
use roundbook_sim::preview::{self, Preview, PREVIEW_SAMPLES};
use roundbook_sim::scenario::Backend;
use roundbook_store::Store;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

/// The shipped xAI scenario: what the Scenarios view starts from.
pub const XAI_SCENARIO: &str = include_str!("../../assets/scenarios/xai-series-b.toml");

/// The most paths one run from the app may ask for; a larger run belongs in the CLI.
pub const MAX_PATHS: u64 = 10_000_000;

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct RunRequest {
    /// The scenario file's text (TOML), as edited in the view.
    pub scenario: String,
    /// Overrides the scenario's path count and seed when given.
    #[serde(default)]
    pub paths: Option<u64>,
    #[serde(default)]
    pub seed: Option<u64>,
    #[serde(default)]
    pub backend: Option<Backend>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RunResult {
    /// The run's id in the book.
    pub id: i64,
    pub backend: &'static str,
    /// Why the backend is the one used (auto falls back to the CPU in this build).
    pub backend_note: Option<String>,
    pub paths: u64,
    pub seed: u64,
    pub horizon_months: u32,
    pub seconds: f64,
    /// The scenario's own classes, or the book's on the start date.
    pub capitalisation: CapitalisationSource,
    pub class_names: Vec<String>,
    /// The names of `summary.finals`, in order.
    pub final_names: Vec<String>,
    pub input_names: Vec<&'static str>,
    /// Each holder of the book at the horizon (empty when the scenario lists its own classes).
    pub holders: Vec<HolderResult>,
    pub summary: Summary,
}

/// The library's errors as the page sees them: a scenario field's error on that field path
/// (`compute.pue.max`), so the view shows it inline.
fn app_error(e: RunsError) -> AppError {
    match e {
        RunsError::Scenario(e) => AppError::invalid(&e.path, e.message),
        RunsError::Store(e) => e.into(),
        RunsError::Ledger(e) => e.into(),
        RunsError::Cancelled => AppError::new(
            crate::error::ErrorCode::Cancelled,
            "cancelled: the run stopped and nothing was stored",
        ),
        RunsError::Gpu(e) => AppError::invalid("backend", format!("{e}; choose auto or cpu")),
    }
}

/// The scenario as it will run, checked against the open book: every error names its field
/// path, and nothing runs or is stored.
pub fn prepare(book: &Path, req: &RunRequest) -> AppResult<PreparedRun> {
    if let Some(p) = req.paths {
        if p == 0 || p > MAX_PATHS {
            return Err(AppError::invalid(
                "paths",
                format!("{p}: a run from the app has 1 to {MAX_PATHS} paths"),
            ));
        }
    }
    let overrides = Overrides {
        paths: req.paths,
        seed: req.seed,
        backend: req.backend,
    };
    roundbook_runs::prepare(&req.scenario, &overrides, book).map_err(app_error)
}

/// Runs the scenario, reporting paths done; a set `cancel` stops it and nothing is stored.
pub fn run(
    book: &Path,
    req: &RunRequest,
    cancel: &AtomicBool,
    progress: &(dyn Fn(u64) + Sync),
) -> AppResult<RunResult> {
    let prepared = prepare(book, req)?;
    // Opened before the run so a missing book fails in milliseconds, not after it.
    drop(Store::open(book)?);
    let options = RunOptions {
        threads: None,
        batch: None,
        cancel,
        progress,
    };
    let finished = roundbook_runs::run(&prepared, &options).map_err(app_error)?;
    let id =
        roundbook_runs::record(book, &req.scenario, &prepared, &finished).map_err(app_error)?;
    let sim = &prepared.scenario.simulation;
    Ok(RunResult {
        id,
        backend: finished.ran.backend,
        backend_note: match (&finished.ran.adapter, finished.ran.notice) {
            (_, Some(notice)) => Some(notice),
            (Some(adapter), None) => Some(format!("ran on {adapter}")),
            (None, None) => None,
        },
        paths: sim.paths,
        seed: sim.seed,
        horizon_months: sim.horizon_months,
        seconds: finished.seconds,
        capitalisation: prepared.capitalisation,
        final_names: finished.final_names,
        input_names: cpu::INPUT_NAMES.to_vec(),
        class_names: prepared.class_names,
        holders: finished.holders,
        summary: finished.summary,
    })
}

/// Each distribution field of the scenario text drawn a few thousand times with the engine's
/// own samplers and seed; a bad field carries its own field-path error. Only text that is not
/// TOML or JSON at all is refused, naming its line.
pub fn preview_distributions(scenario: &str) -> AppResult<Preview> {
    preview::preview(scenario, PREVIEW_SAMPLES).map_err(|e| AppError::invalid(&e.path, e.message))
}
