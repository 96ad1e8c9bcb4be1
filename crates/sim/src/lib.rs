//! Roundbook's Monte Carlo engine, per the model contract (docs/model.md). Philox4x32-10 random
//! numbers, counter-based, so any (seed, path, draw) gives the same number on any thread count,
//! batch size or backend; the scenario files and distributions; one path in f32 (kernel.rs);
//! the CPU backend on rayon (cpu.rs), the GPU backend on wgpu with its WGSL twin of the kernel
//! (gpu.rs, gpu/*.wgsl), and the choice between them (backend.rs).

pub mod backend;
pub mod cpu;
pub mod dist;
pub mod fmath;
pub mod gpu;
pub mod kernel;
pub mod philox;
pub mod preview;
pub mod scenario;
