//! Choosing where a run goes: `--backend auto|gpu|cpu`, one function for the CLI and the app.
//!
//! auto takes a hardware GPU when there is one and otherwise runs on the CPU, saying why in a
//! one-line notice; if the GPU fails mid-run (lost, out of memory, a scenario too big for the
//! kernel) auto reruns on the CPU and says so. gpu takes any adapter, a software one included,
//! and reports a failure instead of falling back. cpu never touches the GPU.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use crate::cpu::{self, Cancelled, Summary};
use crate::gpu::{Adapters, Gpu, GpuError};
use crate::kernel::Params;
use crate::scenario::Backend;

/// Where a run went, as the run records it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ran {
    /// "cpu" or "gpu".
    pub backend: &'static str,
    /// The adapter's name and API (e.g. "NVIDIA H200 (Vulkan)"); None on the CPU.
    pub adapter: Option<String>,
    /// Why auto did not use the GPU, or fell back from it.
    pub notice: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RunError {
    Cancelled,
    /// --backend gpu and no usable GPU, or the GPU failed.
    Gpu(GpuError),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Cancelled => write!(f, "cancelled"),
            RunError::Gpu(e) => write!(f, "{e}"),
        }
    }
}

impl From<Cancelled> for RunError {
    fn from(_: Cancelled) -> Self {
        RunError::Cancelled
    }
}

/// How a run is asked for.
pub struct RunRequest<'a> {
    pub backend: Backend,
    pub paths: u64,
    /// CPU threads (None: all cores).
    pub threads: Option<usize>,
    /// Paths per batch (None: the backend's own choice).
    pub batch: Option<u64>,
    pub cancel: &'a AtomicBool,
    pub progress: &'a (dyn Fn(u64) + Sync),
}

fn on_cpu(p: &Params, r: &RunRequest, notice: Option<String>) -> Result<(Summary, Ran), RunError> {
    // A million paths per batch bounds the CPU backend's memory; it never changes a number.
    let batch = r.batch.or(Some(1 << 20));
    let summary = cpu::run_batched(p, r.paths, r.threads, batch, r.cancel, r.progress)?;
    Ok((
        summary,
        Ran {
            backend: "cpu",
            adapter: None,
            notice,
        },
    ))
}

fn on_gpu(g: &Gpu, p: &Params, r: &RunRequest) -> Result<(Summary, Ran), GpuError> {
    let summary = match r.batch {
        Some(b) => g.run_in_batches(p, r.paths, b, r.cancel, r.progress)?,
        None => g.run(p, r.paths, r.cancel, r.progress)?,
    };
    Ok((
        summary,
        Ran {
            backend: "gpu",
            adapter: Some(format!("{} ({})", g.adapter_name(), g.api())),
            notice: None,
        },
    ))
}

/// The process's GPU: found and compiled once, then reused by every run (the app runs many),
/// unless it has failed. `HardwareOnly` refuses a cached software adapter as `Gpu::new` would.
fn shared_gpu(accept: Adapters) -> Result<Arc<Gpu>, GpuError> {
    static SHARED: Mutex<Option<Arc<Gpu>>> = Mutex::new(None);
    let mut slot = SHARED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(g) = slot.as_ref().filter(|g| g.healthy()) {
        if accept == Adapters::HardwareOnly && g.is_software() {
            return Err(g.refuse_software());
        }
        return Ok(g.clone());
    }
    let g = Arc::new(Gpu::new(accept)?);
    *slot = Some(g.clone());
    Ok(g)
}

/// Runs `p` where `r.backend` says.
pub fn run(p: &Params, r: &RunRequest) -> Result<(Summary, Ran), RunError> {
    match r.backend {
        Backend::Cpu => on_cpu(p, r, None),
        Backend::Gpu => {
            let g = shared_gpu(Adapters::Any).map_err(RunError::Gpu)?;
            on_gpu(&g, p, r).map_err(|e| match e {
                GpuError::Cancelled => RunError::Cancelled,
                e => RunError::Gpu(e),
            })
        }
        Backend::Auto => match shared_gpu(Adapters::HardwareOnly) {
            Err(e) => on_cpu(p, r, Some(format!("{e}; running on the CPU"))),
            Ok(g) => match on_gpu(&g, p, r) {
                Ok(done) => Ok(done),
                Err(GpuError::Cancelled) => Err(RunError::Cancelled),
                Err(e) => on_cpu(p, r, Some(format!("{e}; ran on the CPU instead"))),
            },
        },
    }
}
