//! Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3",
//! SC'11), and the counter layout and uniforms docs/model.md fixes.
//!
//! Counter = (path index low word, path index high word, draw index, stream tag); key = the
//! seed's two 32-bit words (low, high). One call gives four 32-bit words. Uniforms take the top
//! 23 bits of a word: (x + 0.5) * 2^-23, never 0 and never 1, exactly representable in f32, so
//! the CPU and a GPU produce the same value bit for bit.
//!
//! The WGSL twin of this file must compute the same thing with 32-bit operations only (WGSL has
//! no 64-bit integers): `mulhilo` is written with 16-bit halves there.

const M0: u32 = 0xD251_1F53;
const M1: u32 = 0xCD9E_8D57;
const W0: u32 = 0x9E37_79B9;
const W1: u32 = 0xBB67_AE85;

/// The high and low 32 bits of a 32 x 32 bit product.
#[inline]
fn mulhilo(a: u32, b: u32) -> (u32, u32) {
    let p = u64::from(a) * u64::from(b);
    ((p >> 32) as u32, p as u32)
}

#[inline]
fn round(c: [u32; 4], k: [u32; 2]) -> [u32; 4] {
    let (hi0, lo0) = mulhilo(M0, c[0]);
    let (hi1, lo1) = mulhilo(M1, c[2]);
    [hi1 ^ c[1] ^ k[0], lo1, hi0 ^ c[3] ^ k[1], lo0]
}

/// Philox4x32 with 10 rounds: the block for one counter under one key.
#[inline]
pub fn philox4x32_10(counter: [u32; 4], key: [u32; 2]) -> [u32; 4] {
    let mut c = counter;
    let mut k = key;
    c = round(c, k);
    for _ in 1..10 {
        k = [k[0].wrapping_add(W0), k[1].wrapping_add(W1)];
        c = round(c, k);
    }
    c
}

/// What a stream of draws is used for; the fourth counter word, so that streams never overlap.
/// How many counters `philox4x32_10_lanes` runs side by side: sixteen 32-bit lanes, four SSE
/// registers (measured: 16 lanes run the month factors about 20% faster than 8 on the
/// baseline x86-64 target, whose SSE2 multiplies two 32-bit lanes at a time; 32 is slower).
pub const LANES: usize = 16;

/// `philox4x32_10` on `LANES` counters at once, word-major (`counters[w][lane]`), with one key:
/// the same integer operations lane by lane, laid out so the compiler keeps a word of every
/// lane in one SIMD register. Each lane's result equals `philox4x32_10` on that lane's counter.
#[inline]
pub fn philox4x32_10_lanes(counters: [[u32; LANES]; 4], key: [u32; 2]) -> [[u32; LANES]; 4] {
    let [mut c0, mut c1, mut c2, mut c3] = counters;
    let mut k = key;
    for r in 0..10 {
        if r > 0 {
            k = [k[0].wrapping_add(W0), k[1].wrapping_add(W1)];
        }
        let (mut n0, mut n1, mut n2, mut n3) = ([0; LANES], [0; LANES], [0; LANES], [0; LANES]);
        for i in 0..LANES {
            let (hi0, lo0) = mulhilo(M0, c0[i]);
            let (hi1, lo1) = mulhilo(M1, c2[i]);
            n0[i] = hi1 ^ c1[i] ^ k[0];
            n1[i] = lo1;
            n2[i] = hi0 ^ c3[i] ^ k[1];
            n3[i] = lo0;
        }
        (c0, c1, c2, c3) = (n0, n1, n2, n3);
    }
    [c0, c1, c2, c3]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Stream {
    /// Draws made once per path (the static inputs).
    Static = 0,
    /// The per-month standard normal driving the valuation mark.
    Mark = 1,
    /// The per-month uniform deciding a raise's failure.
    Raise = 2,
}

/// The counter docs/model.md fixes: (path low, path high, draw index, stream tag).
#[inline]
pub fn counter(path: u64, draw: u32, stream: Stream) -> [u32; 4] {
    [path as u32, (path >> 32) as u32, draw, stream as u32]
}

/// The key for a seed: its low and high words.
#[inline]
pub fn key(seed: u64) -> [u32; 2] {
    [seed as u32, (seed >> 32) as u32]
}

/// A uniform in (0, 1) from the top 23 bits of a word: (x + 0.5) * 2^-23.
#[inline]
pub fn uniform(word: u32) -> f32 {
    ((word >> 9) as f32 + 0.5) * (1.0 / 8_388_608.0)
}

/// The four words for (seed, path, draw, stream).
#[inline]
pub fn words(seed: u64, path: u64, draw: u32, stream: Stream) -> [u32; 4] {
    philox4x32_10(counter(path, draw, stream), key(seed))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random123's published known-answer vectors for Philox4x32-10 (its tests/kat_vectors).
    #[test]
    fn the_lanes_are_philox_lane_by_lane() {
        let key = [0xa409_3822, 0x299f_31d0];
        for base in [0u32, 7, u32::MAX - 20] {
            let lane = |i: usize| base.wrapping_add(i as u32 * 977);
            let counters: [[u32; LANES]; 4] = [
                std::array::from_fn(lane),
                std::array::from_fn(|i| lane(i) ^ 0x5555_5555),
                std::array::from_fn(|i| lane(i).wrapping_mul(3)),
                std::array::from_fn(|i| !lane(i)),
            ];
            let out = philox4x32_10_lanes(counters, key);
            for i in 0..LANES {
                let one = philox4x32_10(
                    [
                        counters[0][i],
                        counters[1][i],
                        counters[2][i],
                        counters[3][i],
                    ],
                    key,
                );
                assert_eq!(
                    one,
                    [out[0][i], out[1][i], out[2][i], out[3][i]],
                    "lane {i}"
                );
            }
        }
    }

    #[test]
    fn known_answer_vectors() {
        assert_eq!(
            philox4x32_10([0; 4], [0; 2]),
            [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8]
        );
        assert_eq!(
            philox4x32_10([u32::MAX; 4], [u32::MAX; 2]),
            [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd]
        );
        assert_eq!(
            philox4x32_10(
                [0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344],
                [0xa409_3822, 0x299f_31d0]
            ),
            [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1]
        );
    }

    #[test]
    fn uniforms_are_never_zero_or_one_and_are_exact_in_f32() {
        assert_eq!(uniform(0), 0.5 / 8_388_608.0);
        assert_eq!(uniform(u32::MAX), 1.0 - 0.5 / 8_388_608.0);
        for w in [0u32, 1, 511, 512, u32::MAX / 2, u32::MAX] {
            let u = uniform(w);
            assert!(u > 0.0 && u < 1.0);
            // The value times 2^24 is an odd integer: nothing was rounded.
            let scaled = f64::from(u) * 16_777_216.0;
            assert_eq!(scaled.fract(), 0.0);
            assert_eq!(scaled as u64 % 2, 1);
        }
    }

    #[test]
    fn the_counter_layout_is_the_one_model_md_fixes() {
        assert_eq!(
            counter(0x0000_0002_0000_0001, 7, Stream::Raise),
            [1, 2, 7, 2]
        );
        assert_eq!(key(0x1234_5678_9abc_def0), [0x9abc_def0, 0x1234_5678]);
    }

    #[test]
    fn draws_depend_only_on_seed_path_draw_and_stream() {
        let a = words(42, 1_000_003, 5, Stream::Mark);
        assert_eq!(a, words(42, 1_000_003, 5, Stream::Mark));
        assert_ne!(a, words(43, 1_000_003, 5, Stream::Mark));
        assert_ne!(a, words(42, 1_000_004, 5, Stream::Mark));
        assert_ne!(a, words(42, 1_000_003, 6, Stream::Mark));
        assert_ne!(a, words(42, 1_000_003, 5, Stream::Raise));
    }

    #[test]
    fn uniforms_have_the_moments_of_u01() {
        // n = 400,000 uniforms: the mean's standard error is sqrt(1/12 / n) = 4.6e-4; allow 5 of
        // them. The variance 1/12 within 1%.
        let n = 100_000u64;
        let mut sum = 0.0f64;
        let mut sq = 0.0f64;
        for path in 0..n {
            for w in words(2024, path, 0, Stream::Static) {
                let u = f64::from(uniform(w));
                sum += u;
                sq += u * u;
            }
        }
        let count = (4 * n) as f64;
        let mean = sum / count;
        let var = sq / count - mean * mean;
        assert!(
            (mean - 0.5).abs() < 5.0 * (1.0f64 / 12.0 / count).sqrt(),
            "mean {mean}"
        );
        assert!((var - 1.0 / 12.0).abs() < 0.01 / 12.0, "variance {var}");
    }
}
