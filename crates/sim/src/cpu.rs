//! The CPU backend: paths in parallel on rayon, statistics that do not depend on the thread
//! count or the batch size.
//!
//! Paths are grouped in fixed chunks of `CHUNK` paths. Counts and histogram bins are integers,
//! so they add up the same in any order; floating-point sums are made per chunk and added in
//! chunk order. Percentiles come from histograms: a first pass finds each month's range, a
//! second fills `BINS` bins; a percentile is reported at the centre of the bin holding its
//! nearest rank, so its error is at most half a bin width, which the summary states.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::kernel::{run_path, Ending, Outcome, Params, Scratch};

/// Paths per chunk: the unit of deterministic summation.
pub const CHUNK: u64 = 4096;
/// Histogram bins per month and measure.
pub const BINS: usize = 2048;
/// The measures recorded per month: cash, mark, cumulative spend, fully diluted shares.
pub const MEASURES: usize = 4;
pub const MEASURE_NAMES: [&str; MEASURES] = ["cash", "mark", "spend", "fully_diluted"];

#[derive(Debug, Clone, PartialEq)]
pub struct Fan {
    pub alive: u64,
    pub mean: f64,
    /// Standard error of the mean.
    pub se: f64,
    /// P5, P25, P50, P75, P95 (nearest rank, at the centre of its histogram bin).
    pub percentiles: [f64; 5],
    /// Half a bin width: the most a percentile can be off.
    pub bin_error: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub paths: u64,
    /// fans[measure][month - 1]
    pub fans: Vec<Vec<Fan>>,
    pub alive_fraction: Vec<f64>,
    pub p_fail: f64,
    pub unpriceable: u64,
    /// Mean exit payout per class over all paths (a failed path pays 0), and its standard error.
    pub payout_mean: Vec<f64>,
    pub payout_se: Vec<f64>,
    /// P(at least one raise within 6, 12, 24 months).
    pub p_raise_within: [f64; 3],
    pub mean_rounds: f64,
    pub pert_exhausted: u64,
}

#[derive(Debug)]
pub struct Cancelled;

/// One measure in one month over some paths: count, sum, sum of squares, min, max.
type Moments = (u64, f64, f64, f64, f64);

/// One chunk's floating-point partials, in a fixed layout.
#[derive(Clone, Default)]
struct Partial {
    /// [month][measure] (count, sum, sum of squares, min, max)
    months: Vec<[Moments; MEASURES]>,
    payout: Vec<(f64, f64)>,
    failed: u64,
    unpriceable: u64,
    raised: [u64; 3],
    rounds: u64,
    exhausted: u64,
}

fn empty_outcome() -> Outcome {
    Outcome {
        ending: Ending::Exited,
        rounds: 0,
        first_raise: None,
        new_money: 0.0,
        exit_value: 0.0,
        payouts: vec![],
        pert_exhausted: false,
        inputs: [0.0; 8],
    }
}

fn value(m: &crate::kernel::Month, k: usize) -> f64 {
    f64::from([m.cash, m.mark, m.spend, m.fully_diluted][k])
}

/// Runs `paths` paths on `threads` threads (None: all cores), checking `cancel` between chunks.
pub fn run(
    p: &Params,
    paths: u64,
    threads: Option<usize>,
    cancel: &AtomicBool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Summary, Cancelled> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|_| Cancelled)?;
    pool.install(|| run_inner(p, paths, cancel, progress))
}

fn run_inner(
    p: &Params,
    paths: u64,
    cancel: &AtomicBool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Summary, Cancelled> {
    let h = p.horizon as usize;
    let classes = p.classes.len() + p.max_rounds as usize;
    let chunks = paths.div_ceil(CHUNK);
    let done = std::sync::atomic::AtomicU64::new(0);

    // Pass 1: per-chunk partials, kept in chunk order.
    let partials: Vec<Option<Partial>> = (0..chunks)
        .into_par_iter()
        .map_init(
            || (Scratch::default(), empty_outcome()),
            |(scratch, outcome), c| {
                if cancel.load(Ordering::Relaxed) {
                    return None;
                }
                let mut part = Partial {
                    months: vec![[(0, 0.0, 0.0, f64::INFINITY, f64::NEG_INFINITY); MEASURES]; h],
                    payout: vec![(0.0, 0.0); classes],
                    ..Default::default()
                };
                for path in c * CHUNK..((c + 1) * CHUNK).min(paths) {
                    run_path(p, path, scratch, outcome);
                    for (m, month) in scratch.months.iter().enumerate() {
                        for k in 0..MEASURES {
                            let v = value(month, k);
                            let s = &mut part.months[m][k];
                            s.0 += 1;
                            s.1 += v;
                            s.2 += v * v;
                            s.3 = s.3.min(v);
                            s.4 = s.4.max(v);
                        }
                    }
                    for (i, pay) in outcome.payouts.iter().enumerate() {
                        let v = f64::from(*pay);
                        part.payout[i].0 += v;
                        part.payout[i].1 += v * v;
                    }
                    match outcome.ending {
                        Ending::Exited => {}
                        Ending::Failed(_) => part.failed += 1,
                        Ending::Unpriceable(_) => {
                            part.failed += 1;
                            part.unpriceable += 1;
                        }
                    }
                    if let Some(first) = outcome.first_raise {
                        for (j, within) in [6u32, 12, 24].iter().enumerate() {
                            if first <= *within {
                                part.raised[j] += 1;
                            }
                        }
                    }
                    part.rounds += u64::from(outcome.rounds);
                    part.exhausted += u64::from(outcome.pert_exhausted);
                }
                let n = done.fetch_add(((c + 1) * CHUNK).min(paths) - c * CHUNK, Ordering::Relaxed);
                progress(n);
                Some(part)
            },
        )
        .collect();
    let mut total = Partial {
        months: vec![[(0, 0.0, 0.0, f64::INFINITY, f64::NEG_INFINITY); MEASURES]; h],
        payout: vec![(0.0, 0.0); classes],
        ..Default::default()
    };
    for part in partials {
        let part = part.ok_or(Cancelled)?;
        for (t, q) in total.months.iter_mut().zip(&part.months) {
            for k in 0..MEASURES {
                t[k].0 += q[k].0;
                t[k].1 += q[k].1;
                t[k].2 += q[k].2;
                t[k].3 = t[k].3.min(q[k].3);
                t[k].4 = t[k].4.max(q[k].4);
            }
        }
        for (t, q) in total.payout.iter_mut().zip(&part.payout) {
            t.0 += q.0;
            t.1 += q.1;
        }
        total.failed += part.failed;
        total.unpriceable += part.unpriceable;
        for j in 0..3 {
            total.raised[j] += part.raised[j];
        }
        total.rounds += part.rounds;
        total.exhausted += part.exhausted;
    }

    // Pass 2: histograms over each month's range (integer counts: any order adds the same).
    let range = |m: usize, k: usize| (total.months[m][k].3, total.months[m][k].4);
    let bin = |m: usize, k: usize, v: f64| -> usize {
        let (lo, hi) = range(m, k);
        if hi <= lo {
            return 0;
        }
        (((v - lo) / (hi - lo)) * BINS as f64)
            .floor()
            .clamp(0.0, (BINS - 1) as f64) as usize
    };
    let hist: Option<Vec<u64>> = (0..chunks)
        .into_par_iter()
        .map_init(
            || (Scratch::default(), empty_outcome()),
            |(scratch, outcome), c| {
                if cancel.load(Ordering::Relaxed) {
                    return None;
                }
                let mut counts = vec![0u64; h * MEASURES * BINS];
                for path in c * CHUNK..((c + 1) * CHUNK).min(paths) {
                    run_path(p, path, scratch, outcome);
                    for (m, month) in scratch.months.iter().enumerate() {
                        for k in 0..MEASURES {
                            counts[(m * MEASURES + k) * BINS + bin(m, k, value(month, k))] += 1;
                        }
                    }
                }
                Some(counts)
            },
        )
        .try_reduce(
            || vec![0u64; h * MEASURES * BINS],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
                Some(a)
            },
        );
    let hist = hist.ok_or(Cancelled)?;

    let n = paths as f64;
    let mut fans: Vec<Vec<Fan>> = (0..MEASURES).map(|_| Vec::with_capacity(h)).collect();
    let mut alive_fraction = Vec::with_capacity(h);
    for m in 0..h {
        alive_fraction.push(total.months[m][0].0 as f64 / n);
        for (k, fan) in fans.iter_mut().enumerate() {
            let (count, sum, sq, lo, hi) = total.months[m][k];
            let counts = &hist[(m * MEASURES + k) * BINS..(m * MEASURES + k + 1) * BINS];
            let width = if hi > lo {
                (hi - lo) / BINS as f64
            } else {
                0.0
            };
            let mut percentiles = [0.0; 5];
            for (j, pct) in [5.0f64, 25.0, 50.0, 75.0, 95.0].iter().enumerate() {
                let rank = ((pct / 100.0) * count as f64).ceil().max(1.0) as u64;
                let mut seen = 0u64;
                let mut at = 0usize;
                for (b, c) in counts.iter().enumerate() {
                    seen += c;
                    if seen >= rank {
                        at = b;
                        break;
                    }
                }
                percentiles[j] = if count == 0 {
                    f64::NAN
                } else {
                    lo + (at as f64 + 0.5) * width
                };
            }
            let mean = if count == 0 {
                f64::NAN
            } else {
                sum / count as f64
            };
            let var = if count > 1 {
                (sq / count as f64 - mean * mean).max(0.0) * count as f64 / (count - 1) as f64
            } else {
                0.0
            };
            fan.push(Fan {
                alive: count,
                mean,
                se: (var / count.max(1) as f64).sqrt(),
                percentiles,
                bin_error: width / 2.0,
            });
        }
    }
    let payout_mean: Vec<f64> = total.payout.iter().map(|(s, _)| s / n).collect();
    let payout_se = total
        .payout
        .iter()
        .zip(&payout_mean)
        .map(|((_, sq), mean)| {
            if paths > 1 {
                ((sq / n - mean * mean).max(0.0) * n / (n - 1.0) / n).sqrt()
            } else {
                0.0
            }
        })
        .collect();
    Ok(Summary {
        paths,
        fans,
        alive_fraction,
        p_fail: total.failed as f64 / n,
        unpriceable: total.unpriceable,
        payout_mean,
        payout_se,
        p_raise_within: total.raised.map(|r| r as f64 / n),
        mean_rounds: total.rounds as f64 / n,
        pert_exhausted: total.exhausted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    /// No compute, no burn, no raises: the mark is a geometric Brownian motion.
    fn gbm(paths: u64, horizon: u32) -> Params {
        let text = format!(
            r#"
[simulation]
paths = {paths}
horizon_months = {horizon}
seed = 7
[start]
date = "2024-01-01"
cash = 1000
post_money = 100
[[start.classes]]
name = "Common"
shares = 100
[compute]
delivery_delay_months = {{ dist = "fixed", value = 0 }}
gpu_unit_price = {{ dist = "fixed", value = 0 }}
infra_ratio = {{ dist = "fixed", value = 0 }}
kw_per_gpu = 1
pue = {{ dist = "fixed", value = 1 }}
usd_per_kwh = {{ dist = "fixed", value = 0 }}
[operations]
burn_per_month = {{ dist = "fixed", value = 0 }}
revenue_growth_annual = {{ dist = "fixed", value = 0 }}
[funding]
trigger_runway_months = 0
target_runway_months = 0
min_raise = 0
valuation_drift_annual = 0.2
valuation_vol_annual = 0.5
round_failure_probability = 0
pool_target = 0
max_rounds = 0
[exit]
multiple = {{ dist = "fixed", value = 1 }}
"#
        );
        let s = Scenario::parse(&text).unwrap();
        Params::new(&s, s.validate().unwrap()).unwrap()
    }

    fn go(p: &Params, paths: u64, threads: usize) -> Summary {
        run(p, paths, Some(threads), &AtomicBool::new(false), &|_| {}).unwrap()
    }

    #[test]
    fn the_mark_matches_geometric_brownian_motion() {
        // E[V_T] = V0 e^{mu T}; median V0 e^{(mu - sigma^2/2) T}; T = 2 years.
        let paths = 40_000;
        let p = gbm(paths, 24);
        let s = go(&p, paths, 2);
        let fan = &s.fans[1][23];
        let t = 2.0f64;
        let (mu, sigma) = (0.2f64, 0.5f64);
        let mean = 100.0 * (mu * t).exp();
        let median = 100.0 * ((mu - sigma * sigma / 2.0) * t).exp();
        assert_eq!(fan.alive, paths);
        assert!(
            (fan.mean - mean).abs() < 5.0 * fan.se,
            "mean {} vs {mean} (se {})",
            fan.mean,
            fan.se
        );
        // The sample median's standard error for a lognormal: m sigma sqrt(T) sqrt(2 pi) / (2 sqrt(n)).
        let se_median = median * sigma * t.sqrt() * (2.0 * std::f64::consts::PI).sqrt()
            / (2.0 * (paths as f64).sqrt());
        assert!(
            (fan.percentiles[2] - median).abs() < 5.0 * se_median + fan.bin_error,
            "median {} vs {median}",
            fan.percentiles[2]
        );
        assert_eq!(s.p_fail, 0.0);
        // The exit pays the mark to the one class, on every path.
        assert!((s.payout_mean[0] - fan.mean).abs() < 1e-6 * fan.mean);
    }

    #[test]
    fn results_do_not_depend_on_the_thread_count() {
        let paths = 3 * CHUNK + 123;
        let p = gbm(paths, 12);
        let one = go(&p, paths, 1);
        assert_eq!(one, go(&p, paths, 2));
        assert_eq!(one, go(&p, paths, 8));
    }

    #[test]
    fn a_cancelled_run_returns_no_result() {
        let p = gbm(10_000, 12);
        let cancel = AtomicBool::new(true);
        assert!(run(&p, 10_000, Some(2), &cancel, &|_| {}).is_err());
    }
}
