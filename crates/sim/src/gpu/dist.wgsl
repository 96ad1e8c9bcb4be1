// The samplers of dist.rs: a static input's value from its own Philox block, PERT by
// Marsaglia-Tsang gamma trials on their own stream (PERT_STREAM + input), in the same order.
// A sampler is five words in `model` at params.off_samplers + 5 i: kind, then its parameters
// (kinds: 0 fixed, 1 uniform, 2 triangular, 3 PERT, 4 normal, 5 lognormal, 6 bernoulli).

const MAX_GAMMA_TRIALS: u32 = 32u;

var<private> pert_trial: u32;
var<private> exhausted: bool;

// A Gamma(shape, 1) variate, or -1 when every trial was rejected.
fn gamma_draw(shape: f32, input: u32) -> f32 {
    let dd = shape - ONE_THIRD;
    let c = keep(1.0 / sqrt(keep(9.0 * dd)));
    for (var i = 0u; i < MAX_GAMMA_TRIALS; i++) {
        let w = philox4x32_10(vec4<u32>(path_lo, path_hi, pert_trial, PERT_STREAM + input), key);
        pert_trial += 1u;
        let z = normal(uniform01(w.x), uniform01(w.y));
        let v = keep(1.0 + keep(c * z));
        if v <= 0.0 {
            continue;
        }
        let v3 = keep(keep(v * v) * v);
        let u = uniform01(w.z);
        let bound = keep(keep(keep(keep(keep(0.5 * z) * z) + dd) - keep(dd * v3)) + keep(dd * f_ln(v3)));
        if f_ln(u) < bound {
            return keep(dd * v3);
        }
    }
    return -1.0;
}

fn sample(input: u32) -> f32 {
    let o = params.off_samplers + 5u * input;
    let kind = u32(model[o]);
    let a = model[o + 1u];
    let b = model[o + 2u];
    let c = model[o + 3u];
    let d = model[o + 4u];
    let w = philox4x32_10(vec4<u32>(path_lo, path_hi, input, STREAM_STATIC), key);
    let u = uniform01(w.x);
    switch kind {
        case 0u: {
            return a;
        }
        case 1u: {
            return a + keep(b * u);
        }
        case 2u: {
            // min a, mode b, max c
            let width = c - a;
            if width <= 0.0 {
                return a;
            }
            let split = keep(b - a) / width;
            if u < split {
                return a + sqrt(keep(keep(u * width) * keep(b - a)));
            }
            return c - sqrt(keep(keep(keep(1.0 - u) * width) * keep(c - b)));
        }
        case 3u: {
            // min a, width b, alpha c, beta d
            pert_trial = 0u;
            let x = gamma_draw(c, input);
            let y = gamma_draw(d, input);
            if x >= 0.0 && y >= 0.0 {
                return a + keep(b * keep(x / keep(x + y)));
            }
            exhausted = true;
            return a + keep(keep(b * keep(c - 1.0)) / max(keep(keep(c + d) - 2.0), 0x1p-126f));
        }
        case 4u: {
            return a + keep(b * normal(u, uniform01(w.y)));
        }
        case 5u: {
            return f_exp(a + keep(b * normal(u, uniform01(w.y))));
        }
        default: {
            return select(0.0, 1.0, u < a);
        }
    }
}
