//! ln, exp and sin/cos in f32 from + - * / and bit operations only.
//!
//! Why: a GPU's built-in transcendental functions differ from Rust's by a few ulp (lavapipe's
//! log near 1 the most), which breaks bit-parity of Box-Muller normals between backends. The
//! WGSL twin of this file (same constants, same operation order, no fused multiply-add)
//! computes the same bits on a CPU-type adapter. Accuracy: a few ulp of f32 over the ranges
//! the engine uses (tested against f64's functions below).

const LN2_HI: f32 = 0.693_145_75; // ln 2 split so that n * LN2_HI is exact for |n| < 2^7
const LN2_LO: f32 = 1.428_606_8e-6;
const INV_LN2: f32 = std::f32::consts::LOG2_E;
const FRAC_PI_2: f32 = std::f32::consts::FRAC_PI_2;
/// ln's series in s^2 after its leading 2 (2/3, 2/5, 2/7, 2/9).
const LN_SERIES: [f32; 4] = [0.666_666_7, 0.4, 0.285_714_3, 0.222_222_22];
/// e^r's Taylor coefficients from r^2 (1/2!, ..., 1/7!).
const EXP_SERIES: [f32; 6] = [
    0.5,
    0.166_666_67,
    0.041_666_668,
    0.008_333_334,
    0.001_388_888_9,
    0.000_198_412_7,
];
/// sin's odd Taylor coefficients from x^3, cos's even ones from x^2.
const SIN_SERIES: [f32; 4] = [
    -0.166_666_67,
    0.008_333_334,
    -0.000_198_412_7,
    2.755_731_7e-6,
];
const COS_SERIES: [f32; 4] = [-0.5, 0.041_666_668, -0.001_388_888_9, 2.480_158_7e-5];

/// The constants above as WGSL declarations (exact hexadecimal floats), so that the shaders
/// read the very bits the CPU uses: one source for both.
pub(crate) fn wgsl_constants() -> String {
    let mut out = String::new();
    let mut one =
        |name: &str, v: f32| out.push_str(&format!("const {name}: f32 = {};\n", hex_f32(v)));
    one("LN2_HI", LN2_HI);
    one("LN2_LO", LN2_LO);
    one("INV_LN2", INV_LN2);
    one("FRAC_PI_2", FRAC_PI_2);
    one("SQRT_2", std::f32::consts::SQRT_2);
    one("ONE_THIRD", 1.0 / 3.0);
    for (name, series) in [
        ("LN", &LN_SERIES[..]),
        ("EXP", &EXP_SERIES[..]),
        ("SIN", &SIN_SERIES[..]),
        ("COS", &COS_SERIES[..]),
    ] {
        for (i, v) in series.iter().enumerate() {
            one(&format!("{name}_{i}"), *v);
        }
    }
    out
}

/// An f32 as an exact WGSL hexadecimal float literal (normal, nonzero values).
pub(crate) fn hex_f32(v: f32) -> String {
    let bits = v.to_bits();
    let sign = if bits >> 31 == 1 { "-" } else { "" };
    let exp = ((bits >> 23) & 0xff) as i32 - 127;
    let mantissa = (bits & 0x007f_ffff) << 1;
    format!("{sign}0x1.{mantissa:06x}p{exp}f")
}

/// Natural logarithm of a positive, normal f32.
#[inline]
pub fn ln(x: f32) -> f32 {
    let bits = x.to_bits();
    let mut e = ((bits >> 23) & 0xff) as i32 - 127;
    // The mantissa as a number in [1, 2), then moved to [sqrt(1/2), sqrt(2)).
    let mut m = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
    if m > std::f32::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    // ln(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716.
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let [l0, l1, l2, l3] = LN_SERIES;
    let series = s * (2.0 + s2 * (l0 + s2 * (l1 + s2 * (l2 + s2 * l3))));
    let ef = e as f32;
    ef * LN2_HI + (ef * LN2_LO + series)
}

/// e^x for x in [-87, 88] (outside that, 0 or the largest power of two the exponent holds).
#[inline]
pub fn exp(x: f32) -> f32 {
    let x = x.clamp(-87.0, 88.0);
    // x = n ln2 + r, |r| <= ln2 / 2.
    let n = (x * INV_LN2 + if x >= 0.0 { 0.5 } else { -0.5 }) as i32;
    let nf = n as f32;
    let r = (x - nf * LN2_HI) - nf * LN2_LO;
    // e^r by its Taylor series to r^7 (the remainder is below f32's precision for |r| <= 0.347).
    let [e0, e1, e2, e3, e4, e5] = EXP_SERIES;
    let p = 1.0 + r * (1.0 + r * (e0 + r * (e1 + r * (e2 + r * (e3 + r * (e4 + r * e5))))));
    p * f32::from_bits(((n + 127) as u32) << 23)
}

/// (sin, cos) of 2 pi t for t in [0, 1): the reduction works in turns, where it is exact.
pub fn sincos_turns(t: f32) -> (f32, f32) {
    let q = 4.0 * t; // exact: a power-of-two scaling
    let k = (q + 0.5) as i32; // nearest quarter turn, 0..=4
    let x = (q - k as f32) * FRAC_PI_2; // in [-pi/4, pi/4]
    let x2 = x * x;
    let (s, c) = (sin_poly(x, x2), cos_poly(x2));
    match k & 3 {
        0 => (s, c),
        1 => (c, -s),
        2 => (-s, -c),
        _ => (-c, s),
    }
}

/// cos(2 pi t) alone: the same polynomials and quadrant logic as `sincos_turns`, evaluating only
/// the one the quadrant needs (bit-identical to `sincos_turns(t).1`).
#[inline]
pub fn cos_turns(t: f32) -> f32 {
    let q = 4.0 * t;
    let k = (q + 0.5) as i32;
    let x = (q - k as f32) * FRAC_PI_2;
    let x2 = x * x;
    match k & 3 {
        0 => cos_poly(x2),
        1 => -sin_poly(x, x2),
        2 => -cos_poly(x2),
        _ => sin_poly(x, x2),
    }
}

#[inline]
fn sin_poly(x: f32, x2: f32) -> f32 {
    let [s0, s1, s2, s3] = SIN_SERIES;
    x * (1.0 + x2 * (s0 + x2 * (s1 + x2 * (s2 + x2 * s3))))
}

#[inline]
fn cos_poly(x2: f32) -> f32 {
    let [c0, c1, c2, c3] = COS_SERIES;
    1.0 + x2 * (c0 + x2 * (c1 + x2 * (c2 + x2 * c3)))
}

/// The first Box-Muller normal alone, sqrt(-2 ln u1) cos(2 pi u2): what the engine draws per
/// month (bit-identical to `box_muller(u1, u2).0`).
#[inline]
pub fn normal(u1: f32, u2: f32) -> f32 {
    (-2.0 * ln(u1)).sqrt() * cos_turns(u2)
}

/// Two independent standard normals from two uniforms in (0, 1) (Box-Muller).
pub fn box_muller(u1: f32, u2: f32) -> (f32, f32) {
    let r = (-2.0 * ln(u1)).sqrt();
    let (s, c) = sincos_turns(u2);
    (r * c, r * s)
}

/// `LANES` values side by side: the lane forms below compute the scalar functions above on
/// each lane with the same f32 operations in the same order (a branch becomes a select of the
/// same two values), written as one straight loop per function so that the compiler keeps the
/// lanes in SIMD registers. Each lane's result is bit-identical to the scalar function's.
pub type Lanes = [f32; crate::philox::LANES];

/// `ln` on each lane.
#[inline(always)]
pub fn ln_lanes(x: Lanes) -> Lanes {
    let mut out = [0.0; crate::philox::LANES];
    for (o, x) in out.iter_mut().zip(x) {
        let bits = x.to_bits();
        let e0 = ((bits >> 23) & 0xff) as i32 - 127;
        let m0 = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
        let big = m0 > std::f32::consts::SQRT_2;
        let m = if big { m0 * 0.5 } else { m0 };
        let e = if big { e0 + 1 } else { e0 };
        let s = (m - 1.0) / (m + 1.0);
        let s2 = s * s;
        let [l0, l1, l2, l3] = LN_SERIES;
        let series = s * (2.0 + s2 * (l0 + s2 * (l1 + s2 * (l2 + s2 * l3))));
        let ef = e as f32;
        *o = ef * LN2_HI + (ef * LN2_LO + series);
    }
    out
}

/// `exp` on each lane.
#[inline(always)]
pub fn exp_lanes(x: Lanes) -> Lanes {
    let mut out = [0.0; crate::philox::LANES];
    for (o, x) in out.iter_mut().zip(x) {
        let x = x.clamp(-87.0, 88.0);
        let half = if x >= 0.0 { 0.5 } else { -0.5 };
        let n = (x * INV_LN2 + half) as i32;
        let nf = n as f32;
        let r = (x - nf * LN2_HI) - nf * LN2_LO;
        let [e0, e1, e2, e3, e4, e5] = EXP_SERIES;
        let p = 1.0 + r * (1.0 + r * (e0 + r * (e1 + r * (e2 + r * (e3 + r * (e4 + r * e5))))));
        *o = p * f32::from_bits(((n + 127) as u32) << 23);
    }
    out
}

/// `cos_turns` on each lane.
#[inline(always)]
pub fn cos_turns_lanes(t: Lanes) -> Lanes {
    let mut out = [0.0; crate::philox::LANES];
    for (o, t) in out.iter_mut().zip(t) {
        let q = 4.0 * t;
        let k = (q + 0.5) as i32;
        let x = (q - k as f32) * FRAC_PI_2;
        let x2 = x * x;
        let (s, c) = (sin_poly(x, x2), cos_poly(x2));
        // k & 3: 0 -> cos, 1 -> -sin, 2 -> -cos, 3 -> sin.
        let v = if k & 1 == 0 { c } else { s };
        *o = if (k + 1) & 2 != 0 { -v } else { v };
    }
    out
}

/// `normal` on each lane.
#[inline(always)]
pub fn normal_lanes(u1: Lanes, u2: Lanes) -> Lanes {
    let l = ln_lanes(u1);
    let c = cos_turns_lanes(u2);
    let mut out = [0.0; crate::philox::LANES];
    for i in 0..crate::philox::LANES {
        out[i] = (-2.0 * l[i]).sqrt() * c[i];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f32, want: f64, rel: f64, abs: f64) -> bool {
        let err = (f64::from(got) - want).abs();
        err <= rel * want.abs() + abs
    }

    #[test]
    fn ln_matches_f64_to_a_few_ulp() {
        // Every uniform the engine can draw is (k + 0.5) 2^-23; test a spread of them and more.
        let mut worst: f64 = 0.0;
        for k in (0..8_388_608u32).step_by(997) {
            let u = (k as f32 + 0.5) / 8_388_608.0;
            let want = f64::from(u).ln();
            let got = ln(u);
            let err = (f64::from(got) - want).abs() / want.abs().max(1e-7);
            worst = worst.max(err);
            assert!(close(got, want, 4e-7, 1e-9), "ln({u}) = {got}, want {want}");
        }
        for x in [
            1e-30f32,
            0.25,
            0.999_999_9,
            1.0,
            1.000_000_1,
            2.0,
            10.0,
            1e20,
        ] {
            assert!(close(ln(x), f64::from(x).ln(), 4e-7, 1e-7), "ln({x})");
        }
        assert!(worst < 4e-7, "{worst}");
    }

    #[test]
    fn exp_matches_f64_to_a_few_ulp() {
        let mut x = -80.0f32;
        while x < 80.0 {
            assert!(
                close(exp(x), f64::from(x).exp(), 5e-7, 0.0),
                "exp({x}) = {}, want {}",
                exp(x),
                f64::from(x).exp()
            );
            x += 0.0137;
        }
        assert_eq!(exp(0.0), 1.0);
    }

    #[test]
    fn sincos_matches_f64() {
        for k in 0..100_000u32 {
            let t = (k as f32 + 0.5) / 100_000.0;
            let (s, c) = sincos_turns(t);
            let a = std::f64::consts::TAU * f64::from(t);
            assert!(close(s, a.sin(), 0.0, 3e-7), "sin 2pi{t}");
            assert!(close(c, a.cos(), 0.0, 3e-7), "cos 2pi{t}");
        }
    }

    /// The lane forms against the scalar ones, bit for bit, over inputs that reach every branch.
    #[test]
    fn the_lane_forms_are_the_scalar_functions_bit_for_bit() {
        const N: usize = crate::philox::LANES;
        let check = |xs: &[f32], lanes: fn(Lanes) -> Lanes, one: fn(f32) -> f32, name: &str| {
            for chunk in xs.chunks_exact(N) {
                let x: Lanes = chunk.try_into().unwrap();
                for (got, x) in lanes(x).iter().zip(x) {
                    assert_eq!(got.to_bits(), one(x).to_bits(), "{name}({x})");
                }
            }
        };
        let positive: Vec<f32> = (0..800_000u32)
            .map(|k| (k as f32 + 0.5) / 800_000.0)
            .chain([
                1e-30,
                1.0,
                std::f32::consts::SQRT_2,
                1.414_213_7,
                2.0,
                1e20,
                3.4e38,
                7.0,
                0.001,
                5.5,
            ])
            .collect();
        check(&positive[..positive.len() / N * N], ln_lanes, ln, "ln");
        let wide: Vec<f32> = (0..400_000i32)
            .map(|k| k as f32 * 0.000_55 - 110.0)
            .chain([f32::MAX, f32::MIN, 0.0, -0.0, 88.0, -87.0, 88.5, -87.5])
            .collect();
        check(&wide[..wide.len() / N * N], exp_lanes, exp, "exp");
        check(
            &positive[..positive.len() / N * N],
            cos_turns_lanes,
            cos_turns,
            "cos_turns",
        );
        for chunk in positive.chunks_exact(2 * N).take(50_000) {
            let u1: Lanes = chunk[..N].try_into().unwrap();
            let u2: Lanes = chunk[N..].try_into().unwrap();
            for i in 0..N {
                assert_eq!(
                    normal_lanes(u1, u2)[i].to_bits(),
                    normal(u1[i], u2[i]).to_bits()
                );
            }
        }
    }

    #[test]
    fn the_single_normal_is_bit_identical_to_the_pair() {
        for k in 0..200_000u32 {
            let t = (k as f32 + 0.5) / 200_000.0;
            assert_eq!(cos_turns(t).to_bits(), sincos_turns(t).1.to_bits(), "{t}");
            let u1 = ((k * 7919) % 200_000) as f32 / 200_000.0 + 1e-6;
            assert_eq!(normal(u1, t).to_bits(), box_muller(u1, t).0.to_bits());
        }
    }

    #[test]
    fn box_muller_normals_have_mean_0_and_variance_1() {
        use crate::philox::{uniform, words, Stream};
        let n = 200_000u64;
        let (mut sum, mut sq, mut fourth) = (0.0f64, 0.0f64, 0.0f64);
        for path in 0..n {
            let w = words(7, path, 0, Stream::Mark);
            let (a, b) = box_muller(uniform(w[0]), uniform(w[1]));
            for z in [f64::from(a), f64::from(b)] {
                sum += z;
                sq += z * z;
                fourth += z * z * z * z;
            }
        }
        let count = (2 * n) as f64;
        let mean = sum / count;
        let var = sq / count - mean * mean;
        // Standard errors at n = 400,000: mean 1/sqrt(n) = 0.0016; variance sqrt(2/n) = 0.0022.
        assert!(mean.abs() < 5.0 * 0.0016, "mean {mean}");
        assert!((var - 1.0).abs() < 5.0 * 0.0022, "variance {var}");
        // Kurtosis 3 for a normal (standard error about sqrt(24/n) = 0.0077).
        assert!(
            (fourth / count - 3.0).abs() < 5.0 * 0.0077,
            "fourth moment {}",
            fourth / count
        );
    }
}
