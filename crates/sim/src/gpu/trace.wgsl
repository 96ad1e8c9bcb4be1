// The trace kernel: one path per invocation, written out whole (its months and its outcome),
// for the parity tests against kernel.rs. Not used by a run.

@group(0) @binding(2) var<storage, read_write> trace_out: array<f32>;

// Per path: recorded months, ending, end month, rounds, first raise, new money, exit value,
// PERT exhausted, the 8 inputs, MAX_CLASSES payouts, then per month (cash, mark, spend, fully
// diluted, gpus).
const TRACE_HEAD: u32 = 16u + MAX_CLASSES;

@compute @workgroup_size(64)
fn trace(@builtin(global_invocation_id) gid: vec3<u32>) {
    let local_path = gid.x;
    if local_path >= params.batch_paths {
        return;
    }
    let lo = params.base_lo + local_path;
    let hi = params.base_hi + select(0u, 1u, lo < params.base_lo);
    let stride = TRACE_HEAD + 5u * params.horizon;
    let o = local_path * stride;
    path_start(lo, hi);
    var months = 0u;
    for (var m = 1u; m <= params.horizon; m++) {
        if !alive {
            break;
        }
        if path_month(m) {
            let at = o + TRACE_HEAD + 5u * months;
            trace_out[at] = cash;
            trace_out[at + 1u] = mark;
            trace_out[at + 2u] = spend;
            trace_out[at + 3u] = fd;
            trace_out[at + 4u] = gpus;
            months += 1u;
        }
    }
    let e = path_exit();
    trace_out[o] = f32(months);
    trace_out[o + 1u] = f32(ending);
    trace_out[o + 2u] = f32(end_month);
    trace_out[o + 3u] = f32(rounds);
    trace_out[o + 4u] = f32(first_raise);
    trace_out[o + 5u] = new_money;
    trace_out[o + 6u] = e;
    trace_out[o + 7u] = select(0.0, 1.0, exhausted);
    for (var k = 0u; k < 8u; k++) {
        trace_out[o + 8u + k] = inputs[k];
    }
    for (var k = 0u; k < MAX_CLASSES; k++) {
        trace_out[o + 16u + k] = payouts[k];
    }
}
