//! The CPU backend: paths in parallel on rayon, statistics that do not depend on the thread
//! count or the batch size.
//!
//! Paths are grouped in fixed chunks of `CHUNK` paths. Counts and histogram bins are integers,
//! so they add up the same in any order; floating-point sums are made per chunk and added in
//! chunk order. Percentiles come from histograms of `BINS` bins per month and measure, over the
//! range a pilot of the first `PILOT_CHUNKS` chunks found, on a log scale when that range is
//! positive and wide (the end bins also take what falls outside it, up to the run's true min
//! and max). A percentile is reported at the centre of the
//! bin holding its nearest rank; `Fan::bin_error` states half the widest such bin.

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

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Fan {
    pub alive: u64,
    /// NaN, which serialises as null, when no path is alive.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub mean: f64,
    /// Standard error of the mean.
    pub se: f64,
    /// P5, P25, P50, P75, P95 (nearest rank, at the centre of its histogram bin); NaN (null)
    /// when no path is alive.
    #[cfg_attr(
        feature = "ts",
        ts(type = "[number | null, number | null, number | null, number | null, number | null]")
    )]
    pub percentiles: [f64; 5],
    /// Half a bin width: the most a percentile can be off.
    pub bin_error: f64,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
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
    /// At the horizon, over all paths (a failed path pays 0): exit value, new money, rounds, total
    /// spend, then each class's payout (`final_names` gives the order).
    pub finals: Vec<Fan>,
    /// The distribution of the first raise's month: the fraction of all paths whose first raise
    /// was in month m (index m - 1); paths that never raise are the rest.
    pub first_raise_month: Vec<f64>,
    pub mean_rounds: f64,
    pub pert_exhausted: u64,
    /// Mean exit value over all paths (0 for a failed path), and its standard error.
    pub exit_value_mean: f64,
    pub exit_value_se: f64,
    pub new_money_mean: f64,
    /// The headline statistics after 10%, 25%, 50% and 100% of the paths (in path order).
    pub convergence: Vec<Convergence>,
    /// Spearman rank correlation of each static input with each headline output, over the
    /// first `SENSITIVITY_PATHS` paths (None where an input or output does not vary).
    pub sensitivity: Vec<Sensitivity>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Convergence {
    pub paths: u64,
    pub p_fail: f64,
    pub exit_value_mean: f64,
    pub new_money_mean: f64,
    pub mean_rounds: f64,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Sensitivity {
    pub input: &'static str,
    /// Against: exit value, new money raised, rounds, failed (0/1).
    pub exit_value: Option<f64>,
    pub new_money: Option<f64>,
    pub rounds: Option<f64>,
    pub failed: Option<f64>,
}

/// The static inputs, in draw order (docs/sim.md).
pub const INPUT_NAMES: [&str; 8] = [
    "compute.delivery_delay_months",
    "compute.gpu_unit_price",
    "compute.infra_ratio",
    "compute.pue",
    "compute.usd_per_kwh",
    "operations.burn_per_month",
    "operations.revenue_growth_annual",
    "exit.multiple",
];

/// Paths whose inputs and outputs are kept for the rank correlations.
pub const SENSITIVITY_PATHS: u64 = 262_144;

#[derive(Debug)]
pub struct Cancelled;

/// One measure in one month over some paths: count, sum, sum of squares, min, max.
pub(crate) type Moments = (u64, f64, f64, f64, f64);

/// One chunk's floating-point partials, in a fixed layout.
#[derive(Clone, Default)]
pub(crate) struct Partial {
    /// [month][measure] (count, sum, sum of squares, min, max)
    pub(crate) months: Vec<[Moments; MEASURES]>,
    pub(crate) payout: Vec<(f64, f64)>,
    pub(crate) failed: u64,
    pub(crate) unpriceable: u64,
    pub(crate) raised: [u64; 3],
    pub(crate) rounds: u64,
    pub(crate) exhausted: u64,
    /// exit value: sum, sum of squares; new money: sum
    pub(crate) exit: (f64, f64),
    /// paths whose first raise was in month m (index m - 1)
    pub(crate) first_raise: Vec<u64>,
    /// Per final value: moments, and the smallest positive value.
    pub(crate) finals: Vec<(Moments, f64)>,
    pub(crate) new_money: f64,
    /// Per path, for the first SENSITIVITY_PATHS paths: 8 inputs then 4 outputs.
    pub(crate) samples: Vec<[f32; 12]>,
}

/// A month's measures, in `MEASURE_NAMES` order.
fn values(m: &crate::kernel::Month) -> [f64; MEASURES] {
    [m.cash, m.mark, m.spend, m.fully_diluted].map(f64::from)
}

/// Runs `paths` paths on `threads` threads (None: all cores), checking `cancel` between chunks.
pub fn run(
    p: &Params,
    paths: u64,
    threads: Option<usize>,
    cancel: &AtomicBool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Summary, Cancelled> {
    run_batched(p, paths, threads, None, cancel, progress)
}

/// As `run`, in batches of about `batch_paths` paths (whole chunks); the results are the same
/// for every batch size.
pub fn run_batched(
    p: &Params,
    paths: u64,
    threads: Option<usize>,
    batch_paths: Option<u64>,
    cancel: &AtomicBool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Summary, Cancelled> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|_| Cancelled)?;
    pool.install(|| run_inner(p, paths, batch_paths, cancel, progress))
}

/// Chunks in the pilot pass that sets the histogram ranges.
pub const PILOT_CHUNKS: u64 = 16;

pub(crate) fn empty_partial(h: usize, classes: usize) -> Partial {
    Partial {
        months: vec![[(0, 0.0, 0.0, f64::INFINITY, f64::NEG_INFINITY); MEASURES]; h],
        payout: vec![(0.0, 0.0); classes],
        first_raise: vec![0; h],
        finals: vec![
            (
                (0, 0.0, 0.0, f64::INFINITY, f64::NEG_INFINITY),
                f64::INFINITY
            );
            4 + classes
        ],
        ..Default::default()
    }
}

/// A histogram's axis over the pilot's range. Linear, or, when the range is positive and spans
/// more than a factor of ten (marks, spend and share counts are skewed), log-linear: each power
/// of two is cut into `sub` equal parts read straight from the float's exponent and top mantissa
/// bits (as an HDR histogram does), so a bin is at most 1/`sub` of its value wide.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Axis {
    lo: f64,
    hi: f64,
    /// For a log-linear axis: the lowest binary exponent and log2 of the parts per octave.
    pub(crate) log: Option<(i64, u32)>,
    /// For a linear axis: bin = floor((v - lo) * scale) in f32. A subtraction and a
    /// multiplication, each correctly rounded on every Vulkan device and never fused, so a GPU
    /// puts a value in the same bin as the CPU (a division would not be exact there).
    pub(crate) lo32: f32,
    pub(crate) scale: f32,
}

fn exponent(v: f64) -> i64 {
    ((v.to_bits() >> 52) & 0x7ff) as i64 - 1023
}

impl Axis {
    pub(crate) fn new(lo: f64, hi: f64) -> Axis {
        let log = (lo > 0.0 && hi > 10.0 * lo).then(|| {
            let octaves = (exponent(hi) - exponent(lo) + 1) as usize;
            let parts = (BINS / octaves).max(1);
            (exponent(lo), usize::BITS - 1 - parts.leading_zeros())
        });
        let scale = if hi > lo {
            (BINS as f64 / (hi - lo)) as f32
        } else {
            0.0
        };
        Axis {
            lo,
            hi,
            log,
            lo32: lo as f32,
            scale,
        }
    }

    /// The bin of a value that came from an f32 (every value the engine bins does).
    pub(crate) fn bin(&self, v: f64) -> usize {
        match self.log {
            Some((e0, shift)) => {
                if v <= 0.0 {
                    return 0;
                }
                let e = exponent(v) - e0;
                if e < 0 {
                    return 0;
                }
                let sub = (v.to_bits() >> (52 - shift)) & ((1u64 << shift) - 1);
                ((e as u64) << shift | sub).min((BINS - 1) as u64) as usize
            }
            // floor, then clamp into the bins: for a value clamped to >= 0 the cast's
            // truncation is the floor, so clamping first gives the same bin without a call to
            // floorf (the baseline x86-64 target has no floor instruction).
            None if self.hi > self.lo => {
                ((v as f32 - self.lo32) * self.scale).clamp(0.0, (BINS - 1) as f32) as usize
            }
            None => 0,
        }
    }

    /// Bin b's edges in value terms (None when the axis is a single point).
    fn edges(&self, b: usize) -> Option<(f64, f64)> {
        match self.log {
            Some((e0, shift)) => {
                let parts = 1u64 << shift;
                let octave = 2f64.powi((e0 + (b as u64 >> shift) as i64) as i32);
                let sub = (b as u64 & (parts - 1)) as f64;
                Some((
                    octave * (1.0 + sub / parts as f64),
                    octave * (1.0 + (sub + 1.0) / parts as f64),
                ))
            }
            None if self.hi > self.lo => {
                let w = (self.hi - self.lo) / BINS as f64;
                Some((self.lo + b as f64 * w, self.lo + (b + 1) as f64 * w))
            }
            None => None,
        }
    }
}

/// Histogram axes per (month, measure) and the counts they fill.
struct Bins<'a> {
    ranges: &'a [Axis],
    counts: &'a mut [u32],
    /// One axis per final value; counts of BINS + 1 slots each (the last: values <= 0).
    final_axes: &'a [Axis],
    final_counts: &'a mut [u32],
}

/// The values a path ends with, over all paths (a failed path: 0 payouts and exit value):
/// exit value, new money, rounds, total spend, then each class's payout.
fn finals(outcome: &Outcome, scratch: &Scratch, classes: usize, out: &mut Vec<f64>) {
    out.clear();
    out.push(f64::from(outcome.exit_value));
    out.push(f64::from(outcome.new_money));
    out.push(f64::from(outcome.rounds));
    out.push(scratch.months.last().map_or(0.0, |m| f64::from(m.spend)));
    for i in 0..classes {
        out.push(outcome.payouts.get(i).map_or(0.0, |p| f64::from(*p)));
    }
}

/// The names of the final values, given the class names.
pub fn final_names(class_names: &[String], max_rounds: u32) -> Vec<String> {
    let mut names: Vec<String> = ["exit_value", "new_money", "rounds", "total_spend"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    names.extend(class_names.iter().map(|c| format!("payout: {c}")));
    names.extend((1..=max_rounds).map(|r| format!("payout: round {r} preferred")));
    names
}

/// Runs one chunk's paths, adding their moments to `part` and, given ranges, their bins.
fn run_chunk(
    p: &Params,
    c: u64,
    paths: u64,
    scratch: &mut Scratch,
    outcome: &mut Outcome,
    part: &mut Partial,
    mut bins: Option<Bins<'_>>,
) {
    let mut final_values = Vec::with_capacity(part.finals.len());
    for path in c * CHUNK..((c + 1) * CHUNK).min(paths) {
        run_path(p, path, scratch, outcome);
        for (month, stats) in scratch.months.iter().zip(part.months.iter_mut()) {
            for (s, v) in stats.iter_mut().zip(values(month)) {
                s.0 += 1;
                s.1 += v;
                s.2 += v * v;
                s.3 = s.3.min(v);
                s.4 = s.4.max(v);
            }
        }
        if let Some(Bins { ranges, counts, .. }) = bins.as_mut() {
            let per_month = ranges
                .chunks_exact(MEASURES)
                .zip(counts.chunks_exact_mut(MEASURES * BINS));
            for (month, (axes, counts)) in scratch.months.iter().zip(per_month) {
                for (k, (axis, v)) in axes.iter().zip(values(month)).enumerate() {
                    counts[k * BINS + axis.bin(v)] += 1;
                }
            }
        }
        for (i, pay) in outcome.payouts.iter().enumerate() {
            let v = f64::from(*pay);
            part.payout[i].0 += v;
            part.payout[i].1 += v * v;
        }
        finals(outcome, scratch, part.finals.len() - 4, &mut final_values);
        for (f, v) in part.finals.iter_mut().zip(&final_values) {
            let m = &mut f.0;
            m.0 += 1;
            m.1 += v;
            m.2 += v * v;
            m.3 = m.3.min(*v);
            m.4 = m.4.max(*v);
            if *v > 0.0 {
                f.1 = f.1.min(*v);
            }
        }
        if let Some(Bins {
            final_axes,
            final_counts,
            ..
        }) = bins.as_mut()
        {
            for (i, v) in final_values.iter().enumerate() {
                let slot = if *v <= 0.0 {
                    BINS
                } else {
                    final_axes[i].bin(*v)
                };
                final_counts[i * (BINS + 1) + slot] += 1;
            }
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
            if let Some(slot) = part.first_raise.get_mut(first as usize - 1) {
                *slot += 1;
            }
            for (j, within) in [6u32, 12, 24].iter().enumerate() {
                if first <= *within {
                    part.raised[j] += 1;
                }
            }
        }
        part.rounds += u64::from(outcome.rounds);
        part.exhausted += u64::from(outcome.pert_exhausted);
        let exit = f64::from(outcome.exit_value);
        part.exit.0 += exit;
        part.exit.1 += exit * exit;
        part.new_money += f64::from(outcome.new_money);
        if path < SENSITIVITY_PATHS {
            let mut row = [0.0f32; 12];
            row[..8].copy_from_slice(&outcome.inputs);
            row[8] = outcome.exit_value;
            row[9] = outcome.new_money;
            row[10] = outcome.rounds as f32;
            row[11] = if outcome.ending == Ending::Exited {
                0.0
            } else {
                1.0
            };
            part.samples.push(row);
        }
    }
}

/// A distribution's statistics from its moments and its histogram. `zeros` values of 0 were
/// counted apart (then `positive_min` bounds the first bin); percentiles are nearest-rank, at the
/// centre of the bin holding the rank, and `bin_error` is half the widest such bin.
fn fan_of(
    moments: Moments,
    axis: &Axis,
    counts: &[u32],
    zeros: u64,
    positive_min: Option<f64>,
) -> Fan {
    let (count, sum, sq, min, max) = moments;
    let low = positive_min.unwrap_or(min);
    // A bin's extent; the end bins also hold whatever fell outside the pilot's range.
    let extent = |b: usize| -> (f64, f64) {
        let Some((mut a, mut z)) = axis.edges(b) else {
            return (low, max);
        };
        if b == 0 {
            a = a.min(low);
        }
        if b == BINS - 1 {
            z = z.max(max);
        }
        (a.max(low), z.min(max))
    };
    let mut percentiles = [f64::NAN; 5];
    let mut bin_error = 0.0f64;
    if count > 0 {
        for (j, pct) in [5.0f64, 25.0, 50.0, 75.0, 95.0].iter().enumerate() {
            let rank = ((pct / 100.0) * count as f64).ceil().max(1.0) as u64;
            if rank <= zeros {
                percentiles[j] = 0.0;
                continue;
            }
            let mut seen = zeros;
            let mut at = BINS - 1;
            for (b, c) in counts.iter().enumerate() {
                seen += u64::from(*c);
                if seen >= rank {
                    at = b;
                    break;
                }
            }
            let (a, z) = extent(at);
            percentiles[j] = (a + z) / 2.0;
            bin_error = bin_error.max((z - a) / 2.0);
        }
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
    Fan {
        alive: count,
        mean,
        se: (var / count.max(1) as f64).sqrt(),
        percentiles,
        bin_error,
    }
}

pub(crate) fn merge(total: &mut Partial, part: &Partial) {
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
    for (t, q) in total.first_raise.iter_mut().zip(&part.first_raise) {
        *t += q;
    }
    for (t, q) in total.finals.iter_mut().zip(&part.finals) {
        t.0 .0 += q.0 .0;
        t.0 .1 += q.0 .1;
        t.0 .2 += q.0 .2;
        t.0 .3 = t.0 .3.min(q.0 .3);
        t.0 .4 = t.0 .4.max(q.0 .4);
        t.1 = t.1.min(q.1);
    }
    total.exit.0 += part.exit.0;
    total.exit.1 += part.exit.1;
    total.new_money += part.new_money;
}

/// Ranks (1-based, ties averaged).
fn ranks(v: &[f32]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    // A total order (ties broken by index), so an unstable sort gives the one order there is.
    idx.sort_unstable_by(|&a, &b| v[a].total_cmp(&v[b]).then(a.cmp(&b)));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

/// Pearson correlation of two rank vectors; None when either does not vary.
fn correlation(a: &[f64], b: &[f64]) -> Option<f64> {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    (saa > 0.0 && sbb > 0.0).then(|| sab / (saa * sbb).sqrt())
}

/// Spearman's rank correlation of every input with every output, over the kept samples.
fn sensitivity(samples: &[[f32; 12]]) -> Vec<Sensitivity> {
    if samples.len() < 3 {
        return vec![];
    }
    let column =
        |c: usize| -> Vec<f64> { ranks(&samples.iter().map(|r| r[c]).collect::<Vec<_>>()) };
    // Each column is ranked on its own, so on the pool's threads (the same ranks either way);
    // an input's ranks are dropped as soon as its correlations are taken.
    let outputs: Vec<Vec<f64>> = (8..12).into_par_iter().map(column).collect();
    INPUT_NAMES
        .par_iter()
        .enumerate()
        .map(|(i, name)| {
            let x = &column(i);
            Sensitivity {
                input: name,
                exit_value: correlation(x, &outputs[0]),
                new_money: correlation(x, &outputs[1]),
                rounds: correlation(x, &outputs[2]),
                failed: correlation(x, &outputs[3]),
            }
        })
        .collect()
}

/// The histogram axes a run bins into, set by its pilot: one per (month, measure), then one per
/// final value.
pub(crate) struct Axes {
    pub(crate) months: Vec<Axis>,
    pub(crate) finals: Vec<Axis>,
}

/// The histogram counts' layout, for both backends: BINS per (month, measure), then BINS + 1
/// per final value (the last slot counts values <= 0). Returns (month slots, all slots).
pub(crate) fn counts_layout(h: usize, finals: usize) -> (usize, usize) {
    let months = h * MEASURES * BINS;
    (months, months + finals * (BINS + 1))
}

/// The pilot: the first `PILOT_CHUNKS` chunks set each histogram's range (a fixed set of paths:
/// deterministic; the GPU backend runs the same paths on the device, see gpu.rs).
pub(crate) fn pilot(p: &Params, paths: u64, cancel: &AtomicBool) -> Result<Axes, Cancelled> {
    let h = p.horizon as usize;
    let classes = p.classes.len() + p.max_rounds as usize;
    let chunks = paths.div_ceil(CHUNK);
    let pilot: Vec<Partial> = (0..chunks.min(PILOT_CHUNKS))
        .into_par_iter()
        .map_init(
            || (Scratch::default(), Outcome::default()),
            |(scratch, outcome), c| {
                if cancel.load(Ordering::Relaxed) {
                    return None;
                }
                let mut part = empty_partial(h, classes);
                run_chunk(p, c, paths, scratch, outcome, &mut part, None);
                Some(part)
            },
        )
        .collect::<Option<Vec<Partial>>>()
        .ok_or(Cancelled)?;
    let mut range_of = empty_partial(h, classes);
    for part in &pilot {
        merge(&mut range_of, part);
    }
    Ok(axes_over(&range_of))
}

/// The axes over the ranges the pilot's paths (merged into one partial) saw.
pub(crate) fn axes_over(range_of: &Partial) -> Axes {
    let months: Vec<Axis> = range_of
        .months
        .iter()
        .flat_map(|m| {
            m.iter().map(|s| {
                if s.0 > 0 {
                    Axis::new(s.3, s.4)
                } else {
                    Axis::new(0.0, 0.0)
                }
            })
        })
        .collect();
    // The final values' axes: over their positive range (zeros are counted apart).
    let finals: Vec<Axis> = range_of
        .finals
        .iter()
        .map(|(m, min_pos)| {
            if min_pos.is_finite() && m.4 > *min_pos {
                Axis::new(*min_pos, m.4)
            } else {
                Axis::new(0.0, 0.0)
            }
        })
        .collect();
    Axes { months, finals }
}

fn run_inner(
    p: &Params,
    paths: u64,
    batch_paths: Option<u64>,
    cancel: &AtomicBool,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Summary, Cancelled> {
    let h = p.horizon as usize;
    let classes = p.classes.len() + p.max_rounds as usize;
    let chunks = paths.div_ceil(CHUNK);
    let done = std::sync::atomic::AtomicU64::new(0);
    let axes = pilot(p, paths, cancel)?;
    let (ranges, final_axes) = (&axes.months, &axes.finals);
    let (hist_len, counts_len) = counts_layout(h, final_axes.len());

    // The run: moments per chunk (kept by chunk, summed in chunk order) and histogram counts
    // (integers: summed in any order).
    type State = (Vec<(u64, Option<Partial>)>, Vec<u32>, Scratch, Outcome);
    let mut parts: Vec<(u64, Option<Partial>)> = Vec::with_capacity(chunks as usize);
    let mut hist = vec![0u32; counts_len];
    // Batches bound memory and set the rhythm of progress; they do not change a single number:
    // partial sums stay per chunk, in chunk order, and counts add the same in any grouping.
    let per_batch = batch_paths.map_or(chunks, |b| b.div_ceil(CHUNK).max(1));
    let mut start = 0u64;
    while start < chunks {
        // Checked per batch too: a cancelled batch still costs its histogram buffers, and a
        // billion-path run has a thousand batches.
        if cancel.load(Ordering::Relaxed) {
            return Err(Cancelled);
        }
        let end = (start + per_batch).min(chunks);
        let (batch_parts, batch_counts) = (start..end)
            .into_par_iter()
            .fold(
                || -> State {
                    (
                        Vec::new(),
                        vec![0u32; counts_len],
                        Scratch::default(),
                        Outcome::default(),
                    )
                },
                |(mut parts, mut counts, mut scratch, mut outcome), c| {
                    if cancel.load(Ordering::Relaxed) {
                        parts.push((c, None));
                    } else {
                        let mut part = empty_partial(h, classes);
                        let (month_counts, final_counts) = counts.split_at_mut(hist_len);
                        run_chunk(
                            p,
                            c,
                            paths,
                            &mut scratch,
                            &mut outcome,
                            &mut part,
                            Some(Bins {
                                ranges,
                                counts: month_counts,
                                final_axes,
                                final_counts,
                            }),
                        );
                        let len = ((c + 1) * CHUNK).min(paths) - c * CHUNK;
                        progress(done.fetch_add(len, Ordering::Relaxed) + len);
                        parts.push((c, Some(part)));
                    }
                    (parts, counts, scratch, outcome)
                },
            )
            .map(|(parts, counts, _, _)| (parts, counts))
            .reduce(
                || (Vec::new(), vec![0u32; counts_len]),
                |(mut pa, mut ca), (pb, cb)| {
                    pa.extend(pb);
                    for (x, y) in ca.iter_mut().zip(cb) {
                        *x += y;
                    }
                    (pa, ca)
                },
            );
        parts.extend(batch_parts);
        for (x, y) in hist.iter_mut().zip(batch_counts) {
            *x += y;
        }
        start = end;
    }
    parts.sort_by_key(|(c, _)| *c);
    let parts: Vec<Partial> = parts
        .into_iter()
        .map(|(_, part)| part.ok_or(Cancelled))
        .collect::<Result<_, _>>()?;
    Ok(finish(p, paths, &axes, &parts, &hist))
}

/// The summary from every chunk's partials (in chunk order) and the histogram counts: the one
/// place the statistics are computed, for every backend.
pub(crate) fn finish(
    p: &Params,
    paths: u64,
    axes: &Axes,
    parts: &[Partial],
    hist: &[u32],
) -> Summary {
    let h = p.horizon as usize;
    let classes = p.classes.len() + p.max_rounds as usize;
    let (ranges, final_axes) = (&axes.months, &axes.finals);
    let (hist_len, _) = counts_layout(h, final_axes.len());
    let mut total = empty_partial(h, classes);
    let mut convergence = vec![];
    let mut samples: Vec<[f32; 12]> = vec![];
    let mut marks = [0.10f64, 0.25, 0.50, 1.0]
        .iter()
        .map(|f| ((f * paths as f64).ceil() as u64).max(1))
        .peekable();
    for (c, part) in parts.iter().enumerate() {
        let c = c as u64;
        merge(&mut total, part);
        samples.extend_from_slice(&part.samples);
        let seen = ((c + 1) * CHUNK).min(paths);
        // Snapshot at the chunk that reaches each fraction (fractions are rounded up to chunks).
        while marks.peek().is_some_and(|m| seen >= *m) {
            marks.next();
            let n = seen as f64;
            if convergence
                .last()
                .is_some_and(|c: &Convergence| c.paths == seen)
            {
                continue;
            }
            convergence.push(Convergence {
                paths: seen,
                p_fail: total.failed as f64 / n,
                exit_value_mean: total.exit.0 / n,
                new_money_mean: total.new_money / n,
                mean_rounds: total.rounds as f64 / n,
            });
        }
    }

    let n = paths as f64;
    let mut fans: Vec<Vec<Fan>> = (0..MEASURES).map(|_| Vec::with_capacity(h)).collect();
    let mut alive_fraction = Vec::with_capacity(h);
    for m in 0..h {
        alive_fraction.push(total.months[m][0].0 as f64 / n);
        for (k, fan) in fans.iter_mut().enumerate() {
            let at = m * MEASURES + k;
            let counts = &hist[at * BINS..(at + 1) * BINS];
            fan.push(fan_of(total.months[m][k], &ranges[at], counts, 0, None));
        }
    }
    let finals: Vec<Fan> = total
        .finals
        .iter()
        .enumerate()
        .map(|(i, (moments, min_pos))| {
            let slots = &hist[hist_len + i * (BINS + 1)..hist_len + (i + 1) * (BINS + 1)];
            fan_of(
                *moments,
                &final_axes[i],
                &slots[..BINS],
                u64::from(slots[BINS]),
                Some(*min_pos),
            )
        })
        .collect();
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
    Summary {
        paths,
        fans,
        alive_fraction,
        p_fail: total.failed as f64 / n,
        unpriceable: total.unpriceable,
        payout_mean,
        payout_se,
        p_raise_within: total.raised.map(|r| r as f64 / n),
        first_raise_month: total.first_raise.iter().map(|c| *c as f64 / n).collect(),
        finals,
        mean_rounds: total.rounds as f64 / n,
        pert_exhausted: total.exhausted,
        exit_value_mean: total.exit.0 / n,
        exit_value_se: if paths > 1 {
            ((total.exit.1 / n - (total.exit.0 / n).powi(2)).max(0.0) / (n - 1.0)).sqrt()
        } else {
            0.0
        },
        new_money_mean: total.new_money / n,
        convergence,
        sensitivity: sensitivity(&samples),
    }
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
        // The exit value at a multiple of 1 is the mark at the horizon: the same distribution.
        assert_eq!(s.finals[0].percentiles, fan.percentiles);
        assert!((s.finals[0].mean - fan.mean).abs() < 1e-9 * fan.mean);
        // One class takes it all.
        assert_eq!(s.finals[4].percentiles, fan.percentiles);
        assert_eq!(s.finals[2].percentiles, [0.0; 5], "no rounds");
        assert_eq!(s.p_fail, 0.0);
        assert!(
            s.first_raise_month.iter().all(|f| *f == 0.0),
            "no raises without burn"
        );
        // The exit pays the mark to the one class, on every path.
        assert!((s.payout_mean[0] - fan.mean).abs() < 1e-6 * fan.mean);
    }

    #[test]
    fn results_do_not_depend_on_the_thread_count_or_the_batch_size() {
        let paths = 3 * CHUNK + 123;
        let p = gbm(paths, 12);
        let one = go(&p, paths, 1);
        assert_eq!(one, go(&p, paths, 2));
        assert_eq!(one, go(&p, paths, 8));
        // ... nor on the batch size.
        for batch in [1, CHUNK, 3 * CHUNK - 5, 10 * CHUNK] {
            let b = run_batched(
                &p,
                paths,
                Some(2),
                Some(batch),
                &AtomicBool::new(false),
                &|_| {},
            )
            .unwrap();
            assert_eq!(one, b, "batch {batch}");
        }
    }

    #[test]
    fn every_value_lies_in_its_bin() {
        for (lo, hi) in [(1.0e6, 1.0e14), (3.0, 7.0), (-5.0, 5.0), (0.5, 1.0e3)] {
            let axis = Axis::new(lo, hi);
            let mut v = lo;
            while v <= hi {
                let (a, z) = axis.edges(axis.bin(v)).unwrap();
                assert!(
                    a <= v && v <= z * (1.0 + 1e-12),
                    "{v} not in [{a}, {z}] on [{lo}, {hi}]"
                );
                // A log-linear bin is at most 1/32 of its value wide at these ranges.
                if axis.log.is_some() {
                    assert!((z - a) / a <= 1.0 / 32.0 + 1e-12, "{a} {z}");
                }
                v = if v > 0.0 { v * 1.37 + 0.01 } else { v + 0.37 };
            }
        }
    }

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[3.0, 1.0, 2.0, 2.0]), vec![4.0, 1.0, 2.5, 2.5]);
        assert_eq!(correlation(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]), Some(1.0));
        assert_eq!(correlation(&[1.0, 1.0, 1.0], &[2.0, 4.0, 6.0]), None);
    }

    #[test]
    fn the_tornado_finds_the_input_that_drives_the_exit() {
        // Everything fixed but the exit multiple and the volatility of the mark: the multiple is
        // a strong driver of the exit value, fixed inputs have no correlation at all.
        let mut p = gbm(20_000, 12);
        p.samplers.exit_multiple = crate::dist::Dist::Uniform { min: 0.5, max: 2.0 }
            .sampler("exit.multiple")
            .unwrap();
        let s = go(&p, 20_000, 2);
        let multiple = s
            .sensitivity
            .iter()
            .find(|x| x.input == "exit.multiple")
            .unwrap();
        assert!(multiple.exit_value.unwrap() > 0.4, "{multiple:?}");
        let price = s
            .sensitivity
            .iter()
            .find(|x| x.input == "compute.gpu_unit_price")
            .unwrap();
        assert_eq!(price.exit_value, None, "a fixed input does not vary");
    }

    #[test]
    fn the_convergence_table_ends_at_the_run_itself() {
        let paths = 5 * CHUNK;
        let p = gbm(paths, 12);
        let s = go(&p, paths, 2);
        let c = &s.convergence;
        assert!(c.len() >= 3, "{c:?}");
        assert!(c.windows(2).all(|w| w[0].paths < w[1].paths));
        let last = c.last().unwrap();
        assert_eq!(last.paths, paths);
        assert_eq!(last.p_fail, s.p_fail);
        assert_eq!(last.exit_value_mean, s.exit_value_mean);
        // At 10% of the paths the mean is already within a few standard errors of the end.
        assert!(
            (c[0].exit_value_mean - s.exit_value_mean).abs()
                < 5.0 * s.exit_value_se * (paths as f64 / c[0].paths as f64).sqrt()
        );
    }

    #[test]
    fn a_cancelled_run_returns_no_result() {
        let p = gbm(10_000, 12);
        let cancel = AtomicBool::new(true);
        assert!(run(&p, 10_000, Some(2), &cancel, &|_| {}).is_err());
    }
}
