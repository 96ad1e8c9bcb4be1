// One path of docs/model.md: the twin of kernel.rs, step for step and operation for operation.
// Mesa's shader compiler (lavapipe) treats float arithmetic as reassociable (SPIR-V from naga
// carries no NoContraction): it regroups sums such as a * b + c - d and moves literal constants
// within products. So every intermediate of a chain passes through `keep`, a multiplication by
// a 1.0 the compiler cannot see (a uniform), which no rewrite can look through; literals stay out
// of chains (12 and 730 come in as parameters); sums run left to right, as in kernel.rs.
// Split into start, month and exit so that the simulate kernel can reduce each month across
// its workgroup between steps. Path state lives in private variables.

const MAX_HORIZON: u32 = 240u;
const MAX_CLASSES: u32 = 32u;
const MAX_EXPANSIONS: u32 = 16u;

const ENDING_EXITED: u32 = 0u;
const ENDING_FAILED: u32 = 1u;
const ENDING_UNPRICEABLE: u32 = 2u;

struct Params {
    seed_lo: u32,
    seed_hi: u32,
    base_lo: u32,
    base_hi: u32,
    batch_paths: u32,
    horizon: u32,
    n_classes: u32,
    n_expansions: u32,
    max_rounds: u32,
    n_finals: u32,
    sensitivity_paths: u32,
    has_burn_log: u32,
    off_planned: u32,
    off_expansions: u32,
    off_samplers: u32,
    wg_words: u32,
    cash: f32,
    post_money: f32,
    pool_available: f32,
    gpus_installed: f32,
    kwh_per_gpu_month: f32,
    burn_log: f32,
    revenue_per_month: f32,
    trigger: f32,
    target_runway: f32,
    min_raise: f32,
    drift_step: f32,
    vol_step: f32,
    failure_probability: f32,
    pool_target: f32,
    preference_multiple: f32,
    months_per_year: f32,
    one: f32,
    _pad0: f32,
    _pad1: f32,
    _pad2: f32,
}

// x, opaquely: see the top of this file.
fn keep(x: f32) -> f32 {
    return x * params.one;
}

@group(0) @binding(0) var<uniform> params: Params;
// Classes (shares, preference, participating, seniority) from word 0, then planned deliveries,
// expansions (month, gpus, probability) and samplers at the offsets in params.
@group(0) @binding(1) var<storage, read> model: array<f32>;

var<private> path_lo: u32;
var<private> path_hi: u32;
var<private> key: vec2<u32>;
var<private> delivered: array<f32, 241>;
var<private> cumulative: array<f32, 241>;
var<private> cls: array<vec4<f32>, MAX_CLASSES>;
var<private> n_cls: u32;
// Taken expansions: (delivery month, the month it is decided, gpus).
var<private> taken: array<vec3<f32>, MAX_EXPANSIONS>;
var<private> n_taken: u32;
var<private> inputs: array<f32, 8>;
var<private> cash: f32;
var<private> mark: f32;
var<private> gpus: f32;
var<private> spend: f32;
var<private> pool: f32;
var<private> fd: f32;
var<private> new_money: f32;
var<private> rounds: u32;
var<private> first_raise: u32;
var<private> ending: u32;
var<private> end_month: u32;
var<private> alive: bool;
var<private> recorded_spend: f32;
var<private> capex_per_gpu: f32;
var<private> power_per_gpu: f32;
var<private> burn1: f32;
var<private> exit_multiple: f32;
var<private> revenue_log: f32;
var<private> has_revenue_log: bool;
var<private> payouts: array<f32, MAX_CLASSES>;
var<private> converts: array<bool, MAX_CLASSES>;
var<private> order: array<u32, MAX_CLASSES>;

fn growth(has_log: bool, l: f32, m: u32) -> f32 {
    if m == 1u {
        return 1.0;
    }
    if has_log {
        return f_exp(keep(f32(m - 1u) / params.months_per_year) * l);
    }
    return 0.0;
}

fn path_start(lo: u32, hi: u32) {
    path_lo = lo;
    path_hi = hi;
    key = vec2<u32>(params.seed_lo, params.seed_hi);
    exhausted = false;
    let delay_draw = sample(0u);
    let price = sample(1u);
    let infra = sample(2u);
    let pue = sample(3u);
    let kwh = sample(4u);
    burn1 = sample(5u);
    let g = sample(6u);
    exit_multiple = sample(7u);
    let delay = u32(min(max(floor(delay_draw + 0.5), 0.0), 1000000.0));
    inputs = array<f32, 8>(delay_draw, price, infra, pue, kwh, burn1, g, exit_multiple);

    let h = params.horizon;
    for (var j = 0u; j <= h; j++) {
        delivered[j] = 0.0;
    }
    for (var i = 0u; i < h; i++) {
        let at = i + 1u + delay;
        if at <= h {
            delivered[at] = delivered[at] + model[params.off_planned + i];
        }
    }
    n_taken = 0u;
    for (var e = 0u; e < params.n_expansions; e++) {
        let o = params.off_expansions + 3u * e;
        let month = u32(model[o]);
        let w = philox4x32_10(vec4<u32>(path_lo, path_hi, 8u + e, STREAM_STATIC), key);
        if uniform01(w.x) < model[o + 2u] {
            let at = month + delay;
            if at <= h {
                delivered[at] = delivered[at] + model[o + 1u];
                taken[n_taken] = vec3<f32>(f32(at), f32(month), model[o + 1u]);
                n_taken += 1u;
            }
        }
    }
    var running = 0.0;
    for (var j = 0u; j <= h; j++) {
        running = running + delivered[j];
        cumulative[j] = running;
    }
    n_cls = params.n_classes;
    var shares = 0.0;
    for (var i = 0u; i < n_cls; i++) {
        cls[i] = vec4<f32>(model[4u * i], model[4u * i + 1u], model[4u * i + 2u], model[4u * i + 3u]);
        shares = shares + cls[i].x;
    }
    cash = params.cash;
    mark = params.post_money;
    gpus = params.gpus_installed;
    spend = 0.0;
    pool = params.pool_available;
    fd = shares + pool;
    new_money = 0.0;
    rounds = 0u;
    first_raise = 0u;
    ending = ENDING_EXITED;
    end_month = 0u;
    alive = true;
    recorded_spend = 0.0;
    capex_per_gpu = price * keep(1.0 + infra);
    power_per_gpu = keep(params.kwh_per_gpu_month * pue) * kwh;
    has_revenue_log = 1.0 + g > 0.0;
    revenue_log = 0.0;
    if has_revenue_log {
        revenue_log = f_ln(1.0 + g);
    }
}

// The capex of deliveries in months m+1 ..= m+floor(months) known to the path in month m.
fn capex_next(m: u32, months: f32) -> f32 {
    let h = params.horizon;
    let last = min(m + u32(min(floor(max(months, 0.0)), f32(h))), h);
    var units = cumulative[last] - cumulative[m];
    for (var i = 0u; i < n_taken; i++) {
        let t = taken[i];
        if t.x > f32(m) && t.x <= f32(last) && t.y > f32(m) {
            units = units - t.z;
        }
    }
    return keep(units * capex_per_gpu);
}

fn fail(kind: u32, m: u32) {
    ending = kind;
    end_month = m;
    alive = false;
}

// Month m of a live path (docs/model.md steps 1-8). Returns whether the month is recorded.
fn path_month(m: u32) -> bool {
    let zw = philox4x32_10(vec4<u32>(path_lo, path_hi, m, STREAM_MARK), key);
    let z = normal(uniform01(zw.x), uniform01(zw.y));
    mark = mark * f_exp(keep(params.drift_step + keep(params.vol_step * z)));
    let d = delivered[m];
    gpus = gpus + d;
    let capex = d * capex_per_gpu;
    let power = gpus * power_per_gpu;
    let burn = burn1 * growth(params.has_burn_log != 0u, params.burn_log, m);
    let revenue = params.revenue_per_month * growth(has_revenue_log, revenue_log, m);
    cash = keep(keep(keep(cash - keep(capex)) - keep(power)) - keep(burn)) + keep(revenue);
    spend = keep(spend + keep(capex)) + keep(power);
    let net = max(keep(keep(power) + keep(burn)) - keep(revenue), 0.0);
    if rounds < params.max_rounds && cash < keep(params.trigger * net) + capex_next(m, params.trigger) {
        let uw = philox4x32_10(vec4<u32>(path_lo, path_hi, m, STREAM_RAISE), key);
        if uniform01(uw.x) < params.failure_probability {
            fail(ENDING_FAILED, m);
            return false;
        }
        let amount = max(keep(keep(params.target_runway * net) + capex_next(m, params.target_runway)) - cash, params.min_raise);
        let pre = mark;
        let post = keep(pre + amount);
        let ratio = keep(keep(params.pool_target * post) / pre);
        if ratio >= 1.0 {
            fail(ENDING_UNPRICEABLE, m);
            return false;
        }
        let top_up = max(keep(keep(keep(keep(keep(params.pool_target * fd) * post) / pre) - pool) / keep(1.0 - ratio)), 0.0);
        let price_per_share = keep(pre / keep(fd + top_up));
        let shares = keep(amount / price_per_share);
        var senior = 0;
        for (var i = 0u; i < n_cls; i++) {
            if i == 0u || i32(cls[i].w) > senior {
                senior = i32(cls[i].w);
            }
        }
        cls[n_cls] = vec4<f32>(shares, amount * params.preference_multiple, 0.0, f32(senior + 1));
        n_cls += 1u;
        pool = pool + top_up;
        fd = keep(fd + top_up) + shares;
        cash = cash + amount;
        mark = post;
        rounds += 1u;
        new_money = new_money + amount;
        if first_raise == 0u {
            first_raise = m;
        }
    }
    if cash < 0.0 {
        fail(ENDING_FAILED, m);
        return false;
    }
    recorded_spend = spend;
    return true;
}

fn pays_preference(i: u32) -> bool {
    return !converts[i] && cls[i].y > 0.0;
}

fn shares_as_common(i: u32) -> bool {
    return cls[i].y == 0.0 || converts[i] || cls[i].z != 0.0;
}

// Preferences by seniority (highest first, pari passu within one), then the rest to common,
// converted and participating shares pro rata.
fn pay(e: f32) {
    for (var i = 0u; i < n_cls; i++) {
        payouts[i] = 0.0;
    }
    var left = e;
    var level = 2147483647;
    loop {
        var found = false;
        var s = 0;
        for (var i = 0u; i < n_cls; i++) {
            let sen = i32(cls[i].w);
            if pays_preference(i) && sen < level && (!found || sen > s) {
                s = sen;
                found = true;
            }
        }
        if !found {
            break;
        }
        level = s;
        var claim = 0.0;
        for (var i = 0u; i < n_cls; i++) {
            if pays_preference(i) && i32(cls[i].w) == s {
                claim = claim + cls[i].y;
            }
        }
        let paid = min(claim, left);
        for (var i = 0u; i < n_cls; i++) {
            if pays_preference(i) && i32(cls[i].w) == s {
                payouts[i] = payouts[i] + keep(paid * keep(cls[i].y / claim));
            }
        }
        left = left - paid;
        if left <= 0.0 {
            left = 0.0;
            break;
        }
    }
    var shares = 0.0;
    for (var i = 0u; i < n_cls; i++) {
        if shares_as_common(i) {
            shares = shares + cls[i].x;
        }
    }
    if shares > 0.0 && left > 0.0 {
        for (var i = 0u; i < n_cls; i++) {
            if shares_as_common(i) {
                payouts[i] = payouts[i] + keep(left * keep(cls[i].x / shares));
            }
        }
    }
}

// The equilibrium of docs/model.md, as kernel.rs: non-participating preferred classes, in order of
// increasing preference per share (a stable sort), convert when converting pays more.
fn waterfall(e: f32) {
    var n_order = 0u;
    for (var i = 0u; i < n_cls; i++) {
        converts[i] = false;
        if cls[i].y > 0.0 && cls[i].z == 0.0 {
            let r = cls[i].y / cls[i].x;
            var j = n_order;
            while j > 0u && cls[order[j - 1u]].y / cls[order[j - 1u]].x > r {
                order[j] = order[j - 1u];
                j -= 1u;
            }
            order[j] = i;
            n_order += 1u;
        }
    }
    loop {
        var changed = false;
        for (var k = 0u; k < n_order; k++) {
            let i = order[k];
            if converts[i] {
                continue;
            }
            pay(e);
            let as_preference = payouts[i];
            var prefs_after = 0.0;
            var common_shares = 0.0;
            for (var j = 0u; j < n_cls; j++) {
                if j != i && pays_preference(j) {
                    prefs_after = prefs_after + cls[j].y;
                }
                if j != i && shares_as_common(j) {
                    common_shares = common_shares + cls[j].x;
                }
            }
            let value = keep(cls[i].x * max(keep(e - prefs_after), 0.0)) / keep(common_shares + cls[i].x);
            if value > as_preference {
                converts[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    pay(e);
}

// The exit: the value and each class's payout (zero for a failed path).
fn path_exit() -> f32 {
    for (var i = 0u; i < MAX_CLASSES; i++) {
        payouts[i] = 0.0;
    }
    if ending != ENDING_EXITED {
        return 0.0;
    }
    let e = keep(mark * exit_multiple);
    waterfall(e);
    return e;
}
