//! Path-months per second on the CPU backend, on the shipped xAI scenario:
//! `cargo run --release -p roundbook-sim --example bench_cpu -- [PATHS] [THREADS]`.

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use roundbook_sim::cpu::run;
use roundbook_sim::kernel::Params;
use roundbook_sim::scenario::Scenario;

fn main() {
    let mut args = std::env::args().skip(1);
    let paths: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let threads: Option<usize> = args.next().and_then(|a| a.parse().ok());
    let s = Scenario::parse(include_str!("../../../assets/scenarios/xai-series-b.toml"))
        .expect("the scenario parses");
    let p = Params::new(&s, s.validate().expect("the scenario is valid")).expect("inline classes");
    let t = Instant::now();
    let summary = run(&p, paths, threads, &AtomicBool::new(false), &|_| {}).expect("not cancelled");
    let secs = t.elapsed().as_secs_f64();
    let path_months = paths as f64 * f64::from(p.horizon);
    println!(
        "{paths} paths x {} months on {} threads: {secs:.2} s",
        p.horizon,
        threads.map_or("all".into(), |t| t.to_string())
    );
    println!(
        "  {:.1} M path-months/s (plus a pilot of {} paths that sets the histogram ranges)",
        path_months / secs / 1e6,
        (roundbook_sim::cpu::PILOT_CHUNKS * roundbook_sim::cpu::CHUNK).min(paths)
    );
    println!(
        "  P(fail by month {}) = {:.4}; alive at the horizon {:.4}; mean rounds {:.2}",
        p.horizon,
        summary.p_fail,
        summary.alive_fraction.last().copied().unwrap_or(0.0),
        summary.mean_rounds
    );
    let mark = summary.fans[1].last().expect("a last month");
    println!(
        "  mark at the horizon: P50 {:.3e} (P5 {:.3e}, P95 {:.3e}; bin error {:.2e}), mean {:.3e} +- {:.2e}",
        mark.percentiles[2],
        mark.percentiles[0],
        mark.percentiles[4],
        mark.bin_error,
        mark.mean,
        mark.se
    );
}
