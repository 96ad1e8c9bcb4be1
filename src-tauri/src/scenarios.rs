//! Monte Carlo runs from the app: a scenario's text in, a run on the GPU or CPU backend with progress
//! and cancel, the summary out and stored in the book (as `roundbook simulate` stores it).

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use roundbook_sim::backend::{self, RunError};
use roundbook_sim::cpu::{self, Summary};
use roundbook_sim::dist::FieldError;
use roundbook_sim::kernel::Params;
use roundbook_sim::scenario::{Backend, Scenario};
use roundbook_store::runs::NewRun;
use roundbook_store::Store;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

/// The shipped xAI scenario: what the Scenarios view starts from.
pub const XAI_SCENARIO: &str = include_str!("../../assets/scenarios/xai-series-b.toml");

/// The most paths one run from the app may ask for; a larger run belongs in the CLI.
pub const MAX_PATHS: u64 = 10_000_000;

#[derive(Debug, Clone, Deserialize)]
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

#[derive(Debug, Clone, Serialize)]
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
    pub class_names: Vec<String>,
    /// The names of `summary.finals`, in order.
    pub final_names: Vec<String>,
    pub input_names: Vec<&'static str>,
    pub summary: Summary,
}

#[derive(Debug, Clone, Serialize)]
pub struct StoredRun {
    pub id: i64,
    pub seed: u64,
    pub paths: u64,
    pub horizon_months: u32,
    pub backend: String,
    pub seconds: f64,
    pub recorded_at: String,
}

fn scenario_error(e: FieldError) -> AppError {
    AppError::invalid(&e.path, e.message)
}

/// The scenario as it will run, checked: every error names its field path
/// (`compute.pue.max`), and nothing runs or is stored.
pub fn prepare(req: &RunRequest) -> AppResult<(Scenario, Params)> {
    let mut s = Scenario::parse(&req.scenario).map_err(scenario_error)?;
    if let Some(p) = req.paths {
        if p == 0 || p > MAX_PATHS {
            return Err(AppError::invalid(
                "paths",
                format!("{p}: a run from the app has 1 to {MAX_PATHS} paths"),
            ));
        }
        s.simulation.paths = p;
    }
    if let Some(seed) = req.seed {
        s.simulation.seed = seed;
    }
    if let Some(b) = req.backend {
        s.simulation.backend = b;
    }
    let samplers = s.validate().map_err(scenario_error)?;
    if s.start.classes.is_none() {
        return Err(AppError::invalid(
            "start.classes",
            "list the classes in the scenario; taking them from the book is done by `roundbook simulate` for now",
        ));
    }
    let params = Params::new(&s, samplers)
        .ok_or_else(|| AppError::invalid("start.classes", "no classes"))?;
    Ok((s, params))
}

/// Runs the scenario, reporting paths done; a set `cancel` stops it and nothing is stored.
pub fn run(
    book: &Path,
    req: &RunRequest,
    cancel: &AtomicBool,
    progress: &(dyn Fn(u64) + Sync),
) -> AppResult<RunResult> {
    let (s, params) = prepare(req)?;
    // Opened before the run so a missing book fails in milliseconds, not after it.
    let mut store = Store::open(book)?;
    let started = Instant::now();
    let request = backend::RunRequest {
        backend: s.simulation.backend,
        paths: s.simulation.paths,
        threads: None,
        batch: None,
        cancel,
        progress,
    };
    let (summary, ran) = backend::run(&params, &request).map_err(|e| match e {
        RunError::Cancelled => AppError::new(
            "cancelled",
            "cancelled: the run stopped and nothing was stored",
        ),
        RunError::Gpu(e) => AppError::invalid("backend", format!("{e}; choose auto or cpu")),
    })?;
    let seconds = started.elapsed().as_secs_f64();
    let hash: String = Sha256::digest(req.scenario.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let summary_json = serde_json::to_string(&summary).unwrap_or_default();
    let id = store.record_run(&NewRun {
        scenario_text: &req.scenario,
        scenario_sha256: &hash,
        seed: s.simulation.seed,
        paths: s.simulation.paths,
        horizon_months: s.simulation.horizon_months,
        backend: ran.backend,
        adapter: ran.adapter.as_deref(),
        engine_version: env!("CARGO_PKG_VERSION"),
        seconds,
        summary_json: &summary_json,
    })?;
    let class_names: Vec<String> = s
        .start
        .classes
        .iter()
        .flatten()
        .map(|c| c.name.clone())
        .collect();
    Ok(RunResult {
        id,
        backend: ran.backend,
        backend_note: match (&ran.adapter, ran.notice) {
            (_, Some(notice)) => Some(notice),
            (Some(adapter), None) => Some(format!("ran on {adapter}")),
            (None, None) => None,
        },
        paths: s.simulation.paths,
        seed: s.simulation.seed,
        horizon_months: s.simulation.horizon_months,
        seconds,
        final_names: cpu::final_names(&class_names, s.funding.max_rounds),
        input_names: cpu::INPUT_NAMES.to_vec(),
        class_names,
        summary,
    })
}

pub fn stored_runs(book: &Path) -> AppResult<Vec<StoredRun>> {
    Ok(Store::open(book)?
        .runs()?
        .into_iter()
        .map(|r| StoredRun {
            id: r.id,
            seed: r.seed,
            paths: r.paths,
            horizon_months: r.horizon_months,
            backend: r.backend,
            seconds: r.seconds,
            recorded_at: r.recorded_at,
        })
        .collect())
}
