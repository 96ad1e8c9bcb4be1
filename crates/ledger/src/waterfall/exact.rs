//! Exact arithmetic for the waterfall: non-negative big integers (`Big`), rationals over them
//! (`Exact`), amounts as integer "ticks" of 10^-k, and the largest-remainder rounding that makes
//! rounded payouts sum exactly to the amount distributed. No float, no 28-digit truncation.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use crate::error::{LedgerError, Result};
use crate::rounding::PriceDirection;

pub(super) fn too_large() -> LedgerError {
    LedgerError::invalid("exit_value", "the amount is too large to compute exactly")
}

/// A non-negative decimal in ticks of 10^-k (k >= its scale).
pub(super) fn ticks(d: Decimal, k: u32) -> Big {
    Big::from_u128(d.mantissa().unsigned_abs()).mul(&Big::pow10(k - d.scale().min(k)))
}

/// multiple x price x shares, exactly, in ticks of 10^-k (k >= the product's scale).
pub(super) fn per_share_times(multiple: Decimal, price: Decimal, shares: u64, k: u32) -> Big {
    let m = Big::from_u128(multiple.mantissa().unsigned_abs())
        .mul(&Big::from_u128(price.mantissa().unsigned_abs()))
        .mul_small(shares);
    m.mul(&Big::pow10(k - (multiple.scale() + price.scale()).min(k)))
}

// ---------------------------------------------------------------------------------------------
// Largest remainder
// ---------------------------------------------------------------------------------------------

/// Rounds each exact value to `dp` decimals so that the rounded values sum to `target` (units
/// of 10^-dp): each is first rounded down, then the units still missing go one each to the
/// values with the largest remainders; equal remainders go to the earlier value. The values
/// always sum exactly to an amount of which the target is the floor or the ceiling, so the
/// target lies between the sum of the values rounded down and the sum rounded up: every value
/// ends rounded down or up, never further.
pub(super) fn apportion(items: &[Exact], target: &Big, dp: u32) -> Result<Vec<Big>> {
    let mut units = Vec::with_capacity(items.len());
    let mut rems = Vec::with_capacity(items.len());
    let mut sum = Big::zero();
    let scale = Big::pow10(dp);
    for it in items {
        let (u, r) = it.num.mul(&scale).divrem(&it.den);
        sum = sum.add(&u);
        units.push(u);
        rems.push(r);
    }
    if &sum == target {
        return Ok(units);
    }
    if items.is_empty() {
        return Err(LedgerError::conflict(
            "waterfall",
            "internal: an amount with nobody to receive it",
        ));
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| {
        let larger = if items[a].den == items[b].den {
            rems[b].cmp(&rems[a])
        } else {
            rems[b].mul(&items[a].den).cmp(&rems[a].mul(&items[b].den))
        };
        larger.then(a.cmp(&b))
    });
    // The target lies between the sum of the floors and the sum of the ceilings, so at most one
    // unit goes to each value; anything else is a bug, reported rather than spread.
    let missing = target
        .checked_sub(&sum)
        .and_then(|m| m.to_u128())
        .filter(|&m| m <= items.len() as u128)
        .ok_or_else(|| {
            LedgerError::conflict(
                "waterfall",
                "internal: the rounded payouts cannot reach the amount to distribute",
            )
        })?;
    let one = Big::from_u128(1);
    for &at in order.iter().take(missing as usize) {
        units[at] = units[at].add(&one);
    }
    Ok(units)
}

pub(super) fn units_to_decimal(units: &Big, dp: u32) -> Result<Decimal> {
    let u = units.to_u128().ok_or_else(too_large)?;
    let i = i128::try_from(u).map_err(|_| too_large())?;
    Decimal::try_from_i128_with_scale(i, dp).map_err(|_| too_large())
}

// ---------------------------------------------------------------------------------------------
// Exact arithmetic
// ---------------------------------------------------------------------------------------------

/// How an exact value is brought to a number of decimals.
#[derive(Debug, Clone, Copy)]
pub(super) enum Mode {
    Down,
    Up,
    HalfUp,
    HalfEven,
}

impl Mode {
    pub(super) fn of(d: PriceDirection) -> Mode {
        match d {
            PriceDirection::Up => Mode::Up,
            PriceDirection::Down => Mode::Down,
            PriceDirection::HalfUp => Mode::HalfUp,
            PriceDirection::HalfEven => Mode::HalfEven,
        }
    }
}

/// A non-negative rational number num / den, den > 0.
#[derive(Debug, Clone)]
pub(super) struct Exact {
    num: Big,
    den: Big,
}

impl Exact {
    pub(super) fn new(num: Big, den: Big) -> Exact {
        debug_assert!(!den.is_zero());
        Exact { num, den }
    }

    pub(super) fn zero() -> Exact {
        Exact::new(Big::zero(), Big::from_u128(1))
    }

    pub(super) fn is_zero(&self) -> bool {
        self.num.is_zero()
    }

    pub(super) fn add(&self, o: &Exact) -> Exact {
        if o.num.is_zero() {
            self.clone()
        } else if self.num.is_zero() {
            o.clone()
        } else if self.den == o.den {
            Exact::new(self.num.add(&o.num), self.den.clone())
        } else {
            Exact::new(
                self.num.mul(&o.den).add(&o.num.mul(&self.den)),
                self.den.mul(&o.den),
            )
        }
    }

    pub(super) fn cmp(&self, o: &Exact) -> Ordering {
        self.num.mul(&o.den).cmp(&o.num.mul(&self.den))
    }

    /// This value divided by a whole number.
    pub(super) fn per(&self, n: u64) -> Exact {
        Exact::new(self.num.clone(), self.den.mul_small(n.max(1)))
    }

    /// floor(value x 10^dp), and the remainder's numerator over `den`.
    fn scaled_floor(&self, dp: u32) -> (Big, Big) {
        self.num.mul(&Big::pow10(dp)).divrem(&self.den)
    }

    /// value x 10^dp made whole by `mode`.
    pub(super) fn round_units(&self, dp: u32, mode: Mode) -> Big {
        let (u, r) = self.scaled_floor(dp);
        if r.is_zero() {
            return u;
        }
        let twice = r.mul_small(2);
        let up = match mode {
            Mode::Down => false,
            Mode::Up => true,
            Mode::HalfUp => twice >= self.den,
            Mode::HalfEven => match twice.cmp(&self.den) {
                Ordering::Greater => true,
                Ordering::Less => false,
                Ordering::Equal => u.0.first().is_some_and(|l| l & 1 == 1),
            },
        };
        if up {
            u.add(&Big::from_u128(1))
        } else {
            u
        }
    }

    pub(super) fn round(&self, dp: u32, mode: Mode) -> Result<Decimal> {
        units_to_decimal(&self.round_units(dp, mode), dp)
    }

    /// The value to 28 significant digits, truncated (exact when it has no more).
    pub(super) fn truncated(&self) -> Result<Decimal> {
        let (whole, _) = self.num.divrem(&self.den);
        let digits = match whole.to_u128() {
            Some(0) => 0,
            Some(w) => w.ilog10() + 1,
            None => return Err(too_large()),
        };
        if digits > 28 {
            return Err(too_large());
        }
        let scale = 28 - digits;
        let (units, _) = self.scaled_floor(scale);
        Ok(units_to_decimal(&units, scale)?.normalize())
    }
}

/// A non-negative integer of any size: little-endian 64-bit limbs, no leading zero limbs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Big(Vec<u64>);

impl Ord for Big {
    fn cmp(&self, o: &Big) -> Ordering {
        self.0
            .len()
            .cmp(&o.0.len())
            .then_with(|| self.0.iter().rev().cmp(o.0.iter().rev()))
    }
}

impl PartialOrd for Big {
    fn partial_cmp(&self, o: &Big) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Big {
    pub(super) fn zero() -> Big {
        Big(Vec::new())
    }

    pub(super) fn from_u128(v: u128) -> Big {
        let mut b = Big(vec![v as u64, (v >> 64) as u64]);
        b.trim();
        b
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    pub(super) fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    pub(super) fn to_u128(&self) -> Option<u128> {
        match self.0.len() {
            0 => Some(0),
            1 => Some(u128::from(self.0[0])),
            2 => Some(u128::from(self.0[0]) | (u128::from(self.0[1]) << 64)),
            _ => None,
        }
    }

    pub(super) fn pow10(n: u32) -> Big {
        if n <= 38 {
            return Big::from_u128(10u128.pow(n));
        }
        let mut b = Big::from_u128(1);
        let mut left = n;
        while left > 0 {
            let step = left.min(19);
            b = b.mul_small(10u64.pow(step));
            left -= step;
        }
        b
    }

    pub(super) fn add(&self, o: &Big) -> Big {
        let (long, short) = if self.0.len() >= o.0.len() {
            (self, o)
        } else {
            (o, self)
        };
        let mut out = Vec::with_capacity(long.0.len() + 1);
        let mut carry = 0u128;
        for (i, &a) in long.0.iter().enumerate() {
            let s = u128::from(a) + u128::from(short.0.get(i).copied().unwrap_or(0)) + carry;
            out.push(s as u64);
            carry = s >> 64;
        }
        if carry > 0 {
            out.push(carry as u64);
        }
        Big(out)
    }

    pub(super) fn checked_sub(&self, o: &Big) -> Option<Big> {
        if *self < *o {
            return None;
        }
        let mut out = Vec::with_capacity(self.0.len());
        let mut borrow = false;
        for (i, &a) in self.0.iter().enumerate() {
            let b = o.0.get(i).copied().unwrap_or(0);
            let (d1, b1) = a.overflowing_sub(b);
            let (d2, b2) = d1.overflowing_sub(u64::from(borrow));
            out.push(d2);
            borrow = b1 || b2;
        }
        let mut r = Big(out);
        r.trim();
        Some(r)
    }

    pub(super) fn mul_small(&self, m: u64) -> Big {
        if m == 0 || self.is_zero() {
            return Big::zero();
        }
        let mut out = Vec::with_capacity(self.0.len() + 1);
        let mut carry = 0u128;
        for &a in &self.0 {
            let t = u128::from(a) * u128::from(m) + carry;
            out.push(t as u64);
            carry = t >> 64;
        }
        if carry > 0 {
            out.push(carry as u64);
        }
        Big(out)
    }

    pub(super) fn mul(&self, o: &Big) -> Big {
        if self.is_zero() || o.is_zero() {
            return Big::zero();
        }
        if o.0.len() == 1 {
            return self.mul_small(o.0[0]);
        }
        if self.0.len() == 1 {
            return o.mul_small(self.0[0]);
        }
        let mut out = vec![0u64; self.0.len() + o.0.len()];
        for (i, &a) in self.0.iter().enumerate() {
            let mut carry = 0u128;
            for (j, &b) in o.0.iter().enumerate() {
                let t = u128::from(a) * u128::from(b) + u128::from(out[i + j]) + carry;
                out[i + j] = t as u64;
                carry = t >> 64;
            }
            out[i + o.0.len()] = carry as u64;
        }
        let mut r = Big(out);
        r.trim();
        r
    }

    /// (quotient, remainder). Knuth's algorithm D (TAOCP vol. 2, 4.3.1) on 64-bit limbs.
    pub(super) fn divrem(&self, d: &Big) -> (Big, Big) {
        assert!(!d.is_zero(), "division by zero");
        if self < d {
            return (Big::zero(), self.clone());
        }
        if d.0.len() == 1 {
            let dv = u128::from(d.0[0]);
            let mut q = vec![0u64; self.0.len()];
            let mut rem = 0u128;
            for i in (0..self.0.len()).rev() {
                let cur = (rem << 64) | u128::from(self.0[i]);
                q[i] = (cur / dv) as u64;
                rem = cur % dv;
            }
            let mut q = Big(q);
            q.trim();
            return (q, Big::from_u128(rem));
        }
        const B: u128 = 1 << 64;
        let n = d.0.len();
        let shift = d.0[n - 1].leading_zeros();
        let v = shl_limbs(&d.0, shift);
        let mut u = shl_limbs(&self.0, shift);
        let u_len = u.len();
        let m = u_len - n - 1;
        let mut q = vec![0u64; m + 1];
        let vtop = u128::from(v[n - 1]);
        let vnext = u128::from(v[n - 2]);
        for j in (0..=m).rev() {
            let top = (u128::from(u[j + n]) << 64) | u128::from(u[j + n - 1]);
            let mut qhat = top / vtop;
            let mut rhat = top % vtop;
            while qhat >= B || qhat * vnext > ((rhat << 64) | u128::from(u[j + n - 2])) {
                qhat -= 1;
                rhat += vtop;
                if rhat >= B {
                    break;
                }
            }
            // u[j..=j+n] -= qhat x v
            let mut borrow: i128 = 0;
            let mut carry: u128 = 0;
            for i in 0..n {
                let p = qhat * u128::from(v[i]) + carry;
                carry = p >> 64;
                let t = i128::from(u[i + j]) - i128::from(p as u64) + borrow;
                u[i + j] = t as u64;
                borrow = t >> 64;
            }
            let t = i128::from(u[j + n]) - carry as i128 + borrow;
            u[j + n] = t as u64;
            if t < 0 {
                // qhat was one too many: add v back.
                qhat -= 1;
                let mut c = 0u128;
                for i in 0..n {
                    let s = u128::from(u[i + j]) + u128::from(v[i]) + c;
                    u[i + j] = s as u64;
                    c = s >> 64;
                }
                u[j + n] = u[j + n].wrapping_add(c as u64);
            }
            q[j] = qhat as u64;
        }
        let mut q = Big(q);
        q.trim();
        let mut r = vec![0u64; n];
        for i in 0..n {
            r[i] = if shift == 0 {
                u[i]
            } else {
                (u[i] >> shift) | (u[i + 1] << (64 - shift))
            };
        }
        let mut r = Big(r);
        r.trim();
        (q, r)
    }
}

/// limbs << shift (shift < 64), with one more limb for what shifts out of the top.
fn shl_limbs(a: &[u64], shift: u32) -> Vec<u64> {
    let mut out = Vec::with_capacity(a.len() + 1);
    if shift == 0 {
        out.extend_from_slice(a);
        out.push(0);
        return out;
    }
    let mut carry = 0u64;
    for &x in a {
        out.push((x << shift) | carry);
        carry = x >> (64 - shift);
    }
    out.push(carry);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn big(v: u128) -> Big {
        Big::from_u128(v)
    }

    /// A big number from limbs (most significant first, for reading).
    fn limbs(ls: &[u64]) -> Big {
        let mut b = Big(ls.iter().rev().copied().collect());
        b.trim();
        b
    }

    #[test]
    fn small_arithmetic_matches_u128() {
        let a = big(123_456_789_012_345_678_901_234_567);
        let b = big(987_654_321);
        assert_eq!(
            a.add(&b).to_u128(),
            Some(123_456_789_012_345_679_888_888_888)
        );
        assert_eq!(
            a.checked_sub(&b).unwrap().to_u128(),
            Some(123_456_789_012_345_677_913_580_246)
        );
        assert!(b.checked_sub(&a).is_none());
        let (q, r) = a.divrem(&b);
        assert_eq!(
            q.to_u128(),
            Some(123_456_789_012_345_678_901_234_567 / 987_654_321)
        );
        assert_eq!(
            r.to_u128(),
            Some(123_456_789_012_345_678_901_234_567 % 987_654_321)
        );
        assert_eq!(
            Big::pow10(30).divrem(&Big::pow10(28)).0.to_u128(),
            Some(100)
        );
    }

    #[test]
    fn exact_rounding_modes() {
        // 2.5 and 3.5 at 0 dp, 1/3 at 2 dp.
        let h = Exact::new(big(5), big(2));
        let t = Exact::new(big(7), big(2));
        assert_eq!(h.round(0, Mode::HalfEven).unwrap(), Decimal::from(2));
        assert_eq!(t.round(0, Mode::HalfEven).unwrap(), Decimal::from(4));
        assert_eq!(h.round(0, Mode::HalfUp).unwrap(), Decimal::from(3));
        assert_eq!(h.round(0, Mode::Down).unwrap(), Decimal::from(2));
        let third = Exact::new(big(1), big(3));
        assert_eq!(third.round(2, Mode::Up).unwrap().to_string(), "0.34");
        assert_eq!(
            third.truncated().unwrap().to_string(),
            "0.3333333333333333333333333333"
        );
    }

    #[test]
    fn largest_remainder_ties_go_to_the_first() {
        let third = Exact::new(big(100), big(3));
        let out = apportion(&[third.clone(), third.clone(), third], &big(10_000), 2).unwrap();
        let v: Vec<_> = out.iter().map(|u| u.to_u128().unwrap()).collect();
        assert_eq!(v, vec![3334, 3333, 3333]);
    }

    /// The "add back" case of algorithm D (Hacker's Delight's divmnu test vector "adding back
    /// required", with 64-bit limbs): the first estimate of the quotient digit is 4, one too many.
    #[test]
    fn division_that_adds_back() {
        let u = limbs(&[1 << 63, 0, 3]);
        let v = limbs(&[1 << 61, 0, 1]);
        let (q, r) = u.divrem(&v);
        assert_eq!(q.to_u128(), Some(3));
        assert_eq!(r, limbs(&[1 << 61, 0, 0]));
    }

    fn edge_limb() -> impl Strategy<Value = u64> {
        prop_oneof![
            Just(0u64),
            Just(1u64),
            Just(u64::MAX),
            Just(u64::MAX - 1),
            Just(1u64 << 63),
            Just((1u64 << 63) - 1),
            any::<u64>(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

        /// Limbs near the edges (0, 1, 2^63, 2^64 - 1...) reach the rare corrections of
        /// algorithm D (qhat too large, add back) that uniform limbs almost never do.
        #[test]
        fn division_identity(
            a in prop::collection::vec(edge_limb(), 1..7),
            d in prop::collection::vec(edge_limb(), 1..5),
            top in 1u64..,
        ) {
            let a = limbs(&a);
            let mut d = d;
            d[0] = top; // the divisor is not zero
            let d = limbs(&d);
            let (q, r) = a.divrem(&d);
            prop_assert!(r < d);
            prop_assert_eq!(q.mul(&d).add(&r), a);
        }

        #[test]
        fn division_recovers_quotient_and_remainder(
            q in prop::collection::vec(edge_limb(), 1..5),
            d in prop::collection::vec(edge_limb(), 2..5),
            r_seed in prop::collection::vec(any::<u64>(), 1..5),
        ) {
            let d = limbs(&d).add(&Big::from_u128(1));
            let q = limbs(&q);
            let (_, r) = limbs(&r_seed).divrem(&d);
            let a = q.mul(&d).add(&r);
            prop_assert_eq!(a.divrem(&d), (q, r));
        }

        #[test]
        fn product_matches_u128(a in any::<u64>(), b in any::<u64>(), c in any::<u64>()) {
            let p = big(u128::from(a)).mul(&big(u128::from(b)));
            prop_assert_eq!(p.to_u128(), Some(u128::from(a) * u128::from(b)));
            let (q, r) = p.divrem(&big(u128::from(c.max(1))));
            prop_assert_eq!(q.to_u128(), Some(u128::from(a) * u128::from(b) / u128::from(c.max(1))));
            prop_assert_eq!(r.to_u128(), Some(u128::from(a) * u128::from(b) % u128::from(c.max(1))));
        }
    }
}
