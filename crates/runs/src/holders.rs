//! Per-holder results of a run on the book's capitalisation (docs/model.md "Holders":
//! ownership = shares / F at the horizon; a holder's payout is its part of each class's payout).

use roundbook_sim::cpu::Summary;
use serde::Serialize;

use crate::capitalisation::Holder;

/// The measure index of fully diluted shares in `Summary::fans`.
const FULLY_DILUTED: usize = 3;
/// `Summary::finals` holds exit value, new money, rounds and total spend before the classes.
const FIRST_CLASS_FINAL: usize = 4;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ownership {
    // NaN, which serialises as null, where no path survives.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub p5: f64,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub p50: f64,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub p95: f64,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HolderResult {
    pub holder: String,
    /// P5, P25, P50, P75, P95 of the exit payout, for a holder in one class only (its payout is
    /// a fixed part of that class's, so the distribution scales); None for several classes,
    /// where only the means add up.
    pub exit_payout_percentiles: Option<[f64; 5]>,
    pub fully_diluted_shares: u64,
    /// Ownership of fully diluted shares at the horizon; null (NaN) where no path survives.
    pub ownership_at_horizon: Ownership,
    pub exit_payout_mean: f64,
    /// The holder's parts of the classes' standard errors, summed: an upper bound on its own.
    pub exit_payout_se_bound: f64,
}

/// Each holder's ownership at the horizon and exit payout, from the run's summary.
pub fn holder_results(
    holders: &[Holder],
    summary: &Summary,
    horizon_months: u32,
) -> Vec<HolderResult> {
    let Some(fd) = summary
        .fans
        .get(FULLY_DILUTED)
        .and_then(|f| f.get(horizon_months as usize - 1))
    else {
        return vec![];
    };
    holders
        .iter()
        .map(|x| {
            let own = |f: f64| {
                if f > 0.0 {
                    x.fully_diluted as f64 / f
                } else {
                    f64::NAN
                }
            };
            let weighted = |per_class: &[f64]| -> f64 {
                x.parts
                    .iter()
                    .map(|(i, part)| part * per_class.get(*i).copied().unwrap_or(0.0))
                    .sum()
            };
            let percentiles = match x.parts.as_slice() {
                [(i, part)] => summary
                    .finals
                    .get(FIRST_CLASS_FINAL + i)
                    .map(|f| f.percentiles.map(|q| q * part)),
                _ => None,
            };
            HolderResult {
                holder: x.name.clone(),
                exit_payout_percentiles: percentiles,
                fully_diluted_shares: x.fully_diluted,
                // More shares outstanding means a smaller stake: P5 of ownership is shares / P95 of F.
                ownership_at_horizon: Ownership {
                    p5: own(fd.percentiles[4]),
                    p50: own(fd.percentiles[2]),
                    p95: own(fd.percentiles[0]),
                },
                exit_payout_mean: weighted(&summary.payout_mean),
                exit_payout_se_bound: weighted(&summary.payout_se),
            }
        })
        .collect()
}
