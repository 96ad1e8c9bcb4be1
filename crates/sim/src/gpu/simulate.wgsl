// The simulate kernel: one path per invocation, 256 paths per workgroup. Each month the
// workgroup reduces its live paths' cash, mark, spend and fully diluted shares to a count, sum,
// sum of squared deviations from the workgroup mean, min and max (in a fixed tree order), and
// every live path adds one count to its bin of each month's histogram. At the end the same for
// the final values (exit value, new money, rounds, total spend, each class's payout), the
// integer tallies, and, for the first paths, the inputs and outputs the rank correlations use.
// What comes back per workgroup is `params.wg_words` words: the host turns them into the CPU
// backend's per-chunk partials and computes the same statistics.

const WG: u32 = 256u;
const BINS: u32 = 2048u;
const MONTH_WORDS: u32 = 17u;
const FINAL_WORDS: u32 = 5u;

// Per axis: (kind, a, b, 0): kind 0 one bin; 1 linear, a = lo (f32 bits), b = scale (f32 bits);
// 2 log-linear, a = lowest binary exponent (i32 bits), b = log2 of the parts per octave.
@group(0) @binding(2) var<storage, read> axes: array<vec4<u32>>;
// Month histograms, then final-value histograms (BINS + 1 slots: the last counts values <= 0),
// then first raise per month, raised within 6/12/24 months, unpriceable, PERT exhausted.
@group(0) @binding(3) var<storage, read_write> counts: array<atomic<u32>>;
@group(0) @binding(4) var<storage, read_write> partials: array<f32>;
@group(0) @binding(5) var<storage, read_write> samples: array<f32>;

var<workgroup> r_sum: array<vec4<f32>, WG>;
var<workgroup> r_min: array<vec4<f32>, WG>;
var<workgroup> r_max: array<vec4<f32>, WG>;
var<workgroup> r_cnt: array<u32, WG>;

fn bin_of(a: vec4<u32>, v: f32) -> u32 {
    switch a.x {
        case 1u: {
            let t = floor((v - bitcast<f32>(a.y)) * bitcast<f32>(a.z));
            return u32(clamp(t, 0.0, f32(BINS - 1u)));
        }
        case 2u: {
            if v <= 0.0 {
                return 0u;
            }
            let bits = bitcast<u32>(v);
            let e = i32((bits >> 23u) & 0xffu) - 127 - bitcast<i32>(a.y);
            if e < 0 {
                return 0u;
            }
            let sub = (bits >> (23u - a.z)) & ((1u << a.z) - 1u);
            return min((u32(e) << a.z) | sub, BINS - 1u);
        }
        default: {
            return 0u;
        }
    }
}

fn reduce_all(lid: u32) {
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s = s >> 1u) {
        if lid < s {
            r_sum[lid] = r_sum[lid] + r_sum[lid + s];
            r_min[lid] = min(r_min[lid], r_min[lid + s]);
            r_max[lid] = max(r_max[lid], r_max[lid + s]);
            r_cnt[lid] = r_cnt[lid] + r_cnt[lid + s];
        }
        workgroupBarrier();
    }
}

// Reduces (v, live) over the workgroup: thread 0 gets (count, sum, m2, min, max) and for the
// second pass `lo2` (min over live v > 0, for the final values).
struct Reduced {
    count: u32,
    sum: vec4<f32>,
    m2: vec4<f32>,
    lo: vec4<f32>,
    hi: vec4<f32>,
    lo_positive: vec4<f32>,
}

fn reduce(lid: u32, v: vec4<f32>, live: bool) -> Reduced {
    let inf = bitcast<f32>(0x7f800000u);
    let big = vec4<f32>(inf, inf, inf, inf);
    r_sum[lid] = select(vec4<f32>(0.0), v, live);
    r_min[lid] = select(big, v, live);
    r_max[lid] = select(-big, v, live);
    r_cnt[lid] = select(0u, 1u, live);
    reduce_all(lid);
    var out: Reduced;
    out.count = r_cnt[0];
    out.sum = r_sum[0];
    out.lo = r_min[0];
    out.hi = r_max[0];
    let mean = out.sum / f32(max(out.count, 1u));
    workgroupBarrier();
    let d = v - mean;
    r_sum[lid] = select(vec4<f32>(0.0), d * d, live);
    r_min[lid] = select(big, select(big, v, v > vec4<f32>(0.0)), live);
    r_max[lid] = -big;
    r_cnt[lid] = 0u;
    reduce_all(lid);
    out.m2 = r_sum[0];
    out.lo_positive = r_min[0];
    return out;
}

@compute @workgroup_size(256)
fn simulate(@builtin(local_invocation_id) lid3: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
    let lid = lid3.x;
    let local_path = wid.x * WG + lid;
    let in_batch = local_path < params.batch_paths;
    let lo = params.base_lo + local_path;
    let hi = params.base_hi + select(0u, 1u, lo < params.base_lo);
    let h = params.horizon;
    let base = wid.x * params.wg_words;
    if in_batch {
        path_start(lo, hi);
    } else {
        alive = false;
    }
    for (var m = 1u; m <= h; m++) {
        var recorded = false;
        if alive {
            recorded = path_month(m);
        }
        let v = vec4<f32>(cash, mark, spend, fd);
        if recorded {
            for (var k = 0u; k < 4u; k++) {
                let at = (m - 1u) * 4u + k;
                atomicAdd(&counts[at * BINS + bin_of(axes[at], v[k])], 1u);
            }
        }
        let r = reduce(lid, v, recorded);
        if lid == 0u {
            let o = base + (m - 1u) * MONTH_WORDS;
            partials[o] = f32(r.count);
            for (var k = 0u; k < 4u; k++) {
                partials[o + 1u + k] = r.sum[k];
                partials[o + 5u + k] = r.m2[k];
                partials[o + 9u + k] = r.lo[k];
                partials[o + 13u + k] = r.hi[k];
            }
        }
    }

    var exit_value = 0.0;
    if in_batch {
        exit_value = path_exit();
    }
    let n_finals = params.n_finals;
    let finals_at = h * 4u * BINS;
    // The final values, four at a time.
    for (var f0 = 0u; f0 < n_finals; f0 += 4u) {
        var v = vec4<f32>(0.0);
        for (var k = 0u; k < 4u; k++) {
            let f = f0 + k;
            var x = 0.0;
            switch f {
                case 0u: { x = exit_value; }
                case 1u: { x = new_money; }
                case 2u: { x = f32(rounds); }
                case 3u: { x = recorded_spend; }
                default: {
                    if f - 4u < MAX_CLASSES {
                        x = payouts[f - 4u];
                    }
                }
            }
            v[k] = x;
            if in_batch && f < n_finals {
                var slot = BINS;
                if x > 0.0 {
                    slot = bin_of(axes[h * 4u + f], x);
                }
                atomicAdd(&counts[finals_at + f * (BINS + 1u) + slot], 1u);
            }
        }
        let r = reduce(lid, v, in_batch);
        if lid == 0u {
            for (var k = 0u; k < 4u; k++) {
                let f = f0 + k;
                if f < n_finals {
                    let o = base + h * MONTH_WORDS + f * FINAL_WORDS;
                    partials[o] = r.sum[k];
                    partials[o + 1u] = r.m2[k];
                    partials[o + 2u] = r.lo[k];
                    partials[o + 3u] = r.hi[k];
                    partials[o + 4u] = r.lo_positive[k];
                }
            }
        }
    }
    let failed = in_batch && ending != ENDING_EXITED;
    let r = reduce(lid, vec4<f32>(select(0.0, 1.0, failed), 0.0, 0.0, 0.0), in_batch);
    if lid == 0u {
        let o = base + h * MONTH_WORDS + n_finals * FINAL_WORDS;
        partials[o] = r.sum.x;
        partials[o + 1u] = f32(r.count);
    }

    if in_batch {
        let tallies = finals_at + n_finals * (BINS + 1u);
        if first_raise > 0u {
            atomicAdd(&counts[tallies + first_raise - 1u], 1u);
            if first_raise <= 6u {
                atomicAdd(&counts[tallies + h], 1u);
            }
            if first_raise <= 12u {
                atomicAdd(&counts[tallies + h + 1u], 1u);
            }
            if first_raise <= 24u {
                atomicAdd(&counts[tallies + h + 2u], 1u);
            }
        }
        if ending == ENDING_UNPRICEABLE {
            atomicAdd(&counts[tallies + h + 3u], 1u);
        }
        if exhausted {
            atomicAdd(&counts[tallies + h + 4u], 1u);
        }
        if hi == 0u && lo < params.sensitivity_paths {
            let o = lo * 12u;
            for (var k = 0u; k < 8u; k++) {
                samples[o + k] = inputs[k];
            }
            samples[o + 8u] = exit_value;
            samples[o + 9u] = new_money;
            samples[o + 10u] = f32(rounds);
            samples[o + 11u] = select(0.0, 1.0, ending != ENDING_EXITED);
        }
    }
}
