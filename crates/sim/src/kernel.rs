//! One path of docs/model.md, in f32, step by step. The CPU backend runs it on many threads; the
//! WGSL kernel is its twin. No allocation per path: the caller owns a `Scratch` and reuses it.
//!
//! Decisions where the model is silent (also in docs/sim.md):
//! - Static draw numbers: 0 delivery delay, 1 GPU price, 2 infra ratio, 3 PUE, 4 $/kWh, 5 burn,
//!   6 revenue growth, 7 exit multiple, 8 + e the bernoulli of expansion e (its uniform against
//!   the expansion's probability). Per month m: Z_m is the first Box-Muller normal of the block
//!   at draw m of `Stream::Mark`, U_m the first uniform of the block at draw m of `Stream::Raise`.
//! - capex_next(k) counts the deliveries in months m+1 ..= m+floor(k).
//! - Growth factors (1 + g)^((m-1)/12) are exp(((m-1)/12) ln(1 + g)) with `fmath`; a growth at
//!   or below -100% gives a factor of 0 after month 1.
//! - "Common shares" in the conversion test include participating classes (they share as common).

use crate::dist::{Draw, Sampler};
#[cfg(test)]
use crate::fmath::exp;
use crate::fmath::{exp_lanes, ln, normal_lanes};
use crate::philox::{key, philox4x32_10, philox4x32_10_lanes, uniform, words, Stream, LANES};
use crate::scenario::{Samplers, Scenario};

/// The scenario reduced to f32 numbers and samplers: what the kernel (and its WGSL twin) reads.
#[derive(Debug, Clone)]
pub struct Params {
    pub seed: u64,
    pub horizon: u32,
    pub cash: f32,
    pub post_money: f32,
    pub pool_available: f32,
    /// (shares, preference, participating, seniority) of the starting classes.
    pub classes: Vec<(f32, f32, bool, i32)>,
    pub gpus_installed: f32,
    /// GPUs planned per month (index 0 is month 1), before the path's delay.
    pub planned: Vec<f32>,
    /// (month, gpus, probability) of each possible expansion.
    pub expansions: Vec<(u32, f32, f32)>,
    pub kw_per_gpu: f32,
    pub burn_growth_annual: f32,
    pub revenue_per_month: f32,
    pub trigger: f32,
    pub target: f32,
    pub min_raise: f32,
    pub drift: f32,
    pub vol: f32,
    pub failure_probability: f32,
    pub pool_target: f32,
    pub preference_multiple: f32,
    pub max_rounds: u32,
    pub samplers: Samplers,
}

impl Params {
    /// The mark's log drift and volatility per month, (mu - sigma^2/2) dt and sigma sqrt(dt):
    /// computed once on the host for both backends.
    pub fn steps(&self) -> (f32, f32) {
        let dt = 1.0f32 / 12.0;
        (
            (self.drift - self.vol * self.vol / 2.0) * dt,
            self.vol * dt.sqrt(),
        )
    }

    /// kW per GPU times 730 hours: a GPU's kWh per month before PUE.
    pub fn kwh_per_gpu_month(&self) -> f32 {
        self.kw_per_gpu * 730.0
    }

    /// From a validated scenario with its capitalisation inline.
    pub fn new(s: &Scenario, samplers: Samplers) -> Option<Params> {
        let classes = s.start.classes.as_ref()?;
        let mut planned = vec![0.0f32; s.simulation.horizon_months as usize];
        for d in &s.compute.deliveries {
            planned[(d.month - 1) as usize] += d.gpus as f32;
        }
        Some(Params {
            seed: s.simulation.seed,
            horizon: s.simulation.horizon_months,
            cash: s.start.cash as f32,
            post_money: s.start.post_money as f32,
            pool_available: s.start.pool_available as f32,
            classes: classes
                .iter()
                .map(|c| {
                    (
                        c.shares as f32,
                        c.preference as f32,
                        c.participating,
                        c.seniority,
                    )
                })
                .collect(),
            gpus_installed: s.compute.gpus_installed as f32,
            planned,
            expansions: s
                .compute
                .expansions
                .iter()
                .map(|x| (x.month, x.gpus as f32, x.probability as f32))
                .collect(),
            kw_per_gpu: s.compute.kw_per_gpu as f32,
            burn_growth_annual: s.operations.burn_growth_annual as f32,
            revenue_per_month: s.operations.revenue_per_month as f32,
            trigger: s.funding.trigger_runway_months as f32,
            target: s.funding.target_runway_months as f32,
            min_raise: s.funding.min_raise as f32,
            drift: s.funding.valuation_drift_annual as f32,
            vol: s.funding.valuation_vol_annual as f32,
            failure_probability: s.funding.round_failure_probability as f32,
            pool_target: s.funding.pool_target as f32,
            preference_multiple: s.funding.preference_multiple as f32,
            max_rounds: s.funding.max_rounds,
            samplers,
        })
    }
}

/// One month of one path (docs/model.md step 8).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Month {
    pub cash: f32,
    pub mark: f32,
    pub spend: f32,
    pub fully_diluted: f32,
    pub gpus: f32,
}

/// How a path ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ending {
    /// Alive at the horizon; it exits.
    #[default]
    Exited,
    /// Failed at this month: a round failed, or cash went negative.
    Failed(u32),
    /// Failed at this month because a round could not be priced (t x post/pre >= 1).
    Unpriceable(u32),
}

/// What the statistics need from one path, beyond its months. `Outcome::default()` is a
/// buffer for `run_path` to fill.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outcome {
    pub ending: Ending,
    pub rounds: u32,
    pub first_raise: Option<u32>,
    pub new_money: f32,
    pub exit_value: f32,
    /// Payout per class: the starting classes, then one per round.
    pub payouts: Vec<f32>,
    /// Whether a PERT draw ran out of trials on this path.
    pub pert_exhausted: bool,
    /// The static draws, for sensitivity (in the order of the module doc, 0..8).
    pub inputs: [f32; 8],
}

/// Buffers reused from path to path.
#[derive(Debug, Default)]
pub struct Scratch {
    /// (shares, preference, participating, seniority)
    classes: Vec<(f32, f32, bool, i32)>,
    delivered: Vec<f32>,
    /// delivered, summed over months 1..=m (index m).
    cumulative: Vec<f32>,
    /// Taken expansions: (delivery month, the month it is decided, gpus).
    expansions: Vec<(u32, u32, f32)>,
    converts: Vec<bool>,
    order: Vec<usize>,
    pub months: Vec<Month>,
    /// Per month m (index m - 1): the mark's factor exp(drift + vol z_m), and the burn's and
    /// revenue's growth factors; see `month_block`.
    mark_factor: Vec<f32>,
    burn_growth: Vec<f32>,
    revenue_growth: Vec<f32>,
    /// The (ln(1 + burn growth) bits, horizon) `burn_growth` was computed for: the burn's
    /// growth is a scenario setting, the same on every path, so it is computed once.
    burn_growth_for: Option<(Option<u32>, u32)>,
}

/// The months of block `b`: `LANES` of them from month b * LANES + 1.
fn block_months(b: usize) -> [u32; LANES] {
    let mut months = [0u32; LANES];
    for (i, m) in months.iter_mut().enumerate() {
        *m = (b * LANES + i) as u32 + 1;
    }
    months
}

/// `growth(log, m)` for a block of months, lane by lane: 1 in month 1, 0 without a log, else
/// the exponential, with the one-month form's operations.
fn growth_block(log: Option<f32>, months: [u32; LANES], out: &mut [f32]) {
    let l = log.unwrap_or(0.0);
    let mut x = [0.0; LANES];
    for i in 0..LANES {
        x[i] = (months[i] - 1) as f32 / 12.0 * l;
    }
    let e = exp_lanes(x);
    for i in 0..LANES {
        out[i] = if months[i] == 1 {
            1.0
        } else if log.is_some() {
            e[i]
        } else {
            0.0
        };
    }
}

/// Sizes a path's month factors and fills the burn's growth, a scenario setting the same on
/// every path (computed once per scratch and horizon).
fn prepare_month_factors(p: &Params, burn_log: Option<f32>, scratch: &mut Scratch) {
    let blocks = (p.horizon as usize).div_ceil(LANES);
    scratch.mark_factor.resize(blocks * LANES, 0.0);
    scratch.revenue_growth.resize(blocks * LANES, 0.0);
    let burn_for = Some((burn_log.map(f32::to_bits), p.horizon));
    if scratch.burn_growth_for != burn_for {
        scratch.burn_growth.clear();
        scratch.burn_growth.resize(blocks * LANES, 0.0);
        for b in 0..blocks {
            let at = b * LANES;
            growth_block(
                burn_log,
                block_months(b),
                &mut scratch.burn_growth[at..at + LANES],
            );
        }
        scratch.burn_growth_for = burn_for;
    }
}

/// Fills block `b` of a path's month factors (months b * LANES + 1 ..): what the month loop
/// would compute each month (the Philox draw of the mark's shock, its normal, the
/// exponentials), `LANES` months at once with the same f32 operations in the same order lane by
/// lane, so every factor is bit-identical to the one-month form (and to the GPU kernel's). None
/// depends on the path's state, so the loop fills a block as it enters it; a path that fails
/// early never computes the rest.
fn month_block(
    p: &Params,
    path: u64,
    k: [u32; 2],
    revenue_log: Option<f32>,
    b: usize,
    scratch: &mut Scratch,
) {
    let (drift_step, vol_step) = p.steps();
    let months = block_months(b);
    let w = philox4x32_10_lanes(
        [
            [path as u32; LANES],
            [(path >> 32) as u32; LANES],
            months,
            [Stream::Mark as u32; LANES],
        ],
        k,
    );
    let (mut u1, mut u2) = ([0.0; LANES], [0.0; LANES]);
    for i in 0..LANES {
        u1[i] = uniform(w[0][i]);
        u2[i] = uniform(w[1][i]);
    }
    let z = normal_lanes(u1, u2);
    let mut x = [0.0; LANES];
    for i in 0..LANES {
        x[i] = drift_step + vol_step * z[i];
    }
    let at = b * LANES;
    scratch.mark_factor[at..at + LANES].copy_from_slice(&exp_lanes(x));
    growth_block(
        revenue_log,
        months,
        &mut scratch.revenue_growth[at..at + LANES],
    );
}

/// ln(1 + g), or None when the growth is -100% or worse (the factor is then 0 after month 1).
pub(crate) fn growth_log(g: f32) -> Option<f32> {
    (1.0 + g > 0.0).then(|| ln(1.0 + g))
}

/// (1 + g)^((m - 1)/12) from ln(1 + g): the one-month form `month_block` computes lane by
/// lane (and path.wgsl's twin).
#[cfg(test)]
fn growth(log: Option<f32>, m: u32) -> f32 {
    if m == 1 {
        return 1.0;
    }
    match log {
        Some(l) => exp((m - 1) as f32 / 12.0 * l),
        None => 0.0,
    }
}

/// Runs path `path`; its months are left in `scratch.months` (alive months only).
pub fn run_path(p: &Params, path: u64, scratch: &mut Scratch, outcome: &mut Outcome) {
    let k = key(p.seed);
    let mut exhausted = false;
    let mut draw = |input: u32, s: &Sampler| {
        let d = Draw {
            words: words(p.seed, path, input, Stream::Static),
            key: k,
            path,
            input,
        };
        let (v, out) = s.sample(&d);
        exhausted |= out;
        v
    };
    let sm = &p.samplers;
    let delay_draw = draw(0, &sm.delivery_delay_months);
    let price = draw(1, &sm.gpu_unit_price);
    let infra = draw(2, &sm.infra_ratio);
    let pue = draw(3, &sm.pue);
    let kwh = draw(4, &sm.usd_per_kwh);
    let burn1 = draw(5, &sm.burn_per_month);
    let g = draw(6, &sm.revenue_growth_annual);
    let x = draw(7, &sm.exit_multiple);
    // Round half up, clamped at 0 and at a million months (any delay past the horizon is the
    // same: nothing arrives; the bound keeps the month arithmetic in range).
    let delay = (delay_draw + 0.5).floor().clamp(0.0, 1.0e6) as u32;

    let h = p.horizon;
    scratch.delivered.clear();
    scratch.delivered.resize(h as usize + 1, 0.0);
    for (i, gpus) in p.planned.iter().enumerate() {
        let at = i as u32 + 1 + delay;
        if at <= h {
            scratch.delivered[at as usize] += gpus;
        }
    }
    // Expansions are drawn now, but a path learns of one only in its month e.
    scratch.expansions.clear();
    for (e, (month, gpus, prob)) in p.expansions.iter().enumerate() {
        let w = words(p.seed, path, 8 + e as u32, Stream::Static);
        if uniform(w[0]) < *prob {
            let at = month + delay;
            if at <= h {
                scratch.delivered[at as usize] += gpus;
                scratch.expansions.push((at, *month, *gpus));
            }
        }
    }

    scratch.cumulative.clear();
    let mut running = 0.0f32;
    for d in &scratch.delivered {
        running += d;
        scratch.cumulative.push(running);
    }
    scratch.classes.clear();
    scratch.classes.extend_from_slice(&p.classes);
    scratch.months.clear();
    let mut cash = p.cash;
    let mut mark = p.post_money;
    let mut gpus = p.gpus_installed;
    let mut spend = 0.0f32;
    let mut pool = p.pool_available;
    let mut fd: f32 = p.classes.iter().map(|c| c.0).sum::<f32>() + pool;
    let mut rounds = 0u32;
    let mut first_raise = None;
    let mut new_money = 0.0f32;
    let mut ending = Ending::Exited;
    let capex_per_gpu = price * (1.0 + infra);
    let power_per_gpu = p.kwh_per_gpu_month() * pue * kwh;
    let burn_log = growth_log(p.burn_growth_annual);
    let revenue_log = growth_log(g);

    prepare_month_factors(p, burn_log, scratch);
    for m in 1..=h {
        let ix = m as usize - 1;
        if ix.is_multiple_of(LANES) {
            month_block(p, path, k, revenue_log, ix / LANES, scratch);
        }
        // 1. the mark
        mark *= scratch.mark_factor[ix];
        // 2. deliveries
        let d = scratch.delivered[m as usize];
        gpus += d;
        // 3-6. flows
        let capex = d * capex_per_gpu;
        let power = gpus * power_per_gpu;
        let burn = burn1 * scratch.burn_growth[ix];
        let revenue = p.revenue_per_month * scratch.revenue_growth[ix];
        cash = cash - capex - power - burn + revenue;
        // Left to right, as every sum in the kernel: a shader compiler may reassociate
        // a + (b + c) (Mesa's does), which would break bit-parity with the GPU.
        spend = spend + capex + power;
        // 7. the raise test
        let net = (power + burn - revenue).max(0.0);
        let cumulative = &scratch.cumulative;
        let expansions = &scratch.expansions;
        let capex_next = |months: f32| -> f32 {
            // Clamped at the horizon before the addition, which then cannot overflow.
            // floor(max(k, 0)) capped at h: for a value >= 0 the cast's truncation is the floor
            // (path.wgsl writes floor; the baseline x86-64 target has no floor instruction).
            let last = (m + months.max(0.0).min(h as f32) as u32).min(h);
            let mut units = cumulative[last as usize] - cumulative[m as usize];
            // An expansion not yet decided (its month e > m) is not known to the path.
            for &(at, decided_in, gpus) in expansions.iter() {
                if at > m && at <= last && decided_in > m {
                    units -= gpus;
                }
            }
            units * capex_per_gpu
        };
        if rounds < p.max_rounds && cash < p.trigger * net + capex_next(p.trigger) {
            let uw = philox4x32_10(
                [path as u32, (path >> 32) as u32, m, Stream::Raise as u32],
                k,
            );
            if uniform(uw[0]) < p.failure_probability {
                ending = Ending::Failed(m);
                break;
            }
            let amount = (p.target * net + capex_next(p.target) - cash).max(p.min_raise);
            let pre = mark;
            let post = pre + amount;
            let ratio = p.pool_target * post / pre;
            if ratio >= 1.0 {
                ending = Ending::Unpriceable(m);
                break;
            }
            let top_up = ((p.pool_target * fd * post / pre - pool) / (1.0 - ratio)).max(0.0);
            let price_per_share = pre / (fd + top_up);
            let shares = amount / price_per_share;
            let senior = scratch.classes.iter().map(|c| c.3).max().unwrap_or(0) + 1;
            scratch
                .classes
                .push((shares, amount * p.preference_multiple, false, senior));
            pool += top_up;
            fd = fd + top_up + shares;
            cash += amount;
            mark = post;
            rounds += 1;
            new_money += amount;
            first_raise.get_or_insert(m);
        }
        if cash < 0.0 {
            ending = Ending::Failed(m);
            break;
        }
        // 8. record
        scratch.months.push(Month {
            cash,
            mark,
            spend,
            fully_diluted: fd,
            gpus,
        });
    }

    outcome.payouts.clear();
    outcome.payouts.resize(scratch.classes.len(), 0.0);
    let exit_value = if ending == Ending::Exited {
        mark * x
    } else {
        0.0
    };
    if ending == Ending::Exited {
        waterfall(
            &scratch.classes,
            exit_value,
            &mut scratch.converts,
            &mut scratch.order,
            &mut outcome.payouts,
        );
    }
    outcome.ending = ending;
    outcome.rounds = rounds;
    outcome.first_raise = first_raise;
    outcome.new_money = new_money;
    outcome.exit_value = exit_value;
    outcome.pert_exhausted = exhausted;
    outcome.inputs = [delay_draw, price, infra, pue, kwh, burn1, g, x];
}

/// Pays preferences by seniority (pari passu within a seniority, pro rata to preference) until
/// `e` is exhausted, given which classes convert; the rest to common, converted and
/// participating shares pro rata.
fn pay(classes: &[(f32, f32, bool, i32)], converts: &[bool], e: f32, out: &mut [f32]) {
    for o in out.iter_mut() {
        *o = 0.0;
    }
    let mut left = e;
    // Seniorities, highest first.
    let mut level = i32::MAX;
    loop {
        let next = classes
            .iter()
            .zip(converts)
            .filter(|(c, conv)| !**conv && c.1 > 0.0 && c.3 < level)
            .map(|(c, _)| c.3)
            .max();
        let Some(s) = next else { break };
        level = s;
        let claim: f32 = classes
            .iter()
            .zip(converts)
            .filter(|(c, conv)| !**conv && c.1 > 0.0 && c.3 == s)
            .map(|(c, _)| c.1)
            .sum();
        let paid = claim.min(left);
        for (i, c) in classes.iter().enumerate() {
            if !converts[i] && c.1 > 0.0 && c.3 == s {
                out[i] += paid * (c.1 / claim);
            }
        }
        left -= paid;
        if left <= 0.0 {
            left = 0.0;
            break;
        }
    }
    // The common pool: common (no preference), converted, and participating classes.
    let sharing = |i: usize, c: &(f32, f32, bool, i32)| c.1 == 0.0 || converts[i] || c.2;
    let shares: f32 = classes
        .iter()
        .enumerate()
        .filter(|(i, c)| sharing(*i, c))
        .map(|(_, c)| c.0)
        .sum();
    if shares > 0.0 && left > 0.0 {
        for (i, c) in classes.iter().enumerate() {
            if sharing(i, c) {
                out[i] += left * (c.0 / shares);
            }
        }
    }
}

/// The equilibrium of docs/model.md "Exit and the waterfall": every non-participating
/// preferred class starts taking its preference; in order of increasing preference per share,
/// a class converts when converting pays it more; passes repeat until none converts.
fn waterfall(
    classes: &[(f32, f32, bool, i32)],
    e: f32,
    converts: &mut Vec<bool>,
    order: &mut Vec<usize>,
    out: &mut [f32],
) {
    converts.clear();
    converts.resize(classes.len(), false);
    order.clear();
    order.extend((0..classes.len()).filter(|&i| classes[i].1 > 0.0 && !classes[i].2));
    // A stable insertion sort: the same order as `sort_by` (a stable sort's order is unique),
    // without its set-up cost on the handful of classes a path has.
    let per_share = |i: usize| classes[i].1 / classes[i].0;
    for n in 1..order.len() {
        let mut j = n;
        while j > 0
            && per_share(order[j - 1])
                .total_cmp(&per_share(order[j]))
                .is_gt()
        {
            order.swap(j - 1, j);
            j -= 1;
        }
    }
    // `out` holds pay()'s result for the conversions as they stand; it changes only when a
    // class converts, so it is recomputed only then (the same function of the same inputs).
    let mut paid_for_current = false;
    loop {
        let mut changed = false;
        for &i in order.iter() {
            if converts[i] {
                continue;
            }
            if !paid_for_current {
                pay(classes, converts, e, out);
                paid_for_current = true;
            }
            let as_preference = out[i];
            // Its value if it converts now.
            let prefs_after: f32 = classes
                .iter()
                .enumerate()
                .filter(|(j, c)| *j != i && !converts[*j] && c.1 > 0.0)
                .map(|(_, c)| c.1)
                .sum();
            let common: f32 = classes
                .iter()
                .enumerate()
                .filter(|(j, c)| *j != i && (c.1 == 0.0 || converts[*j] || c.2))
                .map(|(_, c)| c.0)
                .sum();
            let value = classes[i].0 * (e - prefs_after).max(0.0) / (common + classes[i].0);
            if value > as_preference {
                converts[i] = true;
                changed = true;
                paid_for_current = false;
            }
        }
        if !changed {
            break;
        }
    }
    if !paid_for_current {
        pay(classes, converts, e, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic scenario small enough to follow by hand: fixed inputs, no volatility,
    /// no failure.
    const HAND: &str = r#"
[simulation]
paths = 1
horizon_months = 3
seed = 1
[start]
date = "2024-01-01"
cash = 100
post_money = 1000
pool_available = 0
[[start.classes]]
name = "Common"
shares = 90
[[start.classes]]
name = "Seed"
shares = 10
preference = 100
seniority = 1
[compute]
delivery_delay_months = { dist = "fixed", value = 0 }
gpu_unit_price = { dist = "fixed", value = 10 }
infra_ratio = { dist = "fixed", value = 0.5 }
kw_per_gpu = 1
pue = { dist = "fixed", value = 1 }
usd_per_kwh = { dist = "fixed", value = 0.01 }
[[compute.deliveries]]
month = 2
gpus = 1
[operations]
burn_per_month = { dist = "fixed", value = 20 }
revenue_growth_annual = { dist = "fixed", value = 0 }
[funding]
trigger_runway_months = 2
target_runway_months = 6
min_raise = 50
valuation_drift_annual = 0
valuation_vol_annual = 0
round_failure_probability = 0
pool_target = 0.10
max_rounds = 1
[exit]
multiple = { dist = "fixed", value = 2 }
"#;

    fn near(got: f32, want: f64) {
        assert!(
            (f64::from(got) - want).abs() <= 1e-5 * want.abs().max(1.0),
            "{got} vs {want}"
        );
    }

    /// The factors a path computes ahead, LANES months at a time, are bit for bit what the
    /// month loop computed one month at a time before (and what path.wgsl computes), on the
    /// shipped scenario, over horizons that end inside a block of lanes.
    #[test]
    fn the_month_factors_are_the_one_month_forms_bit_for_bit() {
        let s =
            Scenario::parse(include_str!("../../../assets/scenarios/xai-series-b.toml")).unwrap();
        let mut p = Params::new(&s, s.validate().unwrap()).unwrap();
        let mut scratch = Scratch::default();
        for horizon in [1, 7, 8, 9, 48, 61] {
            p.horizon = horizon;
            let (drift, vol) = p.steps();
            for path in [0u64, 1, 99, 1 << 33, u64::MAX] {
                for (g, b) in [(0.8f32, 0.3f32), (-1.0, 0.0), (-0.5, 2.0)] {
                    let (gl, bl) = (growth_log(g), growth_log(b));
                    prepare_month_factors(&p, bl, &mut scratch);
                    for block in 0..(horizon as usize).div_ceil(LANES) {
                        month_block(&p, path, key(p.seed), gl, block, &mut scratch);
                    }
                    for m in 1..=horizon {
                        let w = philox4x32_10(
                            [path as u32, (path >> 32) as u32, m, Stream::Mark as u32],
                            key(p.seed),
                        );
                        let z = crate::fmath::normal(uniform(w[0]), uniform(w[1]));
                        let ix = m as usize - 1;
                        let want = exp(drift + vol * z);
                        assert_eq!(
                            scratch.mark_factor[ix].to_bits(),
                            want.to_bits(),
                            "mark {m}"
                        );
                        assert_eq!(scratch.burn_growth[ix].to_bits(), growth(bl, m).to_bits());
                        assert_eq!(
                            scratch.revenue_growth[ix].to_bits(),
                            growth(gl, m).to_bits()
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn one_path_by_hand_through_every_step_of_model_md() {
        let s = Scenario::parse(HAND).unwrap();
        let p = Params::new(&s, s.validate().unwrap()).unwrap();
        let mut scratch = Scratch::default();
        let mut o = Outcome::default();
        run_path(&p, 0, &mut scratch, &mut o);
        let m = &scratch.months;
        assert_eq!(m.len(), 3);
        // Month 1: no GPUs; burn 20: cash 80. Raise test: 80 >= 2 x 20 + capex of month 2's GPU
        // (1 x $10 x 1.5 = 15) = 55: no raise.
        near(m[0].cash, 80.0);
        near(m[0].mark, 1000.0);
        near(m[0].fully_diluted, 100.0);
        // Month 2: one GPU delivered: capex 15, power 1 x 1 kW x PUE 1 x 730 h x $0.01 = 7.3,
        // burn 20: cash 37.7 < 2 x 27.3 = 54.6 -> raise A = max(6 x 27.3 - 37.7, 50) = 126.1 at
        // pre 1000, post 1126.1. Pool top-up to 10%: dP = (0.1 x 100 x 1.1261) / (1 - 0.11261)
        // = 12.690023...; price = 1000 / 112.690023 = 8.873900...; S = 126.1 / price = 14.210209.
        let t = 0.1 * 1126.1 / 1000.0;
        let dp = 0.1 * 100.0 * 1.1261 / (1.0 - t);
        let price = 1000.0 / (100.0 + dp);
        let s_new = 126.1 / price;
        near(m[1].cash, 37.7 + 126.1);
        near(m[1].spend, 22.3);
        near(m[1].mark, 1126.1);
        near(m[1].fully_diluted, 100.0 + dp + s_new);
        near(m[1].gpus, 1.0);
        assert_eq!((o.rounds, o.first_raise), (1, Some(2)));
        near(o.new_money, 126.1);
        // Month 3: power 7.3 and burn 20 again; no more rounds allowed.
        near(m[2].cash, 163.8 - 27.3);
        near(m[2].spend, 29.6);
        // Exit: E = 1126.1 x 2. The round's class (8.87 a share) and then the Seed (10 a share)
        // both do better converting, so all 114.21 common-equivalent shares share E.
        assert_eq!(o.ending, Ending::Exited);
        let e = 2252.2;
        near(o.exit_value, e);
        let total = 90.0 + 10.0 + s_new;
        near(o.payouts[0], e * 90.0 / total);
        near(o.payouts[1], e * 10.0 / total);
        near(o.payouts[2], e * s_new / total);
        near(o.payouts.iter().sum::<f32>(), e);
    }

    #[test]
    fn a_low_exit_pays_preferences_by_seniority_first() {
        // Classes: common 90, Seed 10 shares with a 100 preference (seniority 1), Series 14 shares
        // with a 126.1 preference (seniority 2). At E = 150 the Series takes 126.1, the Seed the
        // remaining 23.9, common nothing; converting would pay either less.
        let classes = [
            (90.0f32, 0.0f32, false, 0),
            (10.0, 100.0, false, 1),
            (14.0, 126.1, false, 2),
        ];
        let mut out = [0.0f32; 3];
        waterfall(&classes, 150.0, &mut vec![], &mut vec![], &mut out);
        near(out[2], 126.1);
        near(out[1], 23.9);
        near(out[0], 0.0);
    }

    #[test]
    fn a_failed_round_ends_the_path_with_no_exit() {
        let s = Scenario::parse(&HAND.replace(
            "round_failure_probability = 0",
            "round_failure_probability = 1",
        ))
        .unwrap();
        let p = Params::new(&s, s.validate().unwrap()).unwrap();
        let mut scratch = Scratch::default();
        let mut o = Outcome::default();
        run_path(&p, 0, &mut scratch, &mut o);
        assert_eq!(o.ending, Ending::Failed(2));
        assert_eq!(
            scratch.months.len(),
            1,
            "month 2 is not recorded: the path failed in it"
        );
        assert_eq!(o.exit_value, 0.0);
        assert!(o.payouts.iter().all(|p| *p == 0.0));
    }
}
