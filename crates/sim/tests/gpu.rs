//! The GPU backend against its CPU twin. On a CPU-type adapter (lavapipe, in CI) every path is
//! bit-identical and so are the counts, percentiles and rank correlations; means agree within
//! `MEAN_TOLERANCE`. With ROUNDBOOK_REQUIRE_GPU=1 (set by .ci/run) a missing adapter fails
//! these tests instead of skipping them.

use std::sync::atomic::AtomicBool;
use std::sync::OnceLock;

use roundbook_sim::cpu::{self, Summary};
use roundbook_sim::gpu::{Adapters, Gpu, GpuError, MEAN_TOLERANCE, PATH_TOLERANCE};
use roundbook_sim::kernel::{run_path, Outcome, Params, Scratch};
use roundbook_sim::scenario::Scenario;

fn gpu() -> Option<&'static Gpu> {
    static GPU: OnceLock<Option<Gpu>> = OnceLock::new();
    GPU.get_or_init(|| match Gpu::new(Adapters::Any) {
        Ok(g) => Some(g),
        Err(e) if std::env::var_os("ROUNDBOOK_REQUIRE_GPU").is_some_and(|v| v == "1") => {
            panic!("ROUNDBOOK_REQUIRE_GPU=1 but {e}")
        }
        Err(e) => {
            eprintln!("skipping the GPU tests: {e}");
            None
        }
    })
    .as_ref()
}

const XAI: &str = include_str!("../../../assets/scenarios/xai-series-b.toml");

fn params(text: &str) -> Params {
    let s = Scenario::parse(text).unwrap();
    Params::new(&s, s.validate().unwrap()).expect("classes inline")
}

/// `XAI` with one line replaced (the line that starts with `key =`).
fn with(text: &str, key: &str, line: &str) -> String {
    let prefix = format!("{key} =");
    assert!(text.lines().any(|l| l.starts_with(&prefix)), "{key}");
    text.lines()
        .map(|l| if l.starts_with(&prefix) { line } else { l })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every distribution kind (fixed, uniform, triangular, PERT, normal, lognormal both ways,
/// bernoulli), a participating class, and rounds that fail.
fn every_branch() -> String {
    let mut t = XAI.replace(
        "preference = 135000000",
        "preference = 135000000\nparticipating = true",
    );
    for (key, line) in [
        (
            "infra_ratio",
            r#"infra_ratio = { dist = "normal", mean = 1.0, sd = 0.2 }"#,
        ),
        (
            "usd_per_kwh",
            r#"usd_per_kwh = { dist = "fixed", value = 0.08 }"#,
        ),
        ("pue", r#"pue = { dist = "bernoulli", p = 0.9 }"#),
        (
            "multiple",
            r#"multiple = { dist = "lognormal", mu = 0.1, sigma = 0.7 }"#,
        ),
        (
            "round_failure_probability",
            "round_failure_probability = 0.3",
        ),
    ] {
        t = with(&t, key, line);
    }
    t
}

fn same_bits(a: f32, b: f32, exact: bool) -> bool {
    if exact {
        a.to_bits() == b.to_bits()
    } else {
        a == b || ((a - b).abs() <= PATH_TOLERANCE * a.abs().max(b.abs()))
    }
}

fn assert_paths_match(g: &Gpu, p: &Params, first: u64, count: u32) {
    let exact = g.is_software();
    let traced = g.trace(p, first, count).unwrap();
    let mut scratch = Scratch::default();
    let mut outcome = Outcome::default();
    for (i, t) in traced.iter().enumerate() {
        let path = first + i as u64;
        run_path(p, path, &mut scratch, &mut outcome);
        assert_eq!(t.outcome.ending, outcome.ending, "path {path}: ending");
        assert_eq!(t.outcome.rounds, outcome.rounds, "path {path}: rounds");
        assert_eq!(t.outcome.first_raise, outcome.first_raise, "path {path}");
        assert_eq!(
            t.outcome.pert_exhausted, outcome.pert_exhausted,
            "path {path}"
        );
        assert_eq!(t.months.len(), scratch.months.len(), "path {path}: months");
        for (k, (a, b)) in t.outcome.inputs.iter().zip(&outcome.inputs).enumerate() {
            assert!(
                same_bits(*a, *b, exact),
                "path {path} input {k}: {a} vs {b}"
            );
        }
        for (m, (a, b)) in t.months.iter().zip(&scratch.months).enumerate() {
            for (name, x, y) in [
                ("cash", a.cash, b.cash),
                ("mark", a.mark, b.mark),
                ("spend", a.spend, b.spend),
                ("fully diluted", a.fully_diluted, b.fully_diluted),
                ("gpus", a.gpus, b.gpus),
            ] {
                assert!(
                    same_bits(x, y, exact),
                    "path {path} month {} {name}: gpu {x} cpu {y}",
                    m + 1
                );
            }
        }
        assert!(same_bits(t.outcome.new_money, outcome.new_money, exact));
        assert!(same_bits(t.outcome.exit_value, outcome.exit_value, exact));
        assert_eq!(
            t.outcome.payouts.len(),
            outcome.payouts.len(),
            "path {path}"
        );
        for (i, (a, b)) in t.outcome.payouts.iter().zip(&outcome.payouts).enumerate() {
            assert!(
                same_bits(*a, *b, exact),
                "path {path} payout {i}: gpu {a} cpu {b} ({:?})",
                outcome.payouts
            );
        }
    }
}

#[test]
fn every_path_of_the_xai_scenario_matches_the_cpu_kernel() {
    let Some(g) = gpu() else { return };
    let p = params(XAI);
    assert_paths_match(g, &p, 0, 4096);
    // Far into the path space: the high counter word is in use.
    assert_paths_match(g, &p, (1u64 << 32) - 100, 200);
}

#[test]
fn every_distribution_and_ending_matches_the_cpu_kernel() {
    let Some(g) = gpu() else { return };
    let p = params(&every_branch());
    let mut scratch = Scratch::default();
    let mut outcome = Outcome::default();
    let (mut failed, mut unpriceable, mut exited) = (0, 0, 0);
    for path in 0..2048 {
        run_path(&p, path, &mut scratch, &mut outcome);
        match outcome.ending {
            roundbook_sim::kernel::Ending::Exited => exited += 1,
            roundbook_sim::kernel::Ending::Failed(_) => failed += 1,
            roundbook_sim::kernel::Ending::Unpriceable(_) => unpriceable += 1,
        }
    }
    assert!(exited > 0 && failed > 0, "{exited} {failed} {unpriceable}");
    assert_paths_match(g, &p, 0, 2048);
    // A pool target of 50% and raises bigger than the company: rounds that cannot be priced.
    let text = with(
        &with(&every_branch(), "pool_target", "pool_target = 0.5"),
        "min_raise",
        "min_raise = 30000000000",
    );
    let p = params(&text);
    let unpriceable = (0..512)
        .filter(|path| {
            run_path(&p, *path, &mut scratch, &mut outcome);
            matches!(
                outcome.ending,
                roundbook_sim::kernel::Ending::Unpriceable(_)
            )
        })
        .count();
    assert!(unpriceable > 0);
    assert_paths_match(g, &p, 0, 512);
}

fn compare(cpu: &Summary, gpu: &Summary, exact: bool) {
    let close = |a: f64, b: f64, what: &str| {
        let ok = (a.is_nan() && b.is_nan())
            || a == b
            || (a - b).abs() <= MEAN_TOLERANCE * a.abs().max(b.abs());
        assert!(ok, "{what}: cpu {a} gpu {b}");
    };
    assert_eq!(cpu.paths, gpu.paths);
    assert_eq!(cpu.p_fail, gpu.p_fail);
    assert_eq!(cpu.unpriceable, gpu.unpriceable);
    assert_eq!(cpu.p_raise_within, gpu.p_raise_within);
    assert_eq!(cpu.first_raise_month, gpu.first_raise_month);
    assert_eq!(cpu.alive_fraction, gpu.alive_fraction);
    assert_eq!(cpu.mean_rounds, gpu.mean_rounds);
    assert_eq!(cpu.pert_exhausted, gpu.pert_exhausted);
    for (k, (fc, fg)) in cpu.fans.iter().zip(&gpu.fans).enumerate() {
        for (m, (a, b)) in fc.iter().zip(fg).enumerate() {
            let what = format!("{} month {}", cpu::MEASURE_NAMES[k], m + 1);
            assert_eq!(a.alive, b.alive, "{what}");
            if exact {
                assert_eq!(a.percentiles, b.percentiles, "{what}");
                assert_eq!(a.bin_error, b.bin_error, "{what}");
            }
            close(a.mean, b.mean, &what);
            close(a.se, b.se, &format!("{what} se"));
        }
    }
    for (i, (a, b)) in cpu.finals.iter().zip(&gpu.finals).enumerate() {
        if exact {
            assert_eq!(a.percentiles, b.percentiles, "final {i}");
        }
        close(a.mean, b.mean, &format!("final {i}"));
    }
    close(cpu.exit_value_mean, gpu.exit_value_mean, "exit value mean");
    close(cpu.exit_value_se, gpu.exit_value_se, "exit value se");
    close(cpu.new_money_mean, gpu.new_money_mean, "new money mean");
    for (a, b) in cpu.payout_mean.iter().zip(&gpu.payout_mean) {
        close(*a, *b, "payout mean");
    }
    assert_eq!(cpu.convergence.len(), gpu.convergence.len());
    for (a, b) in cpu.convergence.iter().zip(&gpu.convergence) {
        assert_eq!(
            (a.paths, a.p_fail, a.mean_rounds),
            (b.paths, b.p_fail, b.mean_rounds)
        );
        close(a.exit_value_mean, b.exit_value_mean, "convergence");
    }
    if exact {
        assert_eq!(cpu.sensitivity, gpu.sensitivity);
    }
}

#[test]
fn a_run_gives_the_cpu_backends_statistics() {
    let Some(g) = gpu() else { return };
    let p = params(XAI);
    // Not a whole number of chunks or workgroups: the last workgroup is partly empty.
    let paths = 3 * 4096 + 1000;
    let no = AtomicBool::new(false);
    let c = cpu::run(&p, paths, Some(2), &no, &|_| {}).unwrap();
    let seen = std::sync::Mutex::new(vec![]);
    let s = g
        .run(&p, paths, &no, &|n| seen.lock().unwrap().push(n))
        .unwrap();
    compare(&c, &s, g.is_software());
    assert_eq!(seen.lock().unwrap().last(), Some(&paths));
    // Batches change nothing: the same numbers from batches of one chunk, with progress after
    // each batch.
    let steps = std::sync::Mutex::new(vec![]);
    let batched = g
        .run_in_batches(&p, paths, 4096, &no, &|n| steps.lock().unwrap().push(n))
        .unwrap();
    assert_eq!(s, batched);
    let every_chunk: Vec<u64> = (1..=paths.div_ceil(4096))
        .map(|c| (c * 4096).min(paths))
        .collect();
    assert_eq!(*steps.lock().unwrap(), every_chunk);
}

#[test]
fn a_run_with_failures_and_every_distribution_matches_too() {
    let Some(g) = gpu() else { return };
    let p = params(&every_branch());
    let no = AtomicBool::new(false);
    let c = cpu::run(&p, 5000, Some(2), &no, &|_| {}).unwrap();
    let s = g.run(&p, 5000, &no, &|_| {}).unwrap();
    assert!(c.p_fail > 0.0);
    compare(&c, &s, g.is_software());
}

#[test]
fn a_cancelled_run_returns_nothing() {
    let Some(g) = gpu() else { return };
    let p = params(XAI);
    let cancel = AtomicBool::new(false);
    let r = g.run_in_batches(&p, 5 * 4096, 4096, &cancel, &|n| {
        if n >= 4096 {
            cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    });
    assert_eq!(r.unwrap_err(), GpuError::Cancelled);
}

#[test]
fn a_scenario_too_big_for_the_kernel_is_refused_by_name() {
    // The scenario itself is refused first, naming the field, on every backend.
    let text = with(XAI, "max_rounds", "max_rounds = 40");
    let e = Scenario::parse(&text).unwrap().validate().unwrap_err();
    assert_eq!(e.path, "funding.max_rounds", "{e:?}");
    // Parameters built past the scenario's check still meet the kernel's own.
    let Some(g) = gpu() else { return };
    let mut p = params(XAI);
    p.max_rounds = 40;
    let e = g.run(&p, 10, &AtomicBool::new(false), &|_| {}).unwrap_err();
    let GpuError::Unsupported(m) = e else {
        panic!("{e:?}")
    };
    assert!(m.contains("funding.max_rounds"), "{m}");
}
