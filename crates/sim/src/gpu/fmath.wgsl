// ln, exp and cos from + - * / and bit operations: the twin of fmath.rs, operation for
// operation (the constants are generated from fmath.rs and prepended). No built-in log, exp
// or cos: a device's built-ins differ from the CPU's by a few ulp.

fn f_ln(x: f32) -> f32 {
    let bits = bitcast<u32>(x);
    var e = i32((bits >> 23u) & 0xffu) - 127;
    var m = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
    if m > SQRT_2 {
        m = m * 0.5;
        e = e + 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let series = s * (2.0 + s2 * (LN_0 + s2 * (LN_1 + s2 * (LN_2 + s2 * LN_3))));
    let ef = f32(e);
    return ef * LN2_HI + (ef * LN2_LO + series);
}

fn f_exp(x_in: f32) -> f32 {
    let x = min(max(x_in, -87.0), 88.0);
    var half = -0.5;
    if x >= 0.0 {
        half = 0.5;
    }
    let n = i32(x * INV_LN2 + half);
    let nf = f32(n);
    let r = (x - nf * LN2_HI) - nf * LN2_LO;
    let p = 1.0 + r * (1.0 + r * (EXP_0 + r * (EXP_1 + r * (EXP_2 + r * (EXP_3 + r * (EXP_4 + r * EXP_5))))));
    return p * bitcast<f32>(u32(n + 127) << 23u);
}

fn sin_poly(x: f32, x2: f32) -> f32 {
    return x * (1.0 + x2 * (SIN_0 + x2 * (SIN_1 + x2 * (SIN_2 + x2 * SIN_3))));
}

fn cos_poly(x2: f32) -> f32 {
    return 1.0 + x2 * (COS_0 + x2 * (COS_1 + x2 * (COS_2 + x2 * COS_3)));
}

// cos(2 pi t) for t in [0, 1).
fn cos_turns(t: f32) -> f32 {
    let q = 4.0 * t;
    let k = i32(q + 0.5);
    let x = (q - f32(k)) * FRAC_PI_2;
    let x2 = x * x;
    switch k & 3 {
        case 0: { return cos_poly(x2); }
        case 1: { return -sin_poly(x, x2); }
        case 2: { return -cos_poly(x2); }
        default: { return sin_poly(x, x2); }
    }
}

// The first Box-Muller normal: sqrt(-2 ln u1) cos(2 pi u2).
fn normal(u1: f32, u2: f32) -> f32 {
    return sqrt(-2.0 * f_ln(u1)) * cos_turns(u2);
}
