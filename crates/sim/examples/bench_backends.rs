//! Path-months per second on both backends, and their parity, on the shipped xAI scenario:
//! `cargo run --release -p roundbook-sim --example bench_backends -- [PATHS...]` (default 1M
//! and 10M paths x 48 months, each in one run). scripts/gpu-bench.sh runs it on a GPU machine.

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use roundbook_sim::cpu::{self, Summary};
use roundbook_sim::gpu::{Adapters, Gpu};
use roundbook_sim::kernel::{run_path, Outcome, Params, Scratch};
use roundbook_sim::scenario::Scenario;

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed().as_secs_f64())
}

/// The largest relative difference between two summaries' headline numbers.
fn summary_gap(a: &Summary, b: &Summary) -> f64 {
    let mut worst: f64 = 0.0;
    let mut see = |x: f64, y: f64| {
        if x != y && x.is_finite() && y.is_finite() {
            worst = worst.max((x - y).abs() / x.abs().max(y.abs()));
        }
    };
    see(a.p_fail, b.p_fail);
    see(a.exit_value_mean, b.exit_value_mean);
    see(a.new_money_mean, b.new_money_mean);
    for (fa, fb) in a.fans.iter().zip(&b.fans) {
        for (x, y) in fa.iter().zip(fb) {
            see(x.mean, y.mean);
            for (p, q) in x.percentiles.iter().zip(&y.percentiles) {
                see(*p, *q);
            }
        }
    }
    worst
}

fn main() {
    let sizes: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.replace('_', "").parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000_000, 10_000_000]
    } else {
        sizes
    };
    let s = Scenario::parse(include_str!("../../../assets/scenarios/xai-series-b.toml"))
        .expect("the scenario parses");
    let p = Params::new(&s, s.validate().expect("valid")).expect("inline classes");
    let no = AtomicBool::new(false);
    let months = f64::from(p.horizon);
    println!(
        "CPU: {} threads (rayon)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let gpu = match Gpu::new(Adapters::Any) {
        Ok(g) => {
            println!(
                "GPU: {} ({}){}",
                g.adapter_name(),
                g.api(),
                if g.is_software() {
                    " - a software adapter"
                } else {
                    ""
                }
            );
            Some(g)
        }
        Err(e) => {
            println!("GPU: none ({e})");
            None
        }
    };

    if let Some(g) = &gpu {
        // Warm-up: the first dispatch compiles the kernels.
        let (_, secs) = timed(|| g.run(&p, 8192, &no, &|_| {}).expect("warm-up"));
        println!("GPU warm-up (compiles the kernel): {secs:.2} s");
        // Per-path parity over the first 65,536 paths.
        let n = 65_536u32;
        let traced = g.trace(&p, 0, n).expect("trace");
        let (mut scratch, mut outcome) = (Scratch::default(), Outcome::default());
        let (mut identical, mut worst) = (0u32, 0f64);
        for (i, t) in traced.iter().enumerate() {
            run_path(&p, i as u64, &mut scratch, &mut outcome);
            let mut same =
                t.months.len() == scratch.months.len() && t.outcome.ending == outcome.ending;
            for (a, b) in t.months.iter().zip(&scratch.months) {
                for (x, y) in [
                    (a.cash, b.cash),
                    (a.mark, b.mark),
                    (a.spend, b.spend),
                    (a.fully_diluted, b.fully_diluted),
                ] {
                    if x.to_bits() != y.to_bits() {
                        same = false;
                        let d =
                            f64::from((x - y).abs()) / f64::from(x.abs().max(y.abs())).max(1e-30);
                        worst = worst.max(d);
                    }
                }
            }
            identical += u32::from(same);
        }
        println!(
            "parity: {identical} of {n} paths bit-identical to the CPU kernel; largest relative difference elsewhere {worst:.2e}"
        );
    }

    println!();
    println!(
        "{:>12} {:>8} {:>10} {:>16}   (each run includes its pilot of {} paths)",
        "paths",
        "backend",
        "seconds",
        "path-months/s",
        cpu::PILOT_CHUNKS * cpu::CHUNK
    );
    for &paths in &sizes {
        let pm = paths as f64 * months;
        let mut gpu_summary = None;
        if let Some(g) = &gpu {
            let (summary, secs) = timed(|| g.run(&p, paths, &no, &|_| {}).expect("GPU run"));
            println!("{paths:>12} {:>8} {secs:>10.3} {:>16.3e}", "gpu", pm / secs);
            gpu_summary = Some(summary);
        }
        let (summary, secs) = timed(|| cpu::run(&p, paths, None, &no, &|_| {}).expect("CPU run"));
        println!("{paths:>12} {:>8} {secs:>10.3} {:>16.3e}", "cpu", pm / secs);
        if let Some(g) = gpu_summary {
            let gap = summary_gap(&summary, &g);
            println!(
                "{paths:>12} parity: P(fail) cpu {:.6} gpu {:.6}; largest relative difference in the summary {gap:.2e}",
                summary.p_fail, g.p_fail
            );
        }
    }
}
