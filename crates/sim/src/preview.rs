//! A preview of a scenario's distributions while it is being edited: for each distribution
//! field, its kind and parameters, a few thousand draws from the engine's own samplers, a
//! histogram and P5/P50/P95. No new maths: the draws are exactly those the first paths of a
//! run make for that input (the same seed, draw index and Philox stream), so what the preview
//! shows is what the run will draw.
//!
//! Each field is read on its own, so one bad field gets its own field-path error and the
//! others still show.

use serde::Serialize;

use crate::cpu::INPUT_NAMES;
use crate::dist::{Dist, Draw, FieldError, Sampler};
use crate::philox::{key, words, Stream};

/// Draws per preview: enough for a stable histogram, few enough to redraw on every keystroke.
pub const PREVIEW_SAMPLES: u64 = 4096;
/// Histogram bins per preview.
pub const PREVIEW_BINS: usize = 24;

/// Draws `n` values of static input `input` (its index in `INPUT_NAMES`) for paths 0..n, as
/// the kernel draws them.
pub fn sample(sampler: &Sampler, seed: u64, input: u32, n: u64) -> Vec<f32> {
    let k = key(seed);
    (0..n)
        .map(|path| {
            let d = Draw {
                words: words(seed, path, input, Stream::Static),
                key: k,
                path,
                input,
            };
            sampler.sample(&d).0
        })
        .collect()
}

/// Counts over equal-width bins from `min` to `max` (one bin when every draw is the same).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    pub min: f64,
    pub max: f64,
    pub counts: Vec<u64>,
}

/// What the draws of one distribution look like.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Drawn {
    pub samples: u64,
    pub mean: f64,
    /// P5, P50, P95 by nearest rank.
    pub percentiles: [f64; 3],
    pub histogram: Histogram,
}

/// One distribution field of the scenario: its draws, or why it cannot be drawn.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldPreview {
    /// Where it sits in the scenario (`compute.pue`).
    pub path: String,
    /// Its kind and parameters as written (`{"dist": "triangular", "min": 1.1, ...}`).
    pub dist: Option<Dist>,
    pub drawn: Option<Drawn>,
    /// The field's error, naming the exact field path (`compute.pue.max`).
    pub error: Option<PreviewError>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreviewError {
    pub path: String,
    pub message: String,
}

impl From<FieldError> for PreviewError {
    fn from(e: FieldError) -> Self {
        PreviewError {
            path: e.path,
            message: e.message,
        }
    }
}

/// The whole preview: the seed the draws used, and one entry per distribution field.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Preview {
    pub seed: u64,
    pub fields: Vec<FieldPreview>,
}

/// Summarises draws: mean, nearest-rank percentiles, a histogram of `bins` bins.
pub fn describe(draws: &[f32], bins: usize) -> Option<Drawn> {
    let mut x: Vec<f64> = draws.iter().map(|v| f64::from(*v)).collect();
    if x.is_empty() || bins == 0 {
        return None;
    }
    x.sort_by(f64::total_cmp);
    let n = x.len();
    let rank = |q: f64| x[((q * n as f64).ceil() as usize).clamp(1, n) - 1];
    let (min, max) = (x[0], x[n - 1]);
    let bins = if max > min { bins } else { 1 };
    let width = (max - min) / bins as f64;
    let mut counts = vec![0u64; bins];
    for v in &x {
        let i = if width > 0.0 {
            (((v - min) / width) as usize).min(bins - 1)
        } else {
            0
        };
        counts[i] += 1;
    }
    Some(Drawn {
        samples: n as u64,
        mean: x.iter().sum::<f64>() / n as f64,
        percentiles: [rank(0.05), rank(0.50), rank(0.95)],
        histogram: Histogram { min, max, counts },
    })
}

/// The scenario text as a JSON tree, whichever of TOML or JSON it is written in.
fn tree(text: &str) -> Result<serde_json::Value, PreviewError> {
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| PreviewError {
            path: format!("line {} column {}", e.line(), e.column()),
            message: e.to_string(),
        })
    } else {
        let v: toml::Value = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            PreviewError {
                path: line.map_or_else(|| "scenario".into(), |l| format!("line {l}")),
                message: e.message().to_string(),
            }
        })?;
        serde_json::to_value(v).map_err(|e| PreviewError {
            path: "scenario".into(),
            message: e.to_string(),
        })
    }
}

fn field(path: &str, root: &serde_json::Value, seed: u64, input: u32, n: u64) -> FieldPreview {
    let at = |message: String| PreviewError {
        path: path.into(),
        message,
    };
    let node = path.split('.').try_fold(root, |v, part| v.get(part));
    let dist = node
        .ok_or_else(|| at("missing: every distribution field is required".into()))
        .and_then(|v| serde_json::from_value::<Dist>(v.clone()).map_err(|e| at(e.to_string())));
    let dist = match dist {
        Ok(d) => d,
        Err(e) => {
            return FieldPreview {
                path: path.into(),
                dist: None,
                drawn: None,
                error: Some(e),
            }
        }
    };
    match dist.sampler(path) {
        Ok(s) => FieldPreview {
            path: path.into(),
            drawn: describe(&sample(&s, seed, input, n), PREVIEW_BINS),
            dist: Some(dist),
            error: None,
        },
        Err(e) => FieldPreview {
            path: path.into(),
            dist: Some(dist),
            drawn: None,
            error: Some(e.into()),
        },
    }
}

/// Previews every distribution field of the scenario `text` with `n` draws each. Only a text
/// that is not TOML or JSON at all is an error; a bad field is reported in its own entry.
pub fn preview(text: &str, n: u64) -> Result<Preview, PreviewError> {
    let root = tree(text)?;
    // The scenario's own seed, so the preview shows the run's draws; 0 until one is written.
    let seed = root
        .get("simulation")
        .and_then(|s| s.get("seed"))
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0);
    let fields = INPUT_NAMES
        .iter()
        .zip(0u32..)
        .map(|(path, input)| field(path, &root, seed, input, n))
        .collect();
    Ok(Preview { seed, fields })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../../assets/scenarios/xai-series-b.toml");

    fn with(path_line: &str, dist: &str) -> String {
        // Replaces the shipped scenario's line for one field.
        let start = SHIPPED.find(&format!("\n{path_line} = ")).unwrap() + 1;
        let end = start + SHIPPED[start..].find('\n').unwrap();
        format!(
            "{}{path_line} = {dist}{}",
            &SHIPPED[..start],
            &SHIPPED[end..]
        )
    }

    fn pue(text: &str) -> FieldPreview {
        let p = preview(text, PREVIEW_SAMPLES).unwrap();
        p.fields
            .into_iter()
            .find(|f| f.path == "compute.pue")
            .unwrap()
    }

    /// The sample mean is within 5 standard errors of the closed form.
    fn mean_is(f: &FieldPreview, want: f64, variance: f64) {
        let d = f.drawn.as_ref().unwrap();
        let se = (variance / d.samples as f64).sqrt();
        assert!(
            (d.mean - want).abs() < 5.0 * se,
            "{}: {} vs {want}",
            f.path,
            d.mean
        );
    }

    #[test]
    fn every_distribution_field_of_the_shipped_scenario_is_drawn() {
        let p = preview(SHIPPED, PREVIEW_SAMPLES).unwrap();
        let paths: Vec<&str> = p.fields.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, INPUT_NAMES);
        assert_eq!(p.seed, 20_240_526, "the scenario's own seed");
        for f in &p.fields {
            assert!(f.error.is_none(), "{f:?}");
            let d = f.drawn.as_ref().unwrap();
            assert_eq!(d.samples, PREVIEW_SAMPLES);
            assert_eq!(d.histogram.counts.iter().sum::<u64>(), PREVIEW_SAMPLES);
            let [p5, p50, p95] = d.percentiles;
            assert!(d.histogram.min <= p5 && p5 <= p50 && p50 <= p95 && p95 <= d.histogram.max);
        }
    }

    #[test]
    fn uniform_mean_is_the_midpoint() {
        // Uniform(a, b): mean (a + b)/2, variance (b - a)^2/12.
        let f = pue(&with("pue", "{ dist = \"uniform\", min = 1.1, max = 1.5 }"));
        mean_is(&f, 1.3, 0.16 / 12.0);
        let h = &f.drawn.as_ref().unwrap().histogram;
        assert!(h.min >= 1.1 - 1e-6 && h.max <= 1.5 + 1e-6);
    }

    #[test]
    fn triangular_mean_is_a_plus_b_plus_c_over_three() {
        let (a, c, b) = (1.1f64, 1.2, 1.58);
        let f = pue(&with(
            "pue",
            &format!("{{ dist = \"triangular\", min = {a}, mode = {c}, max = {b} }}"),
        ));
        let var = (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
        mean_is(&f, (a + b + c) / 3.0, var);
    }

    #[test]
    fn pert_mean_is_a_plus_four_m_plus_b_over_six() {
        let (a, m, b) = (1.1f64, 1.2, 1.58);
        let f = pue(&with(
            "pue",
            &format!("{{ dist = \"pert\", min = {a}, mode = {m}, max = {b} }}"),
        ));
        let mean = (a + 4.0 * m + b) / 6.0;
        mean_is(&f, mean, (mean - a) * (b - mean) / 7.0);
    }

    #[test]
    fn a_fixed_value_is_one_bin() {
        let f = pue(&with("pue", "{ dist = \"fixed\", value = 1.25 }"));
        let d = f.drawn.unwrap();
        assert_eq!(d.histogram.counts, vec![PREVIEW_SAMPLES]);
        assert_eq!(d.percentiles, [1.25; 3]);
    }

    #[test]
    fn the_draws_are_the_runs_draws_and_follow_the_seed() {
        let s = Dist::Uniform { min: 0.0, max: 1.0 }.sampler("x").unwrap();
        let a = sample(&s, 7, 3, 100);
        assert_eq!(a, sample(&s, 7, 3, 100));
        assert_ne!(a, sample(&s, 8, 3, 100), "another seed, other draws");
        assert_ne!(a, sample(&s, 7, 4, 100), "another input, other draws");
        assert_eq!(
            &sample(&s, 7, 3, 1000)[..100],
            &a[..],
            "more draws extend the same paths"
        );
        let changed = SHIPPED.replacen("seed = 20240526", "seed = 5", 1);
        assert_ne!(changed, SHIPPED);
        assert_eq!(preview(&changed, 10).unwrap().seed, 5);
    }

    #[test]
    fn a_bad_field_shows_its_field_path_and_the_others_still_draw() {
        let p = preview(
            &with("pue", "{ dist = \"uniform\", min = 1.3, max = 1.2 }"),
            100,
        )
        .unwrap();
        for f in &p.fields {
            if f.path == "compute.pue" {
                assert_eq!(f.error.as_ref().unwrap().path, "compute.pue.max");
                assert!(f.drawn.is_none());
            } else {
                assert!(f.drawn.is_some(), "{f:?}");
            }
        }
        let f = pue(&with("pue", "{ dist = \"gamma\", shape = 2 }"));
        let e = f.error.unwrap();
        assert_eq!(e.path, "compute.pue");
        assert!(e.message.contains("gamma"), "{}", e.message);
        let gone = SHIPPED.replacen("\npue = ", "\nxpue = ", 1);
        assert!(pue(&gone).error.unwrap().message.starts_with("missing"));
        let e = preview("[simulation\nseed = 1", 10).unwrap_err();
        assert_eq!(e.path, "line 1");
    }

    #[test]
    fn json_scenarios_preview_too() {
        let s = crate::scenario::Scenario::parse(SHIPPED).unwrap();
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(preview(&json, 50).unwrap(), preview(SHIPPED, 50).unwrap());
    }
}
