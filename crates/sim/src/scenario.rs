//! A scenario file (docs/model.md "Inputs"): TOML, or JSON, with the section and field names of the
//! contract. Parsing refuses unknown fields; `validate` checks every parameter and names the
//! field path of the first error (`compute.pue.max`, `compute.deliveries[2].gpus`).
//!
//! Decisions where the model is silent (docs/sim.md, "Parameters"):
//! - `kw_per_gpu`, `burn_growth_annual` and `revenue_per_month` are plain numbers (docs/model.md
//!   gives them no distribution); every input docs/model.md calls a Dist is one.
//! - Without `[[start.classes]]` the capitalisation is taken from the book as of `start.date`.
//! - `funding.target_runway_months` must be at least `funding.trigger_runway_months`.

use serde::{Deserialize, Serialize};

use crate::dist::{Dist, FieldError, Sampler};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub simulation: Simulation,
    pub start: Start,
    pub compute: Compute,
    pub operations: Operations,
    pub funding: Funding,
    pub exit: Exit,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    #[default]
    Auto,
    Cpu,
    Gpu,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Simulation {
    pub paths: u64,
    pub horizon_months: u32,
    pub seed: u64,
    #[serde(default)]
    pub backend: Backend,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Start {
    /// YYYY-MM-DD: the month the projection starts after, and the book's as-of date.
    pub date: String,
    pub cash: f64,
    /// The valuation mark V0.
    pub post_money: f64,
    /// Inline capitalisation; absent: taken from the book as of `date`.
    #[serde(default)]
    pub classes: Option<Vec<StartClass>>,
    #[serde(default)]
    pub pool_available: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartClass {
    pub name: String,
    pub shares: f64,
    /// Liquidation preference in money (0 for common).
    #[serde(default)]
    pub preference: f64,
    #[serde(default)]
    pub participating: bool,
    /// Higher is paid first; equal is pari passu.
    #[serde(default)]
    pub seniority: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compute {
    #[serde(default)]
    pub gpus_installed: f64,
    #[serde(default)]
    pub deliveries: Vec<Delivery>,
    pub delivery_delay_months: Dist,
    pub gpu_unit_price: Dist,
    pub infra_ratio: Dist,
    pub kw_per_gpu: f64,
    pub pue: Dist,
    pub usd_per_kwh: Dist,
    #[serde(default)]
    pub expansions: Vec<Expansion>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    pub month: u32,
    pub gpus: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expansion {
    pub month: u32,
    pub gpus: f64,
    pub probability: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operations {
    pub burn_per_month: Dist,
    #[serde(default)]
    pub burn_growth_annual: f64,
    #[serde(default)]
    pub revenue_per_month: f64,
    pub revenue_growth_annual: Dist,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Funding {
    pub trigger_runway_months: f64,
    pub target_runway_months: f64,
    pub min_raise: f64,
    pub valuation_drift_annual: f64,
    pub valuation_vol_annual: f64,
    pub round_failure_probability: f64,
    pub pool_target: f64,
    #[serde(default = "one")]
    pub preference_multiple: f64,
    pub max_rounds: u32,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exit {
    pub multiple: Dist,
}

/// The most paths one run may have (docs/model.md "Inputs").
pub const MAX_PATHS: u64 = 1_000_000_000;
/// The longest horizon (docs/model.md "Units and time"), in months.
pub const MAX_HORIZON: u32 = 240;
/// The most classes a path carries: the start classes plus one per possible round. The GPU
/// kernel holds this many; the CPU engine's cost grows with the cube of it, so both stop here.
pub const MAX_CLASSES: usize = 32;
/// The most expansion options (the GPU kernel's table).
pub const MAX_EXPANSIONS: usize = 16;
/// The most scheduled deliveries.
pub const MAX_DELIVERIES: usize = 1_000;
/// The most paths one batch holds in memory at once, and the most CPU threads.
pub const MAX_BATCH: u64 = 1 << 24;
pub const MAX_THREADS: usize = 256;

/// A scenario's parse or validation error: the field path and what is wrong.
pub type ScenarioError = FieldError;

/// The checked distributions, in the order of static draws (docs/model.md "Random numbers").
#[derive(Debug, Clone, PartialEq)]
pub struct Samplers {
    pub delivery_delay_months: Sampler,
    pub gpu_unit_price: Sampler,
    pub infra_ratio: Sampler,
    pub pue: Sampler,
    pub usd_per_kwh: Sampler,
    pub burn_per_month: Sampler,
    pub revenue_growth_annual: Sampler,
    pub exit_multiple: Sampler,
}

fn at(path: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        path: path.to_string(),
        message: message.into(),
    }
}

/// A number the engine can hold: finite in f32, where the kernels compute (3.5e38 is a finite
/// f64 and an infinite f32).
fn finite(path: &str, v: f64) -> Result<f64, FieldError> {
    if v.is_finite() && v.abs() <= f64::from(f32::MAX) {
        Ok(v)
    } else {
        Err(at(
            path,
            format!("{v} is not a finite number the engine holds (at most 3.4e38 in size)"),
        ))
    }
}

fn at_least(path: &str, v: f64, min: f64) -> Result<f64, FieldError> {
    if finite(path, v)? < min {
        return Err(at(path, format!("{v} is below {min}")));
    }
    Ok(v)
}

fn fraction(path: &str, v: f64) -> Result<f64, FieldError> {
    if !(0.0..=1.0).contains(&finite(path, v)?) {
        return Err(at(path, format!("{v} is outside [0, 1]")));
    }
    Ok(v)
}

impl Scenario {
    /// Reads TOML, or JSON when the text starts with `{`.
    pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| {
                at(
                    &format!("line {} column {}", e.line(), e.column()),
                    e.to_string(),
                )
            })
        } else {
            toml::from_str(text).map_err(|e| {
                let message = e.message().to_string();
                let place = e.span().map(|s| {
                    let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                    format!("line {line}")
                });
                at(&place.unwrap_or_else(|| "scenario".into()), message)
            })
        }
    }

    /// Checks every parameter; the first error names its field path.
    pub fn validate(&self) -> Result<Samplers, ScenarioError> {
        let s = &self.simulation;
        if s.paths == 0 || s.paths > MAX_PATHS {
            return Err(at(
                "simulation.paths",
                format!("{} is outside 1..={MAX_PATHS}", s.paths),
            ));
        }
        if s.horizon_months == 0 || s.horizon_months > MAX_HORIZON {
            return Err(at(
                "simulation.horizon_months",
                format!("{} is outside 1..={MAX_HORIZON}", s.horizon_months),
            ));
        }
        let st = &self.start;
        if chrono_like_date(&st.date).is_none() {
            return Err(at(
                "start.date",
                format!("'{}' is not a date (YYYY-MM-DD)", st.date),
            ));
        }
        at_least("start.cash", st.cash, 0.0)?;
        if finite("start.post_money", st.post_money)? <= 0.0 {
            return Err(at("start.post_money", "must be greater than zero"));
        }
        at_least("start.pool_available", st.pool_available, 0.0)?;
        if let Some(classes) = &st.classes {
            if classes.is_empty() {
                return Err(at(
                    "start.classes",
                    "give at least one class, or none to take them from the book",
                ));
            }
            for (i, c) in classes.iter().enumerate() {
                let p = format!("start.classes[{i}]");
                if c.name.trim().is_empty() {
                    return Err(at(&format!("{p}.name"), "cannot be empty"));
                }
                if finite(&format!("{p}.shares"), c.shares)? <= 0.0 {
                    return Err(at(&format!("{p}.shares"), "must be greater than zero"));
                }
                at_least(&format!("{p}.preference"), c.preference, 0.0)?;
            }
        }
        self.check_classes()?;
        let c = &self.compute;
        at_least("compute.gpus_installed", c.gpus_installed, 0.0)?;
        if c.deliveries.len() > MAX_DELIVERIES {
            return Err(at(
                "compute.deliveries",
                format!(
                    "{} deliveries; at most {MAX_DELIVERIES}",
                    c.deliveries.len()
                ),
            ));
        }
        if c.expansions.len() > MAX_EXPANSIONS {
            return Err(at(
                "compute.expansions",
                format!(
                    "{} expansions; at most {MAX_EXPANSIONS}",
                    c.expansions.len()
                ),
            ));
        }
        for (i, d) in c.deliveries.iter().enumerate() {
            if d.month == 0 || d.month > s.horizon_months {
                return Err(at(
                    &format!("compute.deliveries[{i}].month"),
                    format!("{} is outside 1..={}", d.month, s.horizon_months),
                ));
            }
            if finite(&format!("compute.deliveries[{i}].gpus"), d.gpus)? <= 0.0 {
                return Err(at(
                    &format!("compute.deliveries[{i}].gpus"),
                    "must be greater than zero",
                ));
            }
        }
        for (i, x) in c.expansions.iter().enumerate() {
            if x.month == 0 || x.month > s.horizon_months {
                return Err(at(
                    &format!("compute.expansions[{i}].month"),
                    format!("{} is outside 1..={}", x.month, s.horizon_months),
                ));
            }
            if finite(&format!("compute.expansions[{i}].gpus"), x.gpus)? <= 0.0 {
                return Err(at(
                    &format!("compute.expansions[{i}].gpus"),
                    "must be greater than zero",
                ));
            }
            fraction(
                &format!("compute.expansions[{i}].probability"),
                x.probability,
            )?;
        }
        if finite("compute.kw_per_gpu", c.kw_per_gpu)? <= 0.0 {
            return Err(at("compute.kw_per_gpu", "must be greater than zero"));
        }
        let o = &self.operations;
        at_least("operations.burn_growth_annual", o.burn_growth_annual, -1.0)?;
        at_least("operations.revenue_per_month", o.revenue_per_month, 0.0)?;
        let f = &self.funding;
        at_least(
            "funding.trigger_runway_months",
            f.trigger_runway_months,
            0.0,
        )?;
        if at_least("funding.target_runway_months", f.target_runway_months, 0.0)?
            < f.trigger_runway_months
        {
            return Err(at(
                "funding.target_runway_months",
                "must be at least trigger_runway_months",
            ));
        }
        at_least("funding.min_raise", f.min_raise, 0.0)?;
        finite("funding.valuation_drift_annual", f.valuation_drift_annual)?;
        at_least("funding.valuation_vol_annual", f.valuation_vol_annual, 0.0)?;
        fraction(
            "funding.round_failure_probability",
            f.round_failure_probability,
        )?;
        if !(0.0..1.0).contains(&finite("funding.pool_target", f.pool_target)?) {
            return Err(at(
                "funding.pool_target",
                format!("{} is outside [0, 1)", f.pool_target),
            ));
        }
        at_least("funding.preference_multiple", f.preference_multiple, 0.0)?;
        Ok(Samplers {
            delivery_delay_months: c
                .delivery_delay_months
                .sampler("compute.delivery_delay_months")?,
            gpu_unit_price: c.gpu_unit_price.sampler("compute.gpu_unit_price")?,
            infra_ratio: c.infra_ratio.sampler("compute.infra_ratio")?,
            pue: c.pue.sampler("compute.pue")?,
            usd_per_kwh: c.usd_per_kwh.sampler("compute.usd_per_kwh")?,
            burn_per_month: o.burn_per_month.sampler("operations.burn_per_month")?,
            revenue_growth_annual: o
                .revenue_growth_annual
                .sampler("operations.revenue_growth_annual")?,
            exit_multiple: self.exit.multiple.sampler("exit.multiple")?,
        })
    }
}

impl Scenario {
    /// The start classes (when the scenario lists them, or once the book's are filled in) and
    /// the rounds a path may raise, each a class, within what one path carries.
    pub fn check_classes(&self) -> Result<(), ScenarioError> {
        let rounds = self.funding.max_rounds as usize;
        if rounds >= MAX_CLASSES {
            return Err(at(
                "funding.max_rounds",
                format!(
                    "{rounds} is more rounds than a path carries classes ({MAX_CLASSES} with the start classes)"
                ),
            ));
        }
        let start = self.start.classes.as_ref().map_or(0, Vec::len);
        if start + rounds > MAX_CLASSES {
            return Err(at(
                "start.classes",
                format!(
                    "{start} start classes plus funding.max_rounds ({rounds}) is {}; a path carries at most {MAX_CLASSES}",
                    start + rounds
                ),
            ));
        }
        Ok(())
    }
}

/// A YYYY-MM-DD date's (year, month, day), checked without a date library.
fn chrono_like_date(s: &str) -> Option<(i32, u32, u32)> {
    // The book's grammar (roundbook_ledger::calendar): four digits, two, two.
    let mut it = s.trim().split('-');
    let (y, m, d) = (it.next()?, it.next()?, it.next()?);
    let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
    if it.next().is_some() || !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
        return None;
    }
    let (y, m, d): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1..=12).contains(&m) || d == 0 {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][(m - 1) as usize];
    (d <= days).then_some((y, m, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
[simulation]
paths = 100000
horizon_months = 48
seed = 2024

[start]
date = "2024-05-26"
cash = 6000000000
post_money = 24000000000
pool_available = 80000000
[[start.classes]]
name = "Common"
shares = 1000000000
[[start.classes]]
name = "Series B Preferred"
shares = 400000000
preference = 6000000000
seniority = 2

[compute]
gpus_installed = 0
delivery_delay_months = { dist = "pert", min = 0, mode = 1, max = 4 }
gpu_unit_price = { dist = "pert", min = 24000, mode = 30000, max = 42000 }
infra_ratio = { dist = "triangular", min = 0.4, mode = 0.6, max = 0.9 }
kw_per_gpu = 1.275
pue = { dist = "triangular", min = 1.1, mode = 1.2, max = 1.58 }
usd_per_kwh = { dist = "triangular", min = 0.05, mode = 0.08, max = 0.12 }
[[compute.deliveries]]
month = 2
gpus = 50000
[[compute.deliveries]]
month = 3
gpus = 50000
[[compute.expansions]]
month = 5
gpus = 100000
probability = 0.6

[operations]
burn_per_month = { dist = "uniform", min = 50000000, max = 100000000 }
burn_growth_annual = 0.5
revenue_per_month = 10000000
revenue_growth_annual = { dist = "lognormal", median = 2.0, p95 = 6.0 }

[funding]
trigger_runway_months = 6
target_runway_months = 18
min_raise = 1000000000
valuation_drift_annual = 0.3
valuation_vol_annual = 0.6
round_failure_probability = 0.1
pool_target = 0.05
max_rounds = 4

[exit]
multiple = { dist = "lognormal", median = 1.0, p95 = 3.0 }
"#;

    #[test]
    fn a_full_scenario_parses_and_validates() {
        let s = Scenario::parse(EXAMPLE).unwrap();
        assert_eq!(s.simulation.paths, 100_000);
        assert_eq!(s.funding.preference_multiple, 1.0, "the default multiple");
        assert_eq!(s.compute.deliveries.len(), 2);
        s.validate().unwrap();
        // JSON with the same fields is accepted.
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(Scenario::parse(&json).unwrap(), s);
    }

    #[test]
    fn every_invalid_parameter_names_its_field_path() {
        let cases = [
            ("paths = 100000", "paths = 0", "simulation.paths"),
            (
                "horizon_months = 48",
                "horizon_months = 241",
                "simulation.horizon_months",
            ),
            (
                "pue = { dist = \"triangular\", min = 1.1, mode = 1.2, max = 1.58 }",
                "pue = { dist = \"uniform\", min = 1.3, max = 1.2 }",
                "compute.pue.max",
            ),
            (
                "month = 3\ngpus = 50000",
                "month = 3\ngpus = -5",
                "compute.deliveries[1].gpus",
            ),
            ("month = 2\n", "month = 99\n", "compute.deliveries[0].month"),
            (
                "probability = 0.6",
                "probability = 1.6",
                "compute.expansions[0].probability",
            ),
            (
                "pool_target = 0.05",
                "pool_target = 1.0",
                "funding.pool_target",
            ),
            (
                "round_failure_probability = 0.1",
                "round_failure_probability = -0.1",
                "funding.round_failure_probability",
            ),
            (
                "target_runway_months = 18",
                "target_runway_months = 3",
                "funding.target_runway_months",
            ),
            (
                "median = 1.0, p95 = 3.0",
                "median = 1.0, p95 = 0.5",
                "exit.multiple.p95",
            ),
            (
                "date = \"2024-05-26\"",
                "date = \"2024-02-30\"",
                "start.date",
            ),
            (
                "post_money = 24000000000",
                "post_money = 0",
                "start.post_money",
            ),
            ("kw_per_gpu = 1.275", "kw_per_gpu = 0", "compute.kw_per_gpu"),
        ];
        for (from, to, path) in cases {
            assert!(EXAMPLE.contains(from), "{from}");
            let text = EXAMPLE.replacen(from, to, 1);
            let s = Scenario::parse(&text).unwrap_or_else(|e| panic!("{to}: {e}"));
            assert_eq!(s.validate().unwrap_err().path, path, "{to}");
        }
    }

    #[test]
    fn unknown_fields_and_bad_syntax_are_refused_with_a_place() {
        let e = Scenario::parse(&EXAMPLE.replacen("seed = 2024", "seed = 2024\nsede = 1", 1))
            .unwrap_err();
        assert!(e.message.contains("sede"), "{e}");
        assert!(e.path.starts_with("line "), "{e}");
        let e = Scenario::parse(&EXAMPLE.replacen("seed = 2024", "seed = ", 1)).unwrap_err();
        assert!(e.path.starts_with("line "), "{e}");
    }
}

#[cfg(test)]
mod shipped {
    use super::*;

    #[test]
    fn the_shipped_xai_scenario_parses_and_validates() {
        let s =
            Scenario::parse(include_str!("../../../assets/scenarios/xai-series-b.toml")).unwrap();
        s.validate().unwrap();
        assert_eq!(
            s.start.post_money, 24_000_000_000.0,
            "the public post-money"
        );
        assert_eq!(s.start.cash, 6_000_000_000.0, "the public amount raised");
        let gpus: f64 = s.compute.deliveries.iter().map(|d| d.gpus).sum();
        assert_eq!(gpus, 100_000.0, "Colossus's public ~100,000 H100");
    }
}
