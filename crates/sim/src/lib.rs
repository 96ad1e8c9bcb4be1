//! Roundbook's Monte Carlo engine, per the model contract (MODEL.md, issue 4). This first
//! piece is the random number source both backends share: Philox4x32-10, counter-based, so any
//! (seed, path, draw) gives the same number on any thread count, batch size or backend. The
//! scenario files, distributions, the CPU kernel and the statistics come next.

pub mod cpu;
pub mod dist;
pub mod fmath;
pub mod gpu;
pub mod kernel;
pub mod philox;
pub mod scenario;
