//! A stored Monte Carlo run, as the report reads it: the summary JSON that `roundbook
//! simulate` stores in the book (the serialised `roundbook_sim::cpu::Summary`), parsed here so
//! this crate does not depend on the engine. Statistics are floats: they are the simulation's
//! own estimates, never book money.

use serde::Deserialize;

use crate::ReportError;

/// Index of the cash fan in `RunSummary::fans` (the engine's `MEASURE_NAMES` order).
pub const CASH: usize = 0;
/// Index of the valuation mark fan.
pub const MARK: usize = 1;

/// One measure in one month over the paths still alive. A statistic the engine could not
/// compute (no path alive) is stored as null and read as None.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RunFan {
    pub alive: u64,
    pub mean: Option<f64>,
    /// P5, P25, P50, P75, P95.
    pub percentiles: [Option<f64>; 5],
    /// Half a histogram bin: the most a percentile can be off.
    pub bin_error: Option<f64>,
}

/// The parts of a run's summary the report shows.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RunSummary {
    pub paths: u64,
    /// fans[measure][month - 1]
    pub fans: Vec<Vec<RunFan>>,
    pub alive_fraction: Vec<Option<f64>>,
    pub p_fail: f64,
    /// P(at least one raise within 6, 12, 24 months).
    pub p_raise_within: [f64; 3],
    pub mean_rounds: f64,
    pub exit_value_mean: Option<f64>,
    pub exit_value_se: Option<f64>,
    pub new_money_mean: Option<f64>,
    pub unpriceable: u64,
}

impl RunSummary {
    /// Parses a stored summary; an error names the field at fault.
    pub fn from_json(text: &str) -> Result<RunSummary, ReportError> {
        let s: RunSummary = serde_json::from_str(text)
            .map_err(|e| ReportError::input("run.summary", format!("not a run summary: {e}")))?;
        s.check()?;
        Ok(s)
    }

    fn check(&self) -> Result<(), ReportError> {
        if self.fans.len() <= MARK {
            return Err(ReportError::input(
                "run.summary.fans",
                format!(
                    "{} measures; cash and the valuation mark are needed",
                    self.fans.len()
                ),
            ));
        }
        let months = self.fans[CASH].len();
        if months == 0 || self.fans[MARK].len() != months || self.alive_fraction.len() != months {
            return Err(ReportError::input(
                "run.summary.fans",
                "the cash and mark fans and alive_fraction must cover the same months, at least one",
            ));
        }
        let probabilities = [("p_fail", self.p_fail)]
            .into_iter()
            .chain(self.p_raise_within.iter().map(|p| ("p_raise_within", *p)));
        for (field, p) in probabilities {
            if !(0.0..=1.0).contains(&p) {
                return Err(ReportError::input(
                    format!("run.summary.{field}"),
                    format!("{p} is not a probability"),
                ));
            }
        }
        Ok(())
    }

    pub fn horizon_months(&self) -> usize {
        self.fans[CASH].len()
    }
}

/// A stored run and what identifies it.
#[derive(Debug, Clone, PartialEq)]
pub struct MonteCarloRun {
    /// The run's id in the book, when it is stored.
    pub id: Option<i64>,
    pub scenario_sha256: String,
    pub seed: u64,
    pub backend: String,
    pub engine_version: String,
    pub summary: RunSummary,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fan(alive: u64) -> serde_json::Value {
        serde_json::json!({"alive": alive, "mean": 1.0, "se": 0.1,
            "percentiles": [1.0, 2.0, 3.0, 4.0, 5.0], "bin_error": 0.01})
    }

    fn summary(fans: serde_json::Value, alive: serde_json::Value) -> String {
        serde_json::json!({"paths": 10, "fans": fans, "alive_fraction": alive, "p_fail": 0.1,
            "p_raise_within": [0.1, 0.2, 0.3], "mean_rounds": 1.0, "exit_value_mean": 5.0,
            "exit_value_se": 1.0, "new_money_mean": 2.0, "unpriceable": 0, "finals": []})
        .to_string()
    }

    #[test]
    fn reads_nulls_as_missing_statistics() {
        let dead = serde_json::json!({"alive": 0, "mean": null, "se": null,
            "percentiles": [null, null, null, null, null], "bin_error": null});
        let text = summary(
            serde_json::json!([[fan(10), dead.clone()], [fan(10), dead]]),
            serde_json::json!([1.0, 0.0]),
        );
        let s = RunSummary::from_json(&text).unwrap();
        assert_eq!(s.horizon_months(), 2);
        assert_eq!(s.fans[CASH][1].percentiles[2], None);
        assert_eq!(s.fans[MARK][0].percentiles[4], Some(5.0));
    }

    #[test]
    fn bad_summaries_name_the_field() {
        let one_measure = summary(serde_json::json!([[fan(1)]]), serde_json::json!([1.0]));
        let e = RunSummary::from_json(&one_measure).unwrap_err().to_string();
        assert!(e.starts_with("run.summary.fans:"), "{e}");

        let uneven = summary(
            serde_json::json!([[fan(1), fan(1)], [fan(1)]]),
            serde_json::json!([1.0, 1.0]),
        );
        let e = RunSummary::from_json(&uneven).unwrap_err().to_string();
        assert!(e.starts_with("run.summary.fans:"), "{e}");

        let mut v: serde_json::Value = serde_json::from_str(&summary(
            serde_json::json!([[fan(1)], [fan(1)]]),
            serde_json::json!([1.0]),
        ))
        .unwrap();
        v["p_fail"] = serde_json::json!(1.5);
        let e = RunSummary::from_json(&v.to_string())
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("run.summary.p_fail:"), "{e}");

        let e = RunSummary::from_json("{\"paths\": \"many\"}")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("run.summary:"), "{e}");
    }
}
