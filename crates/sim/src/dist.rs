//! The distributions a scenario's inputs draw from (docs/model.md "Distributions"), their
//! validation with the field path of every error, and their sampling from the counter-based
//! stream.
//!
//! Sampling is in f32 with the arithmetic of `fmath`, so a GPU twin can match it. Which
//! counter words a draw uses is part of the contract (docs/model.md "Random numbers"):
//! a static input number `k` uses the block at draw index `k` of `Stream::Static` (words 0 and
//! 1 for a normal, word 0 for a uniform); a PERT draw's gamma trials use stream tag
//! `PERT_STREAM + k`, one block per trial, at most `MAX_GAMMA_TRIALS` trials per gamma.

use serde::{Deserialize, Serialize};

use crate::fmath::{box_muller, exp, ln};
use crate::philox::{philox4x32_10, uniform};

/// A parameter error, naming the field path (e.g. `compute.pue.max`).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for FieldError {}

fn err(path: &str, field: &str, message: impl Into<String>) -> FieldError {
    let path = if field.is_empty() {
        path.to_string()
    } else {
        format!("{path}.{field}")
    };
    FieldError {
        path,
        message: message.into(),
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "lowercase", deny_unknown_fields)]
pub enum Dist {
    Fixed {
        value: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// Beta-PERT: min + (max - min) Beta(1 + 4 (mode - min)/(max - min), 1 + 4 (max - mode)/(max - min)).
    Pert {
        min: f64,
        mode: f64,
        max: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
    },
    /// Either median and p95, or mu and sigma of ln x.
    Lognormal {
        #[serde(default)]
        median: Option<f64>,
        #[serde(default)]
        p95: Option<f64>,
        #[serde(default)]
        mu: Option<f64>,
        #[serde(default)]
        sigma: Option<f64>,
    },
    Bernoulli {
        p: f64,
    },
}

/// The standard normal's 95th percentile, for lognormal {median, p95}.
pub const Z95: f64 = 1.644_853_626_951_472_2;

/// A distribution checked and reduced to what sampling needs, in f32.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sampler {
    Fixed(f32),
    Uniform {
        min: f32,
        width: f32,
    },
    Triangular {
        min: f32,
        mode: f32,
        max: f32,
    },
    Pert {
        min: f32,
        width: f32,
        alpha: f32,
        beta: f32,
    },
    Normal {
        mean: f32,
        sd: f32,
    },
    Lognormal {
        mu: f32,
        sigma: f32,
    },
    Bernoulli(f32),
}

/// Finite in f32, where the kernels draw.
fn finite(path: &str, field: &str, v: f64) -> Result<f64, FieldError> {
    if v.is_finite() && v.abs() <= f64::from(f32::MAX) {
        Ok(v)
    } else {
        Err(err(
            path,
            field,
            format!("{v} is not a finite number the engine holds (at most 3.4e38 in size)"),
        ))
    }
}

fn ordered(path: &str, min: f64, max: f64) -> Result<(), FieldError> {
    finite(path, "min", min)?;
    finite(path, "max", max)?;
    if min > max {
        return Err(err(path, "max", format!("max {max} is below min {min}")));
    }
    Ok(())
}

impl Dist {
    /// Checks the parameters; `path` is where the distribution sits in the scenario.
    pub fn sampler(&self, path: &str) -> Result<Sampler, FieldError> {
        Ok(match *self {
            Dist::Fixed { value } => Sampler::Fixed(finite(path, "value", value)? as f32),
            Dist::Uniform { min, max } => {
                ordered(path, min, max)?;
                Sampler::Uniform {
                    min: min as f32,
                    width: (max - min) as f32,
                }
            }
            Dist::Triangular { min, mode, max } | Dist::Pert { min, mode, max } => {
                ordered(path, min, max)?;
                finite(path, "mode", mode)?;
                if mode < min || mode > max {
                    return Err(err(
                        path,
                        "mode",
                        format!("mode {mode} is outside [{min}, {max}]"),
                    ));
                }
                match self {
                    Dist::Triangular { .. } => Sampler::Triangular {
                        min: min as f32,
                        mode: mode as f32,
                        max: max as f32,
                    },
                    _ if max == min => Sampler::Fixed(min as f32),
                    _ => {
                        let w = max - min;
                        Sampler::Pert {
                            min: min as f32,
                            width: w as f32,
                            alpha: (1.0 + 4.0 * (mode - min) / w) as f32,
                            beta: (1.0 + 4.0 * (max - mode) / w) as f32,
                        }
                    }
                }
            }
            Dist::Normal { mean, sd } => {
                finite(path, "mean", mean)?;
                if finite(path, "sd", sd)? < 0.0 {
                    return Err(err(path, "sd", format!("sd {sd} is negative")));
                }
                Sampler::Normal {
                    mean: mean as f32,
                    sd: sd as f32,
                }
            }
            Dist::Lognormal {
                median,
                p95,
                mu,
                sigma,
            } => match (median, p95, mu, sigma) {
                (Some(median), Some(p95), None, None) => {
                    if finite(path, "median", median)? <= 0.0 {
                        return Err(err(path, "median", "must be greater than zero"));
                    }
                    if finite(path, "p95", p95)? <= median {
                        return Err(err(
                            path,
                            "p95",
                            format!("p95 {p95} must be above the median {median}"),
                        ));
                    }
                    Sampler::Lognormal {
                        mu: median.ln() as f32,
                        sigma: ((p95 / median).ln() / Z95) as f32,
                    }
                }
                (None, None, Some(mu), Some(sigma)) => {
                    finite(path, "mu", mu)?;
                    if finite(path, "sigma", sigma)? < 0.0 {
                        return Err(err(path, "sigma", format!("sigma {sigma} is negative")));
                    }
                    Sampler::Lognormal {
                        mu: mu as f32,
                        sigma: sigma as f32,
                    }
                }
                _ => {
                    return Err(err(
                        path,
                        "",
                        "a lognormal takes either median and p95, or mu and sigma",
                    ))
                }
            },
            Dist::Bernoulli { p } => {
                if !(0.0..=1.0).contains(&finite(path, "p", p)?) {
                    return Err(err(path, "p", format!("p {p} is outside [0, 1]")));
                }
                Sampler::Bernoulli(p as f32)
            }
        })
    }
}

/// The first stream tag of PERT gamma trials; input `k` uses `PERT_STREAM + k`.
pub const PERT_STREAM: u32 = 0x100;
/// At most this many trials per gamma variate. Marsaglia-Tsang accepts a trial with
/// probability above 0.95 for shape >= 1, so all of them failing has probability below
/// 0.05^32 (~2e-42); the draw then takes the distribution's mode, and is counted.
pub const MAX_GAMMA_TRIALS: u32 = 32;

/// A draw's source: the four words of its own block, and the key for extra trials.
#[derive(Debug, Clone, Copy)]
pub struct Draw {
    pub words: [u32; 4],
    pub key: [u32; 2],
    pub path: u64,
    pub input: u32,
}

impl Sampler {
    /// One value. The second item says whether a PERT draw ran out of trials.
    pub fn sample(&self, d: &Draw) -> (f32, bool) {
        let u = uniform(d.words[0]);
        match *self {
            Sampler::Fixed(v) => (v, false),
            Sampler::Uniform { min, width } => (min + width * u, false),
            Sampler::Triangular { min, mode, max } => {
                let w = max - min;
                if w <= 0.0 {
                    return (min, false);
                }
                let split = (mode - min) / w;
                let v = if u < split {
                    min + (u * w * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * w * (max - mode)).sqrt()
                };
                (v, false)
            }
            Sampler::Normal { mean, sd } => {
                (mean + sd * box_muller(u, uniform(d.words[1])).0, false)
            }
            Sampler::Lognormal { mu, sigma } => (
                exp(mu + sigma * box_muller(u, uniform(d.words[1])).0),
                false,
            ),
            Sampler::Bernoulli(p) => (if u < p { 1.0 } else { 0.0 }, false),
            Sampler::Pert {
                min,
                width,
                alpha,
                beta,
            } => {
                let mut trial = 0u32;
                let x = gamma(alpha, d, &mut trial);
                let y = gamma(beta, d, &mut trial);
                match (x, y) {
                    (Some(x), Some(y)) => (min + width * (x / (x + y)), false),
                    // Out of trials (see MAX_GAMMA_TRIALS): the mode.
                    _ => (
                        min + width * (alpha - 1.0) / (alpha + beta - 2.0).max(f32::MIN_POSITIVE),
                        true,
                    ),
                }
            }
        }
    }
}

/// A Gamma(shape, 1) variate for shape >= 1 by Marsaglia and Tsang (2000), each trial one
/// Philox block at (path, trial, PERT_STREAM + input).
fn gamma(shape: f32, d: &Draw, trial: &mut u32) -> Option<f32> {
    let dd = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * dd).sqrt();
    for _ in 0..MAX_GAMMA_TRIALS {
        let w = philox4x32_10(
            [
                d.path as u32,
                (d.path >> 32) as u32,
                *trial,
                PERT_STREAM + d.input,
            ],
            d.key,
        );
        *trial += 1;
        let z = box_muller(uniform(w[0]), uniform(w[1])).0;
        let v = 1.0 + c * z;
        if v <= 0.0 {
            continue;
        }
        let v3 = v * v * v;
        let u = uniform(w[2]);
        if ln(u) < 0.5 * z * z + dd - dd * v3 + dd * ln(v3) {
            return Some(dd * v3);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::philox::{key, words, Stream};

    fn draws(s: &Sampler, n: u64) -> Vec<f64> {
        let k = key(99);
        (0..n)
            .map(|p| {
                let d = Draw {
                    words: words(99, p, 3, Stream::Static),
                    key: k,
                    path: p,
                    input: 3,
                };
                f64::from(s.sample(&d).0)
            })
            .collect()
    }

    fn mean_var(v: &[f64]) -> (f64, f64) {
        let n = v.len() as f64;
        let m = v.iter().sum::<f64>() / n;
        (m, v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n)
    }

    #[test]
    fn invalid_parameters_name_their_field() {
        let cases = [
            (Dist::Uniform { min: 2.0, max: 1.0 }, "compute.pue.max"),
            (
                Dist::Triangular {
                    min: 1.0,
                    mode: 3.0,
                    max: 2.0,
                },
                "compute.pue.mode",
            ),
            (
                Dist::Normal {
                    mean: 0.0,
                    sd: -1.0,
                },
                "compute.pue.sd",
            ),
            (Dist::Bernoulli { p: 1.5 }, "compute.pue.p"),
            (Dist::Fixed { value: f64::NAN }, "compute.pue.value"),
            (
                Dist::Uniform {
                    min: 0.0,
                    max: f64::INFINITY,
                },
                "compute.pue.max",
            ),
            (
                Dist::Lognormal {
                    median: Some(10.0),
                    p95: Some(5.0),
                    mu: None,
                    sigma: None,
                },
                "compute.pue.p95",
            ),
            (
                Dist::Lognormal {
                    median: Some(0.0),
                    p95: Some(5.0),
                    mu: None,
                    sigma: None,
                },
                "compute.pue.median",
            ),
            (
                Dist::Lognormal {
                    median: None,
                    p95: None,
                    mu: Some(1.0),
                    sigma: Some(-1.0),
                },
                "compute.pue.sigma",
            ),
            (
                Dist::Lognormal {
                    median: Some(1.0),
                    p95: None,
                    mu: Some(1.0),
                    sigma: None,
                },
                "compute.pue",
            ),
        ];
        for (d, path) in cases {
            assert_eq!(d.sampler("compute.pue").unwrap_err().path, path, "{d:?}");
        }
    }

    #[test]
    fn scenario_syntax_parses_into_distributions() {
        let d: Dist =
            serde_json::from_str(r#"{"dist": "pert", "min": 24000, "mode": 30000, "max": 42000}"#)
                .unwrap();
        assert_eq!(
            d,
            Dist::Pert {
                min: 24000.0,
                mode: 30000.0,
                max: 42000.0
            }
        );
        let l: Dist =
            serde_json::from_str(r#"{"dist": "lognormal", "median": 2.5, "p95": 6.9}"#).unwrap();
        assert!(matches!(l.sampler("x").unwrap(), Sampler::Lognormal { .. }));
        assert!(serde_json::from_str::<Dist>(
            r#"{"dist": "uniform", "min": 1, "max": 2, "mode": 1}"#
        )
        .is_err());
    }

    #[test]
    fn uniform_and_triangular_have_their_closed_form_moments() {
        let n = 100_000;
        let (m, v) = mean_var(&draws(
            &Dist::Uniform { min: 2.0, max: 6.0 }.sampler("x").unwrap(),
            n,
        ));
        assert!(
            (m - 4.0).abs() < 5.0 * (16.0 / 12.0 / n as f64).sqrt(),
            "{m}"
        );
        assert!((v - 16.0 / 12.0).abs() < 0.02 * 16.0 / 12.0, "{v}");
        // Triangular(a, c, b): mean (a + b + c)/3, variance (a²+b²+c²-ab-ac-bc)/18.
        let (a, c, b) = (1.1f64, 1.2, 1.58);
        let (m, v) = mean_var(&draws(
            &Dist::Triangular {
                min: a,
                mode: c,
                max: b,
            }
            .sampler("x")
            .unwrap(),
            n,
        ));
        let want_v = (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
        assert!(
            (m - (a + b + c) / 3.0).abs() < 5.0 * (want_v / n as f64).sqrt(),
            "{m}"
        );
        assert!((v - want_v).abs() < 0.03 * want_v, "{v} vs {want_v}");
    }

    #[test]
    fn pert_has_its_closed_form_mean_and_variance() {
        // PERT(min, mode, max): mean (min + 4 mode + max)/6; variance (mean-min)(max-mean)/7.
        let (a, c, b) = (24_000.0f64, 30_000.0, 42_000.0);
        let s = Dist::Pert {
            min: a,
            mode: c,
            max: b,
        }
        .sampler("compute.gpu_unit_price")
        .unwrap();
        let n = 100_000;
        let x = draws(&s, n);
        assert!(x.iter().all(|v| *v >= a && *v <= b));
        let (m, v) = mean_var(&x);
        let want_m = (a + 4.0 * c + b) / 6.0;
        let want_v = (want_m - a) * (b - want_m) / 7.0;
        assert!(
            (m - want_m).abs() < 5.0 * (want_v / n as f64).sqrt(),
            "{m} vs {want_m}"
        );
        assert!((v - want_v).abs() < 0.03 * want_v, "{v} vs {want_v}");
    }

    #[test]
    fn lognormal_median_and_p95_are_honoured() {
        let s = Dist::Lognormal {
            median: Some(2.5),
            p95: Some(6.9),
            mu: None,
            sigma: None,
        }
        .sampler("x")
        .unwrap();
        let mut x = draws(&s, 100_000);
        x.sort_by(f64::total_cmp);
        let median = x[x.len() / 2];
        let p95 = x[x.len() * 95 / 100];
        assert!((median - 2.5).abs() < 0.03, "{median}");
        assert!((p95 - 6.9).abs() < 0.15, "{p95}");
    }

    #[test]
    fn normal_and_bernoulli_moments() {
        let (m, v) = mean_var(&draws(
            &Dist::Normal {
                mean: 10.0,
                sd: 2.0,
            }
            .sampler("x")
            .unwrap(),
            100_000,
        ));
        assert!((m - 10.0).abs() < 5.0 * 2.0 / (100_000f64).sqrt(), "{m}");
        assert!((v - 4.0).abs() < 0.05 * 4.0, "{v}");
        let (m, _) = mean_var(&draws(
            &Dist::Bernoulli { p: 0.3 }.sampler("x").unwrap(),
            100_000,
        ));
        assert!((m - 0.3).abs() < 5.0 * (0.21f64 / 100_000.0).sqrt(), "{m}");
    }

    #[test]
    fn the_same_draw_gives_the_same_value() {
        let s = Dist::Pert {
            min: 1.0,
            mode: 2.0,
            max: 5.0,
        }
        .sampler("x")
        .unwrap();
        let d = Draw {
            words: words(5, 17, 2, Stream::Static),
            key: key(5),
            path: 17,
            input: 2,
        };
        assert_eq!(s.sample(&d), s.sample(&d));
    }
}
