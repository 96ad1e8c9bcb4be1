//! The GPU backend: the kernel of docs/model.md in WGSL on wgpu, in parity with the CPU backend.
//!
//! The shaders in `gpu/` are twins of the Rust: `philox.wgsl` of philox.rs, `fmath.wgsl` of
//! fmath.rs (its constants generated from fmath.rs), `dist.wgsl` of dist.rs, `path.wgsl` of
//! kernel.rs. Two kernels use them: `simulate.wgsl` (a run: one path per invocation, reduced
//! per workgroup of 256 paths and binned into histograms on the device) and `trace.wgsl`
//! (whole paths written out, for the parity tests).
//!
//! A run: the pilot (the first `PILOT_CHUNKS` chunks, on the device, with every histogram a
//! single bin) sets the histogram axes from the min and max it saw, exactly as the CPU backend's
//! pilot does; then batches of whole chunks go to the device; each returns
//! `wg_words` words per workgroup, which become the CPU backend's per-chunk partials (sums
//! in f64, in path order), and at the end the histogram counts. `cpu::finish` turns them into
//! the `Summary`, so both backends compute their statistics in one place.
//!
//! Parity (docs/sim.md): on a CPU-type adapter (lavapipe) every path's outputs are identical
//! bit for bit, so the counts, the percentiles, the probabilities and the rank correlations
//! are identical; the means differ only by the order of floating-point summation (the device
//! sums a workgroup in f32, in a tree), within `MEAN_TOLERANCE`. On other adapters, which may
//! fuse a multiply and an add or divide to 2.5 ulp, paths agree within `PATH_TOLERANCE`.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use wgpu::util::DeviceExt;

use crate::cpu::{self, empty_partial, Axes, Axis, Partial, Summary, CHUNK, MEASURES};
use crate::dist::Sampler;
use crate::kernel::{Ending, Month, Outcome, Params};
use crate::scenario::MAX_HORIZON;

/// Relative difference allowed between the backends' means (f32 tree sums per workgroup
/// against f64 sums per path).
pub const MEAN_TOLERANCE: f64 = 1e-5;
/// Relative difference allowed between the backends' per-path values on an adapter that is
/// not CPU-type.
pub const PATH_TOLERANCE: f32 = 1e-4;
/// The shader's fixed array sizes: classes (starting classes plus rounds) and expansions.
pub use crate::scenario::{MAX_CLASSES, MAX_EXPANSIONS};

const WG: u64 = 256;
const MONTH_WORDS: usize = 17;
const FINAL_WORDS: usize = 5;
const TRACE_HEAD: usize = 16 + MAX_CLASSES;
/// How long one batch may take before the run gives up on the device.
const BATCH_TIMEOUT: Duration = Duration::from_secs(300);

/// Which adapters a caller accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adapters {
    /// A hardware GPU only (what `--backend auto` asks for): a software rasteriser such as
    /// lavapipe is slower than the CPU backend.
    HardwareOnly,
    /// Any adapter, software included (what `--backend gpu` asks for, and the tests).
    Any,
}

#[derive(Debug, Clone, PartialEq)]
pub enum GpuError {
    /// No adapter the caller accepts; the words say why.
    NoAdapter(String),
    /// The scenario needs more than the shader's fixed sizes.
    Unsupported(String),
    /// The device failed: lost, out of memory, a validation error, a timeout.
    Device(String),
    Cancelled,
}

impl std::fmt::Display for GpuError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GpuError::NoAdapter(m) => write!(f, "no GPU adapter: {m}"),
            GpuError::Unsupported(m) => write!(f, "the GPU backend cannot run this scenario: {m}"),
            GpuError::Device(m) => write!(f, "the GPU failed: {m}"),
            GpuError::Cancelled => write!(f, "cancelled"),
        }
    }
}

impl std::error::Error for GpuError {}

/// An adapter with its device and the two pipelines, ready to run.
pub struct Gpu {
    device: wgpu::Device,
    queue: wgpu::Queue,
    info: wgpu::AdapterInfo,
    limits: wgpu::Limits,
    simulate: wgpu::ComputePipeline,
    trace: OnceLock<wgpu::ComputePipeline>,
    /// The first uncaptured error or device loss, if any: every later call fails with it.
    failure: Arc<Mutex<Option<String>>>,
}

/// The shader source of one kernel: the shared files, then the kernel's own.
fn shader(kernel: &str) -> String {
    [
        crate::fmath::wgsl_constants().as_str(),
        include_str!("gpu/philox.wgsl"),
        include_str!("gpu/fmath.wgsl"),
        include_str!("gpu/dist.wgsl"),
        include_str!("gpu/path.wgsl"),
        kernel,
    ]
    .join("\n")
}

impl Gpu {
    /// Finds an adapter (the high-performance one first) and builds the pipelines.
    pub fn new(accept: Adapters) -> Result<Gpu, GpuError> {
        let instance =
            wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        let adapter = pollster::block_on(instance.request_adapter(&wgpu::RequestAdapterOptions {
            power_preference: wgpu::PowerPreference::HighPerformance,
            force_fallback_adapter: false,
            compatible_surface: None,
            apply_limit_buckets: false,
        }))
        .map_err(|e| GpuError::NoAdapter(format!("none found ({e})")))?;
        let info = adapter.get_info();
        if accept == Adapters::HardwareOnly && info.device_type == wgpu::DeviceType::Cpu {
            return Err(software_only(&info));
        }
        let limits = adapter.limits();
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("roundbook"),
            required_features: wgpu::Features::empty(),
            required_limits: limits.clone(),
            experimental_features: wgpu::ExperimentalFeatures::disabled(),
            memory_hints: wgpu::MemoryHints::Performance,
            trace: wgpu::Trace::Off,
        }))
        .map_err(|e| GpuError::Device(format!("{} refused a device: {e}", info.name)))?;
        let failure: Arc<Mutex<Option<String>>> = Arc::default();
        let slot = failure.clone();
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
            slot.lock().unwrap().get_or_insert(e.to_string());
        }));
        let slot = failure.clone();
        device.set_device_lost_callback(move |reason, message| {
            slot.lock()
                .unwrap()
                .get_or_insert(format!("device lost ({reason:?}): {message}"));
        });
        let simulate = compile(&device, "simulate", include_str!("gpu/simulate.wgsl"))?;
        Ok(Gpu {
            device,
            queue,
            info,
            limits,
            simulate,
            trace: OnceLock::new(),
            failure,
        })
    }

    /// The trace kernel, compiled on first use: only the parity checks need it, so a run
    /// does not pay for its compilation.
    fn trace_pipeline(&self) -> Result<&wgpu::ComputePipeline, GpuError> {
        if let Some(p) = self.trace.get() {
            return Ok(p);
        }
        let p = compile(&self.device, "trace", include_str!("gpu/trace.wgsl"))?;
        Ok(self.trace.get_or_init(|| p))
    }

    /// Whether no uncaptured error or device loss has been seen: a device that failed once
    /// is not used again.
    pub fn healthy(&self) -> bool {
        self.failure.lock().unwrap().is_none()
    }

    /// The refusal `--backend auto` gives a software adapter.
    pub fn refuse_software(&self) -> GpuError {
        software_only(&self.info)
    }

    /// The adapter's name, as a run records it.
    pub fn adapter_name(&self) -> &str {
        &self.info.name
    }

    /// The graphics API under wgpu (Vulkan, Metal, ...), as a run records it.
    pub fn api(&self) -> String {
        format!("{:?}", self.info.backend)
    }

    /// Whether the adapter is a CPU-type (software) one, where paths match the CPU bit for bit.
    pub fn is_software(&self) -> bool {
        self.info.device_type == wgpu::DeviceType::Cpu
    }

    /// Paths per batch: whole chunks, within the adapter's limits on a binding and on
    /// workgroups per dimension, and small enough that progress and Ctrl-C come often.
    pub fn batch_paths(&self, p: &Params) -> u64 {
        let wg_bytes = (wg_words(p) * 4) as u64;
        let binding = self
            .limits
            .max_storage_buffer_binding_size
            .min(self.limits.max_buffer_size);
        let by_binding = binding / wg_bytes * WG;
        let by_dispatch = u64::from(self.limits.max_compute_workgroups_per_dimension) * WG;
        // A software adapter runs about 2M path-months a second: 65,536 paths keep Ctrl-C within
        // about two seconds there.
        let target = if self.is_software() { 1 << 16 } else { 1 << 22 };
        let paths = by_binding.min(by_dispatch).min(target);
        (paths / CHUNK).max(1) * CHUNK
    }

    fn check(&self) -> Result<(), GpuError> {
        match self.failure.lock().unwrap().clone() {
            Some(m) => Err(GpuError::Device(m)),
            None => Ok(()),
        }
    }

    /// Runs `paths` paths; the same `Summary` as `cpu::run`, computed by `cpu::finish`.
    pub fn run(
        &self,
        p: &Params,
        paths: u64,
        cancel: &AtomicBool,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Summary, GpuError> {
        self.run_in_batches(p, paths, self.batch_paths(p), cancel, progress)
    }

    /// As `run`, in batches of about `batch` paths (whole chunks, within the adapter's limits):
    /// progress and cancellation come between batches; the numbers do not depend on the size.
    pub fn run_in_batches(
        &self,
        p: &Params,
        paths: u64,
        batch: u64,
        cancel: &AtomicBool,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Summary, GpuError> {
        supported(p, paths)?;
        self.check()?;
        let h = p.horizon as usize;
        let classes = p.classes.len() + p.max_rounds as usize;
        let words = wg_words(p);
        let per_batch = (batch / CHUNK).max(1).min(self.batch_paths(p) / CHUNK) * CHUNK;
        let axis_count = h * MEASURES + 4 + classes;
        let (_, counts_len) = cpu::counts_layout(h, 4 + classes);
        let tallies = h + 5;
        let sensitivity = paths.min(cpu::SENSITIVITY_PATHS) as usize;

        let scope = self.device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        let model = self.storage("model", &model_words(p));
        let axes_buf = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("axes"),
            size: (axis_count * 16) as u64,
            usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let counts = self.zeroed("counts", (counts_len + tallies) * 4);
        let partials = self.zeroed("partials", (per_batch / WG) as usize * words * 4);
        let samples = self.zeroed("samples", sensitivity.max(1) * 12 * 4);
        let uniform = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("params"),
            size: std::mem::size_of::<KernelParams>() as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        if let Some(e) = pollster::block_on(scope.pop()) {
            return Err(GpuError::Device(format!(
                "out of memory for a batch of {per_batch} paths: {e}"
            )));
        }
        let layout = self.simulate.get_bind_group_layout(0);
        let bind = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("simulate"),
            layout: &layout,
            entries: &[
                entry(0, &uniform),
                entry(1, &model),
                entry(2, &axes_buf),
                entry(3, &counts),
                entry(4, &partials),
                entry(5, &samples),
            ],
        });
        let batches = Batches {
            p,
            uniform: &uniform,
            partials: &partials,
            bind: &bind,
            words,
            per_batch,
        };

        // The pilot, on the device: the same first paths as the CPU backend's pilot, with every
        // axis a single bin (new buffers are zero: kind 0); their min and max set the axes.
        let pilot = batches.run(self, paths.min(cpu::PILOT_CHUNKS * CHUNK), cancel, &|_| {})?;
        let mut range_of = empty_partial(h, classes);
        for part in &pilot {
            cpu::merge(&mut range_of, part);
        }
        let axes = cpu::axes_over(&range_of);
        self.queue
            .write_buffer(&axes_buf, 0, bytemuck::cast_slice(&axis_words(&axes)));
        let mut encoder = self.device.create_command_encoder(&Default::default());
        encoder.clear_buffer(&counts, 0, None);
        self.queue.submit([encoder.finish()]);

        let mut parts = batches.run(self, paths, cancel, progress)?;
        let encoder = self.device.create_command_encoder(&Default::default());
        let counted = self.read_u32(encoder, &counts, counts_len + tallies)?;
        let encoder = self.device.create_command_encoder(&Default::default());
        let kept = self.read(encoder, &samples, sensitivity * 12)?;

        // The integer tallies and the samples are not needed per chunk: they go with chunk 0.
        let first = &mut parts[0];
        let t = &counted[counts_len..];
        for (slot, c) in first.first_raise.iter_mut().zip(&t[..h]) {
            *slot += u64::from(*c);
        }
        for j in 0..3 {
            first.raised[j] += u64::from(t[h + j]);
        }
        first.unpriceable += u64::from(t[h + 3]);
        first.exhausted += u64::from(t[h + 4]);
        first.samples = kept
            .chunks_exact(12)
            .map(|r| <[f32; 12]>::try_from(r).expect("rows of 12"))
            .collect();
        Ok(cpu::finish(p, paths, &axes, &parts, &counted[..counts_len]))
    }

    /// Paths `first .. first + count`, whole: their months and outcomes, for parity tests.
    pub fn trace(&self, p: &Params, first: u64, count: u32) -> Result<Vec<Traced>, GpuError> {
        supported(p, u64::from(count))?;
        self.check()?;
        let h = p.horizon as usize;
        let stride = TRACE_HEAD + 5 * h;
        let model = self.storage("model", &model_words(p));
        let out = self.zeroed("trace", count as usize * stride * 4);
        let uniform = self
            .device
            .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some("params"),
                contents: bytemuck::bytes_of(&KernelParams::new(p, first, u64::from(count), 0)),
                usage: wgpu::BufferUsages::UNIFORM,
            });
        let trace = self.trace_pipeline()?;
        let layout = trace.get_bind_group_layout(0);
        let bind = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("trace"),
            layout: &layout,
            entries: &[entry(0, &uniform), entry(1, &model), entry(2, &out)],
        });
        let mut encoder = self.device.create_command_encoder(&Default::default());
        {
            let mut pass = encoder.begin_compute_pass(&Default::default());
            pass.set_pipeline(trace);
            pass.set_bind_group(0, &bind, &[]);
            pass.dispatch_workgroups(count.div_ceil(64), 1, 1);
        }
        let words = self.read(encoder, &out, count as usize * stride)?;
        Ok(words
            .chunks_exact(stride)
            .map(|w| Traced::from_words(w, p.classes.len()))
            .collect())
    }

    fn storage(&self, label: &str, words: &[u32]) -> wgpu::Buffer {
        // A binding may not be empty.
        let words = if words.is_empty() { &[0u32][..] } else { words };
        self.device
            .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some(label),
                contents: bytemuck::cast_slice(words),
                usage: wgpu::BufferUsages::STORAGE,
            })
    }

    /// A storage buffer the device writes and the host reads back (wgpu zeroes new buffers).
    fn zeroed(&self, label: &str, bytes: usize) -> wgpu::Buffer {
        self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size: bytes.max(4) as u64,
            usage: wgpu::BufferUsages::STORAGE
                | wgpu::BufferUsages::COPY_SRC
                | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    }

    /// Submits `encoder` with a copy of the first `words` words of `buffer`, waits (at most
    /// `BATCH_TIMEOUT`) and returns them.
    fn read_u32(
        &self,
        mut encoder: wgpu::CommandEncoder,
        buffer: &wgpu::Buffer,
        words: usize,
    ) -> Result<Vec<u32>, GpuError> {
        let bytes = (words.max(1) * 4) as u64;
        let staging = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size: bytes,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        encoder.copy_buffer_to_buffer(buffer, 0, &staging, 0, bytes);
        let index = self.queue.submit([encoder.finish()]);
        let (tx, rx) = std::sync::mpsc::channel();
        staging.map_async(wgpu::MapMode::Read, .., move |r| {
            let _ = tx.send(r);
        });
        self.device
            .poll(wgpu::PollType::Wait {
                submission_index: Some(index),
                timeout: Some(BATCH_TIMEOUT),
            })
            .map_err(|e| GpuError::Device(format!("waiting for the device: {e}")))?;
        self.check()?;
        rx.recv_timeout(Duration::from_secs(5))
            .map_err(|_| GpuError::Device("the result never arrived".into()))?
            .map_err(|e| GpuError::Device(format!("reading the result: {e}")))?;
        let view = staging
            .get_mapped_range(..)
            .map_err(|e| GpuError::Device(format!("reading the result: {e}")))?;
        let out: Vec<u32> = bytemuck::cast_slice(&view)[..words].to_vec();
        drop(view);
        staging.unmap();
        Ok(out)
    }

    fn read(
        &self,
        encoder: wgpu::CommandEncoder,
        buffer: &wgpu::Buffer,
        words: usize,
    ) -> Result<Vec<f32>, GpuError> {
        Ok(self
            .read_u32(encoder, buffer, words)?
            .into_iter()
            .map(f32::from_bits)
            .collect())
    }
}

/// A run's buffers, bound, and how it cuts its paths into dispatches.
struct Batches<'a> {
    p: &'a Params,
    uniform: &'a wgpu::Buffer,
    partials: &'a wgpu::Buffer,
    bind: &'a wgpu::BindGroup,
    words: usize,
    per_batch: u64,
}

impl Batches<'_> {
    /// Paths 0..paths, batch by batch: each batch's per-chunk partials, in path order.
    fn run(
        &self,
        gpu: &Gpu,
        paths: u64,
        cancel: &AtomicBool,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<Vec<Partial>, GpuError> {
        let p = self.p;
        let (h, classes) = (p.horizon as usize, p.classes.len() + p.max_rounds as usize);
        let mut parts: Vec<Partial> = Vec::with_capacity(paths.div_ceil(CHUNK) as usize);
        let mut start = 0u64;
        while start < paths {
            if cancel.load(Ordering::Relaxed) {
                return Err(GpuError::Cancelled);
            }
            let n = self.per_batch.min(paths - start);
            let groups = n.div_ceil(WG);
            gpu.queue.write_buffer(
                self.uniform,
                0,
                bytemuck::bytes_of(&KernelParams::new(p, start, n, self.words)),
            );
            let mut encoder = gpu.device.create_command_encoder(&Default::default());
            {
                let mut pass = encoder.begin_compute_pass(&Default::default());
                pass.set_pipeline(&gpu.simulate);
                pass.set_bind_group(0, self.bind, &[]);
                pass.dispatch_workgroups(groups as u32, 1, 1);
            }
            let back = gpu.read(encoder, self.partials, groups as usize * self.words)?;
            parts.extend(chunk_partials(&back, n, self.words, h, classes));
            start += n;
            progress(start);
        }
        Ok(parts)
    }
}

/// Compiles one kernel; a shader error is a `GpuError`, not a panic.
fn compile(
    device: &wgpu::Device,
    name: &str,
    kernel: &str,
) -> Result<wgpu::ComputePipeline, GpuError> {
    let scope = device.push_error_scope(wgpu::ErrorFilter::Validation);
    let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some(name),
        source: wgpu::ShaderSource::Wgsl(Cow::Owned(shader(kernel))),
    });
    let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some(name),
        layout: None,
        module: &module,
        entry_point: Some(name),
        compilation_options: Default::default(),
        cache: None,
    });
    match pollster::block_on(scope.pop()) {
        Some(e) => Err(GpuError::Device(format!(
            "the {name} kernel did not compile: {e}"
        ))),
        None => Ok(pipeline),
    }
}

fn software_only(info: &wgpu::AdapterInfo) -> GpuError {
    GpuError::NoAdapter(format!(
        "only a software adapter ({}, {:?}) is present",
        info.name, info.backend
    ))
}

fn entry(binding: u32, buffer: &wgpu::Buffer) -> wgpu::BindGroupEntry<'_> {
    wgpu::BindGroupEntry {
        binding,
        resource: buffer.as_entire_binding(),
    }
}

/// Refuses what the shader's fixed sizes cannot hold, naming the scenario field.
fn supported(p: &Params, paths: u64) -> Result<(), GpuError> {
    if paths == 0 {
        return Err(GpuError::Unsupported(
            "simulation.paths must be at least 1".into(),
        ));
    }
    let classes = p.classes.len() + p.max_rounds as usize;
    if classes > MAX_CLASSES {
        return Err(GpuError::Unsupported(format!(
            "start.classes plus funding.max_rounds is {classes}; the GPU kernel holds {MAX_CLASSES}"
        )));
    }
    if p.expansions.len() > MAX_EXPANSIONS {
        return Err(GpuError::Unsupported(format!(
            "compute.expansions has {}; the GPU kernel holds {MAX_EXPANSIONS}",
            p.expansions.len()
        )));
    }
    if p.horizon > MAX_HORIZON {
        return Err(GpuError::Unsupported(format!(
            "simulation.horizon_months {} is above {MAX_HORIZON}",
            p.horizon
        )));
    }
    Ok(())
}

fn wg_words(p: &Params) -> usize {
    let finals = 4 + p.classes.len() + p.max_rounds as usize;
    p.horizon as usize * MONTH_WORDS + finals * FINAL_WORDS + 2
}

/// The uniform block, mirrored by `Params` in path.wgsl (same order, all 4-byte words).
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
struct KernelParams {
    seed_lo: u32,
    seed_hi: u32,
    base_lo: u32,
    base_hi: u32,
    batch_paths: u32,
    horizon: u32,
    n_classes: u32,
    n_expansions: u32,
    max_rounds: u32,
    n_finals: u32,
    sensitivity_paths: u32,
    has_burn_log: u32,
    off_planned: u32,
    off_expansions: u32,
    off_samplers: u32,
    wg_words: u32,
    cash: f32,
    post_money: f32,
    pool_available: f32,
    gpus_installed: f32,
    kwh_per_gpu_month: f32,
    burn_log: f32,
    revenue_per_month: f32,
    trigger: f32,
    target_runway: f32,
    min_raise: f32,
    drift_step: f32,
    vol_step: f32,
    failure_probability: f32,
    pool_target: f32,
    preference_multiple: f32,
    months_per_year: f32,
    one: f32,
    _pad: [f32; 3],
}

impl KernelParams {
    fn new(p: &Params, first: u64, paths: u64, wg_words: usize) -> KernelParams {
        let (off_planned, off_expansions, off_samplers) = offsets(p);
        let (drift_step, vol_step) = p.steps();
        let burn_log = crate::kernel::growth_log(p.burn_growth_annual);
        KernelParams {
            seed_lo: p.seed as u32,
            seed_hi: (p.seed >> 32) as u32,
            base_lo: first as u32,
            base_hi: (first >> 32) as u32,
            batch_paths: paths as u32,
            horizon: p.horizon,
            n_classes: p.classes.len() as u32,
            n_expansions: p.expansions.len() as u32,
            max_rounds: p.max_rounds,
            n_finals: (4 + p.classes.len() + p.max_rounds as usize) as u32,
            sensitivity_paths: cpu::SENSITIVITY_PATHS as u32,
            has_burn_log: u32::from(burn_log.is_some()),
            off_planned,
            off_expansions,
            off_samplers,
            wg_words: wg_words as u32,
            cash: p.cash,
            post_money: p.post_money,
            pool_available: p.pool_available,
            gpus_installed: p.gpus_installed,
            kwh_per_gpu_month: p.kwh_per_gpu_month(),
            burn_log: burn_log.unwrap_or(0.0),
            revenue_per_month: p.revenue_per_month,
            trigger: p.trigger,
            target_runway: p.target,
            min_raise: p.min_raise,
            drift_step,
            vol_step,
            failure_probability: p.failure_probability,
            pool_target: p.pool_target,
            preference_multiple: p.preference_multiple,
            months_per_year: 12.0,
            one: 1.0,
            _pad: [0.0; 3],
        }
    }
}

fn offsets(p: &Params) -> (u32, u32, u32) {
    let planned = 4 * p.classes.len();
    let expansions = planned + p.planned.len();
    let samplers = expansions + 3 * p.expansions.len();
    (planned as u32, expansions as u32, samplers as u32)
}

/// The model buffer: classes, planned deliveries, expansions, samplers (f32 bits).
fn model_words(p: &Params) -> Vec<u32> {
    let mut w: Vec<f32> = Vec::new();
    for (shares, preference, participating, seniority) in &p.classes {
        w.extend([
            *shares,
            *preference,
            f32::from(u8::from(*participating)),
            *seniority as f32,
        ]);
    }
    w.extend(&p.planned);
    for (month, gpus, probability) in &p.expansions {
        w.extend([*month as f32, *gpus, *probability]);
    }
    let s = &p.samplers;
    for sampler in [
        &s.delivery_delay_months,
        &s.gpu_unit_price,
        &s.infra_ratio,
        &s.pue,
        &s.usd_per_kwh,
        &s.burn_per_month,
        &s.revenue_growth_annual,
        &s.exit_multiple,
    ] {
        w.extend(sampler_words(sampler));
    }
    w.into_iter().map(f32::to_bits).collect()
}

fn sampler_words(s: &Sampler) -> [f32; 5] {
    match *s {
        Sampler::Fixed(v) => [0.0, v, 0.0, 0.0, 0.0],
        Sampler::Uniform { min, width } => [1.0, min, width, 0.0, 0.0],
        Sampler::Triangular { min, mode, max } => [2.0, min, mode, max, 0.0],
        Sampler::Pert {
            min,
            width,
            alpha,
            beta,
        } => [3.0, min, width, alpha, beta],
        Sampler::Normal { mean, sd } => [4.0, mean, sd, 0.0, 0.0],
        Sampler::Lognormal { mu, sigma } => [5.0, mu, sigma, 0.0, 0.0],
        Sampler::Bernoulli(p) => [6.0, p, 0.0, 0.0, 0.0],
    }
}

/// One vec4<u32> per axis (simulate.wgsl's `axes`).
fn axis_words(axes: &Axes) -> Vec<u32> {
    axes.months
        .iter()
        .chain(&axes.finals)
        .flat_map(|a: &Axis| match a.log {
            Some((e0, shift)) => [2, e0 as i32 as u32, shift, 0],
            None if a.scale > 0.0 => [1, a.lo32.to_bits(), a.scale.to_bits(), 0],
            None => [0, 0, 0, 0],
        })
        .collect()
}

/// A workgroup's (count, sum, sum of squared deviations) as the CPU's (count, sum, sum of
/// squares) in f64.
fn moments(count: u64, sum: f32, m2: f32, min: f32, max: f32) -> cpu::Moments {
    let sum = f64::from(sum);
    let sq = if count > 0 {
        f64::from(m2) + sum * sum / count as f64
    } else {
        0.0
    };
    (count, sum, sq, f64::from(min), f64::from(max))
}

fn add(m: &mut cpu::Moments, q: cpu::Moments) {
    m.0 += q.0;
    m.1 += q.1;
    m.2 += q.2;
    m.3 = m.3.min(q.3);
    m.4 = m.4.max(q.4);
}

/// A batch's per-workgroup words, as one `Partial` per chunk (16 workgroups), in path order.
fn chunk_partials(
    words: &[f32],
    paths: u64,
    stride: usize,
    h: usize,
    classes: usize,
) -> Vec<Partial> {
    let finals = 4 + classes;
    let groups_per_chunk = (CHUNK / WG) as usize;
    let groups = paths.div_ceil(WG) as usize;
    words[..groups * stride]
        .chunks(stride * groups_per_chunk)
        .map(|chunk| {
            let mut part = empty_partial(h, classes);
            for g in chunk.chunks_exact(stride) {
                for (m, month) in part.months.iter_mut().enumerate() {
                    let w = &g[m * MONTH_WORDS..(m + 1) * MONTH_WORDS];
                    let count = w[0] as u64;
                    for (k, slot) in month.iter_mut().enumerate().take(MEASURES) {
                        add(
                            slot,
                            moments(count, w[1 + k], w[5 + k], w[9 + k], w[13 + k]),
                        );
                    }
                }
                let tail = &g[h * MONTH_WORDS + finals * FINAL_WORDS..];
                let (failed, n) = (tail[0] as u64, tail[1] as u64);
                for (f, slot) in part.finals.iter_mut().enumerate() {
                    let w = &g[h * MONTH_WORDS + f * FINAL_WORDS..];
                    add(&mut slot.0, moments(n, w[0], w[1], w[2], w[3]));
                    slot.1 = slot.1.min(f64::from(w[4]));
                }
                part.failed += failed;
            }
            let f = &part.finals;
            part.exit = (f[0].0 .1, f[0].0 .2);
            part.new_money = f[1].0 .1;
            part.rounds = f[2].0 .1.round() as u64;
            part.payout = f[4..].iter().map(|(m, _)| (m.1, m.2)).collect();
            part
        })
        .collect()
}

/// One path as the trace kernel wrote it.
#[derive(Debug, Clone, PartialEq)]
pub struct Traced {
    pub months: Vec<Month>,
    pub outcome: Outcome,
}

impl Traced {
    fn from_words(w: &[f32], start_classes: usize) -> Traced {
        let recorded = w[0] as usize;
        let end = w[2] as u32;
        let ending = match w[1] as u32 {
            0 => Ending::Exited,
            1 => Ending::Failed(end),
            _ => Ending::Unpriceable(end),
        };
        let rounds = w[3] as u32;
        let months = (0..recorded)
            .map(|m| {
                let v = &w[TRACE_HEAD + 5 * m..];
                Month {
                    cash: v[0],
                    mark: v[1],
                    spend: v[2],
                    fully_diluted: v[3],
                    gpus: v[4],
                }
            })
            .collect();
        // The starting classes and one per round, as kernel.rs leaves them.
        let live_classes = (start_classes + rounds as usize).min(MAX_CLASSES);
        Traced {
            months,
            outcome: Outcome {
                ending,
                rounds,
                first_raise: (w[4] > 0.0).then_some(w[4] as u32),
                new_money: w[5],
                exit_value: w[6],
                payouts: w[16..16 + live_classes].to_vec(),
                pert_exhausted: w[7] != 0.0,
                inputs: w[8..16].try_into().expect("8 inputs"),
            },
        }
    }
}
