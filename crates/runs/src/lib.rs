//! A Monte Carlo run against a book, shared by `roundbook simulate` and the desktop app: the
//! scenario checked with the caller's overrides, its capitalisation taken from the book on the
//! start date when it lists no `[[start.classes]]`, the run on the backend the scenario asks
//! for, each holder's ownership and payout, and the run stored in the book.
//!
//! The shells (CLI, app) keep only what is theirs: arguments, progress display, cancel signal,
//! printing. So the same scenario text gives the same classes, holders and stored record from
//! either.

pub mod capitalisation;
pub mod holders;

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use roundbook_ledger::{LedgerError, RoundingPolicy};
use roundbook_sim::backend::{self, Ran, RunError};
use roundbook_sim::cpu::{self, Summary};
use roundbook_sim::dist::FieldError;
use roundbook_sim::kernel::Params;
use roundbook_sim::scenario::{Backend, Scenario};
use roundbook_store::runs::NewRun;
use roundbook_store::{Store, StoreError};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use capitalisation::{Capitalisation, Holder, OPTIONS_CLASS};
pub use holders::{HolderResult, Ownership};

/// The engine version stored with every run.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Debug, thiserror::Error)]
pub enum RunsError {
    /// A scenario field is at fault; `path` names it (`compute.pue.max`, `start.classes`).
    #[error("{0}")]
    Scenario(FieldError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error("cancelled: the run stopped and nothing was stored")]
    Cancelled,
    /// The GPU backend was asked for and could not run.
    #[error("{0}")]
    Gpu(String),
}

impl From<FieldError> for RunsError {
    fn from(e: FieldError) -> Self {
        RunsError::Scenario(e)
    }
}

fn field_error(path: &str, message: &str) -> RunsError {
    RunsError::Scenario(FieldError {
        path: path.into(),
        message: message.into(),
    })
}

/// What the caller changes in the scenario before it is checked (command-line flags, the
/// app's form).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Overrides {
    pub paths: Option<u64>,
    pub seed: Option<u64>,
    pub backend: Option<Backend>,
}

/// Where a run's start classes came from.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "from", rename_all = "lowercase")]
pub enum CapitalisationSource {
    /// The scenario's own `[[start.classes]]`.
    Scenario,
    /// The book's cap table on the scenario's start date.
    Book { as_of: String },
}

/// A scenario checked and ready to run.
#[derive(Debug, Clone)]
pub struct PreparedRun {
    /// With the overrides applied, and the book's classes filled in when it had none.
    pub scenario: Scenario,
    pub params: Params,
    /// The SHA-256 of the scenario text as given (the stored run names its scenario by it).
    pub scenario_sha256: String,
    pub class_names: Vec<String>,
    /// Empty when the classes are the scenario's own: the book's holders are not theirs.
    pub holders: Vec<Holder>,
    pub capitalisation: CapitalisationSource,
}

/// The text's SHA-256 in lowercase hex.
pub fn scenario_sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads the book's capitalisation on `date` (YYYY-MM-DD).
pub fn capitalisation_from_book(book: &Path, date: &str) -> Result<Capitalisation, RunsError> {
    let day = roundbook_ledger::calendar::iso_date(date).ok_or_else(|| {
        field_error(
            "start.date",
            &format!(
                "'{date}' is not a date (write {})",
                roundbook_ledger::calendar::DATE_FORM
            ),
        )
    })?;
    let b = Store::open(book)?.load_as_of(day)?;
    let table = b.cap_table(day, &RoundingPolicy::default())?;
    Ok(capitalisation::from_cap_table(&b, &table))
}

/// Parses `text`, applies the overrides, checks every field, and takes the capitalisation from
/// `book` when the scenario lists no classes. Nothing is run or written.
pub fn prepare(text: &str, overrides: &Overrides, book: &Path) -> Result<PreparedRun, RunsError> {
    let mut s = Scenario::parse(text)?;
    if let Some(p) = overrides.paths {
        s.simulation.paths = p;
    }
    if let Some(seed) = overrides.seed {
        s.simulation.seed = seed;
    }
    if let Some(b) = overrides.backend {
        s.simulation.backend = b;
    }
    let samplers = s.validate()?;
    let mut holders = vec![];
    let mut source = CapitalisationSource::Scenario;
    if s.start.classes.is_none() {
        let cap = capitalisation_from_book(book, &s.start.date)?;
        if cap.classes.is_empty() {
            return Err(field_error(
                "start.classes",
                "the book holds no shares on the start date",
            ));
        }
        holders = cap.holders;
        s.start.classes = Some(cap.classes);
        // The book's classes count against what a path carries, as listed ones do.
        s.check_classes()?;
        s.start.pool_available = cap.pool_available;
        source = CapitalisationSource::Book {
            as_of: s.start.date.trim().to_string(),
        };
    }
    let params =
        Params::new(&s, samplers).ok_or_else(|| field_error("start.classes", "no classes"))?;
    let class_names = s
        .start
        .classes
        .iter()
        .flatten()
        .map(|c| c.name.clone())
        .collect();
    Ok(PreparedRun {
        scenario: s,
        params,
        scenario_sha256: scenario_sha256(text),
        class_names,
        holders,
        capitalisation: source,
    })
}

/// How to run: the shell's thread and batch choices, its cancel flag and progress callback.
pub struct RunOptions<'a> {
    pub threads: Option<usize>,
    pub batch: Option<u64>,
    pub cancel: &'a AtomicBool,
    pub progress: &'a (dyn Fn(u64) + Sync),
}

/// A finished run, not yet stored.
#[derive(Debug, Clone)]
pub struct FinishedRun {
    pub summary: Summary,
    pub ran: Ran,
    pub seconds: f64,
    /// The names of `summary.finals`, in order.
    pub final_names: Vec<String>,
    /// One per holder of the book (empty for a scenario with its own classes).
    pub holders: Vec<HolderResult>,
}

/// Runs the prepared scenario. A set cancel flag stops it at its next chunk: `Cancelled`.
pub fn run(p: &PreparedRun, o: &RunOptions) -> Result<FinishedRun, RunsError> {
    let s = &p.scenario;
    // Memory grows with the paths a batch holds and the threads that fill it: both bounded.
    if let Some(b) = o.batch {
        if b == 0 || b > roundbook_sim::scenario::MAX_BATCH {
            return Err(field_error(
                "batch",
                &format!("{b} is outside 1..={}", roundbook_sim::scenario::MAX_BATCH),
            ));
        }
    }
    if let Some(t) = o.threads {
        if t == 0 || t > roundbook_sim::scenario::MAX_THREADS {
            return Err(field_error(
                "threads",
                &format!(
                    "{t} is outside 1..={}",
                    roundbook_sim::scenario::MAX_THREADS
                ),
            ));
        }
    }
    let started = Instant::now();
    let request = backend::RunRequest {
        backend: s.simulation.backend,
        paths: s.simulation.paths,
        threads: o.threads,
        batch: o.batch,
        cancel: o.cancel,
        progress: o.progress,
    };
    let (summary, ran) = backend::run(&p.params, &request).map_err(|e| match e {
        RunError::Cancelled => RunsError::Cancelled,
        RunError::Gpu(e) => RunsError::Gpu(e.to_string()),
    })?;
    let seconds = started.elapsed().as_secs_f64();
    let holders = holders::holder_results(&p.holders, &summary, s.simulation.horizon_months);
    Ok(FinishedRun {
        final_names: cpu::final_names(&p.class_names, s.funding.max_rounds),
        holders,
        summary,
        ran,
        seconds,
    })
}

/// Stores the run in the book (the scenario text once per distinct text, then the run with its
/// summary), in one transaction; returns the run's id.
pub fn record(book: &Path, text: &str, p: &PreparedRun, f: &FinishedRun) -> Result<i64, RunsError> {
    record_then(book, text, p, f, |_| Ok::<(), RunsError>(()))
}

/// Stores the run and hands its number to `then` (the command line writes `--out` there): the
/// run stays in the book only if `then` succeeds.
pub fn record_then<E: From<RunsError>>(
    book: &Path,
    text: &str,
    p: &PreparedRun,
    f: &FinishedRun,
    then: impl FnOnce(i64) -> Result<(), E>,
) -> Result<i64, E> {
    let summary_json = serde_json::to_string(&f.summary).unwrap_or_default();
    let s = &p.scenario.simulation;
    let run = NewRun {
        scenario_text: text,
        scenario_sha256: &p.scenario_sha256,
        seed: s.seed,
        paths: s.paths,
        horizon_months: s.horizon_months,
        backend: f.ran.backend,
        adapter: f.ran.adapter.as_deref(),
        engine_version: ENGINE_VERSION,
        seconds: f.seconds,
        summary_json: &summary_json,
    };
    let mut store = Store::open(book).map_err(RunsError::from)?;
    store
        .record_run_then(&run, |id| then(id).map_err(Step::Then))
        .map_err(|e| match e {
            Step::Store(e) => E::from(RunsError::from(e)),
            Step::Then(e) => e,
        })
}

/// Which part of storing a run failed: the store, or the caller's step inside its transaction.
enum Step<E> {
    Store(roundbook_store::StoreError),
    Then(E),
}

impl<E> From<roundbook_store::StoreError> for Step<E> {
    fn from(e: roundbook_store::StoreError) -> Step<E> {
        Step::Store(e)
    }
}
