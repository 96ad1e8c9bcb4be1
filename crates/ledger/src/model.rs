//! Round modelling: a pro forma priced round, computed from the book and recorded
//! only when the user commits it.
//!
//! A round prices against the pre-money capitalisation; an option pool top-up
//! sized on the *post*-money fully diluted count and the conversion of post-money
//! SAFEs (whose capitalisation includes the converting shares themselves) make the
//! definitions circular. They are solved exactly, not by trial and error:
//!
//! Let x be the total conversion shares (SAFEs and notes). Given x, everything else
//! is affine in x: the pool top-up dP(x), the shares a dollar buys q(x) = 1/price, the
//! capitalisations a cap divides. Each instrument converts into
//! max(cap shares, discount shares) (the lower price), a maximum of affine functions
//! of x, so total conversion g(x) is convex, piecewise affine and increasing. The
//! solution is the fixed point x = g(x): on each piece between consecutive crossing
//! points g is affine, x = b / (1 - s), and the piece whose interval holds its own
//! solution is the answer. There are at most (instruments + 1) pieces, so the search
//! ends; slopes summing to 1 or more would mean the SAFEs own the whole company, and
//! are refused. The pool is tried as a top-up first and, if the existing pool already
//! meets the target, without one. Every solution is checked against the definitions.
//!
//! Definitions (docs/round-model.md has them with their sources):
//! - pre-money valuation V (or post-money P: V = P - new money M);
//! - F = fully diluted shares before the round (docs/captable.md), A = options available;
//! - pool top-up dP = max(0, t x T - A), T = post-money FD shares, t = pool target;
//! - price = V / (F + x + dP) with the top-up in the pre-money ("option pool shuffle"),
//!   V / (F + x) with it in the post-money (it then dilutes the new investors too);
//! - cap price = cap / the instrument's capitalisation, whose parts are explicit rules
//!   (`CapitalisationRules`: outstanding shares, options, the unissued pool, the pool top-up,
//!   the converting securities, the new money); by default YC's: a post-money SAFE counts the
//!   converting securities and not the top-up (F + x); a pre-money SAFE or note counts the
//!   top-up and not the converting securities (F + dP);
//! - discount price = (1 - d) x round price; an instrument with neither converts at the
//!   round price; shares = amount / conversion price (a note's amount is principal plus
//!   interest accrued to the round's date).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::book::{Book, NewClass, NewValuation};
use crate::captable::{percent, CapTable};
use crate::domain::*;
use crate::error::{LedgerError, Result};
use crate::journal::Movement;
use crate::money::Money;
use crate::round::Investment;
use crate::rounding::RoundingPolicy;

/// How the user states the round's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "amount", rename_all = "kebab-case")]
pub enum RoundValuation {
    PreMoney(Money),
    /// Pre-money = post-money - the new money.
    PostMoney(Money),
}

/// Whose shares the option pool top-up dilutes.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PoolTiming {
    /// Counted in the pre-money (the "option pool shuffle"): only existing holders are diluted.
    #[default]
    PreMoney,
    /// Added after the round is priced: new investors are diluted too.
    PostMoney,
}

/// The round's option pool top-up: into which plan, how big, and whose shares it dilutes.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolTopUp {
    /// The plan that receives the top-up.
    pub plan: PlanId,
    pub size: PoolSize,
    pub timing: PoolTiming,
}

/// How a pool top-up is sized: the two ways term sheets and SAFE examples state it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PoolSize {
    /// Options available after the round as a fraction of post-money FD shares (0.10 = 10%):
    /// the top-up is solved with the round and rounded by `RoundingPolicy::pool`.
    Target(#[cfg_attr(feature = "ts", ts(type = "string"))] Decimal),
    /// A given number of new shares reserved (YC's post-money SAFE user guide: "an option pool
    /// increase of 1,695,000 shares").
    Shares(u64),
}

impl PoolSize {
    /// In words, for a pool entry's memo and the outputs that state the terms used.
    pub fn describe(self) -> String {
        match self {
            PoolSize::Target(t) => format!(
                "to {}% of post-money FD",
                (t * Decimal::ONE_HUNDRED).normalize()
            ),
            PoolSize::Shares(n) => format!("by {n} shares"),
        }
    }
}

/// What a converting instrument's "company capitalisation" counts (OCF's
/// CapitalizationDefinitionRules). A cap price is the cap divided by this count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapitalisationRules {
    pub outstanding_shares: bool,
    pub outstanding_options: bool,
    /// Options available for grant before the round.
    pub unissued_pool: bool,
    /// The round's pool top-up.
    pub pool_topup: bool,
    /// The shares every converting SAFE and note receives (this one included).
    pub converting_securities: bool,
    /// The shares bought with the round's new money.
    pub new_money: bool,
}

impl CapitalisationRules {
    /// YC's post-money SAFE (2018): "Company Capitalization" counts outstanding shares,
    /// options, the unissued pool and the converting securities; not the round's pool
    /// increase, not the new money.
    pub const YC_POST_MONEY_SAFE: CapitalisationRules = CapitalisationRules {
        outstanding_shares: true,
        outstanding_options: true,
        unissued_pool: true,
        pool_topup: false,
        converting_securities: true,
        new_money: false,
    };
    /// YC's pre-money SAFE, and the usual note: outstanding shares, options, the pool and its
    /// increase for the round; not the converting securities, not the new money.
    pub const YC_PRE_MONEY_SAFE: CapitalisationRules = CapitalisationRules {
        outstanding_shares: true,
        outstanding_options: true,
        unissued_pool: true,
        pool_topup: true,
        converting_securities: false,
        new_money: false,
    };
}

/// The capitalisation each kind of instrument divides its cap by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapitalisationDefinitions {
    pub post_money_safes: CapitalisationRules,
    /// Pre-money SAFEs and convertible notes.
    pub pre_money_safes_and_notes: CapitalisationRules,
}

impl Default for CapitalisationDefinitions {
    fn default() -> Self {
        CapitalisationDefinitions {
            post_money_safes: CapitalisationRules::YC_POST_MONEY_SAFE,
            pre_money_safes_and_notes: CapitalisationRules::YC_PRE_MONEY_SAFE,
        }
    }
}

/// Which outstanding SAFEs and notes the round converts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Conversions {
    All,
    None,
    Only(Vec<EntryId>),
}

#[derive(Debug, Clone)]
pub struct RoundModel {
    pub name: String,
    pub date: NaiveDate,
    pub class: ClassId,
    pub valuation: RoundValuation,
    pub investments: Vec<Investment>,
    /// Existing holders exercising a pro-rata right: each invests its fully diluted share
    /// before the round times the new money in `investments` (NVCA investors' rights:
    /// "its pro rata share of New Securities").
    pub pro_rata: Vec<StakeholderId>,
    pub lead: Option<StakeholderId>,
    pub pool: Option<PoolTopUp>,
    pub conversions: Conversions,
    /// What the instruments' caps divide by; YC's definitions by default.
    pub capitalisation: CapitalisationDefinitions,
    pub rounding: RoundingPolicy,
    pub note: Option<String>,
}

/// Which price an instrument converted at.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConversionBasis {
    Cap,
    Discount,
    RoundPrice,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConversionLine {
    pub instrument: EntryId,
    pub holder: StakeholderId,
    pub name: String,
    pub kind: &'static str,
    /// Investment, or a note's principal plus accrued interest.
    pub amount: Money,
    pub basis: ConversionBasis,
    pub conversion_price: Money,
    pub shares: u64,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewMoneyLine {
    pub investor: StakeholderId,
    pub name: String,
    pub amount: Money,
    pub shares: u64,
    pub invested: Money,
    pub uninvested: Money,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dilution {
    pub stakeholder: StakeholderId,
    pub name: String,
    pub before_fd: u64,
    pub after_fd: u64,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub before_pct: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub after_pct: Decimal,
}

/// A modelled round: every figure, and the pro forma cap table it leads to.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelOutcome {
    pub name: String,
    pub date: NaiveDate,
    pub class: ClassId,
    pub rounding: RoundingPolicy,
    pub rounding_rule: String,
    pub pre_money: Money,
    pub new_money: Money,
    pub post_money: Money,
    /// Fully diluted shares before the round (F).
    pub pre_round_fd_shares: u64,
    /// The shares the pre-money valuation is divided by: F + conversions (+ the top-up when in the pre-money).
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub price_denominator: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub exact_price: Decimal,
    pub price_per_share: Money,
    pub pool: Option<PoolTopUp>,
    pub pool_available_before: u64,
    pub pool_increase: u64,
    pub pool_available_after: u64,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub pool_available_after_pct: Decimal,
    pub conversions: Vec<ConversionLine>,
    pub new_money_lines: Vec<NewMoneyLine>,
    pub new_shares: u64,
    pub conversion_shares: u64,
    pub post_money_fd_shares: u64,
    pub implied_post_money: Money,
    pub dilution: Vec<Dilution>,
    /// Conversion price adjustments the round triggers in classes with anti-dilution
    /// protection (a down round), recorded with it.
    pub anti_dilution: Vec<crate::antidilution::Adjustment>,
    pub pro_forma: CapTable,
}

fn big() -> LedgerError {
    LedgerError::invalid("amount", "the figures are too large to compute exactly")
}
fn mul(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_mul(b).ok_or_else(big)
}
fn div(a: Decimal, b: Decimal) -> Result<Decimal> {
    if b.is_zero() {
        return Err(big());
    }
    a.checked_div(b).ok_or_else(big)
}
fn add(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_add(b).ok_or_else(big)
}
fn sub(a: Decimal, b: Decimal) -> Result<Decimal> {
    a.checked_sub(b).ok_or_else(big)
}

/// An affine function of x: slope x + intercept.
#[derive(Debug, Clone, Copy)]
struct Affine {
    slope: Decimal,
    intercept: Decimal,
}

impl Affine {
    fn at(self, x: Decimal) -> Result<Decimal> {
        add(mul(self.slope, x)?, self.intercept)
    }
    fn scale(self, k: Decimal) -> Result<Affine> {
        Ok(Affine {
            slope: mul(self.slope, k)?,
            intercept: mul(self.intercept, k)?,
        })
    }
}

/// One instrument as the solver sees it.
#[derive(Debug, Clone)]
pub struct ConvertingInstrument {
    pub amount: Decimal,
    pub cap: Option<Decimal>,
    pub discount: Option<Decimal>,
    /// What its cap divides by.
    pub capitalisation: CapitalisationRules,
}

/// The solver's inputs: plain numbers, no book.
#[derive(Debug, Clone)]
pub struct SolveInput {
    /// F: outstanding + options + available.
    pub pre_fd: Decimal,
    pub outstanding: Decimal,
    pub options: Decimal,
    pub available: Decimal,
    pub pre_money: Decimal,
    pub new_money: Decimal,
    pub pool: Option<(PoolSize, PoolTiming)>,
    pub instruments: Vec<ConvertingInstrument>,
}

/// The exact solution of the round's definitions.
#[derive(Debug, Clone)]
pub struct Solution {
    pub conversion_total: Decimal,
    pub pool_increase: Decimal,
    /// Shares per dollar at the round price (1 / price).
    pub shares_per_dollar: Decimal,
    pub post_fd: Decimal,
    pub per_instrument: Vec<(Decimal, ConversionBasis)>,
}

struct Shape {
    /// dP(x)
    pool: Affine,
    /// q(x)
    q: Affine,
}

/// An instrument's capitalisation as an affine function of x.
fn capitalisation(i: &SolveInput, s: &Shape, r: &CapitalisationRules) -> Result<Affine> {
    let mut c = Affine {
        slope: Decimal::ZERO,
        intercept: Decimal::ZERO,
    };
    let mut plus = |f: Affine| -> Result<()> {
        c = Affine {
            slope: add(c.slope, f.slope)?,
            intercept: add(c.intercept, f.intercept)?,
        };
        Ok(())
    };
    let constant = |v: Decimal| Affine {
        slope: Decimal::ZERO,
        intercept: v,
    };
    if r.outstanding_shares {
        plus(constant(i.outstanding))?;
    }
    if r.outstanding_options {
        plus(constant(i.options))?;
    }
    if r.unissued_pool {
        plus(constant(i.available))?;
    }
    if r.pool_topup {
        plus(s.pool)?;
    }
    if r.converting_securities {
        plus(Affine {
            slope: Decimal::ONE,
            intercept: Decimal::ZERO,
        })?;
    }
    if r.new_money {
        plus(s.q.scale(i.new_money)?)?;
    }
    Ok(c)
}

fn shape(i: &SolveInput, topup: bool) -> Result<Shape> {
    let f = i.pre_fd;
    let one = Decimal::ONE;
    // F + x
    let fx = Affine {
        slope: one,
        intercept: f,
    };
    let in_pre = matches!(i.pool, Some((_, PoolTiming::PreMoney)));
    let pool = match (i.pool, topup) {
        (Some((PoolSize::Shares(n), _)), _) => Affine {
            slope: Decimal::ZERO,
            intercept: Decimal::from(n),
        },
        (Some((PoolSize::Target(t), timing)), true) => {
            // dP = [t (F + x)(V + M)/V - A] / den, den = 1 - t (V + M)/V (pre) or 1 - t (post)
            let post_over_pre = div(add(i.pre_money, i.new_money)?, i.pre_money)?;
            let c = mul(t, post_over_pre)?;
            let den = match timing {
                PoolTiming::PreMoney => sub(one, c)?,
                PoolTiming::PostMoney => sub(one, t)?,
            };
            if den <= Decimal::ZERO {
                return Err(LedgerError::invalid(
                    "pool_target",
                    format!("a pool of {t} of the post-money with post/pre = {post_over_pre} cannot be priced (t x post/pre >= 1)"),
                ));
            }
            Affine {
                slope: div(c, den)?,
                intercept: div(sub(mul(c, f)?, i.available)?, den)?,
            }
        }
        _ => Affine {
            slope: Decimal::ZERO,
            intercept: Decimal::ZERO,
        },
    };
    // q = (F + x + [pre] dP) / V
    let numerator = if in_pre {
        Affine {
            slope: add(one, pool.slope)?,
            intercept: add(f, pool.intercept)?,
        }
    } else {
        fx
    };
    let q = numerator.scale(div(one, i.pre_money)?)?;
    Ok(Shape { pool, q })
}

/// The candidates an instrument may convert at, as affine functions of x (shares).
fn candidates(
    i: &SolveInput,
    s: &Shape,
    k: &ConvertingInstrument,
) -> Result<Vec<(Affine, ConversionBasis)>> {
    let mut out = vec![];
    if let Some(cap) = k.cap {
        let base = capitalisation(i, s, &k.capitalisation)?;
        if base.slope.is_zero() && base.intercept <= Decimal::ZERO {
            return Err(LedgerError::invalid(
                "capitalisation",
                "a capitalisation that counts nothing cannot price a cap",
            ));
        }
        out.push((base.scale(div(k.amount, cap)?)?, ConversionBasis::Cap));
    }
    // The round price, discounted if the instrument has a discount, is always a candidate: a
    // cap above the round's price does not make the holder pay more than new investors (YC's
    // cap-only SAFE: "Discount Price" is the round price; Carta: the lower of the two prices).
    match k.discount {
        Some(d) => out.push((
            s.q.scale(div(k.amount, sub(Decimal::ONE, d)?)?)?,
            ConversionBasis::Discount,
        )),
        None => out.push((s.q.scale(k.amount)?, ConversionBasis::RoundPrice)),
    }
    Ok(out)
}

fn best_at(
    c: &[(Affine, ConversionBasis)],
    x: Decimal,
) -> Result<(Decimal, ConversionBasis, Affine)> {
    let mut best: Option<(Decimal, ConversionBasis, Affine)> = None;
    for (f, basis) in c {
        let v = f.at(x)?;
        if best.as_ref().is_none_or(|b| v > b.0) {
            best = Some((v, *basis, *f));
        }
    }
    best.ok_or_else(big)
}

/// Solves the round's definitions exactly (see the module docs).
pub fn solve(i: &SolveInput) -> Result<Solution> {
    if i.pre_money <= Decimal::ZERO {
        return Err(LedgerError::invalid(
            "pre_money",
            "the pre-money valuation must be greater than zero",
        ));
    }
    if i.pre_fd <= Decimal::ZERO {
        return Err(LedgerError::conflict(
            "date",
            "there are no fully diluted shares to price the round against",
        ));
    }
    // A target may already be met (then there is no top-up); a share count is what it is.
    let tries: &[bool] = match i.pool {
        Some((PoolSize::Target(_), _)) => &[true, false],
        _ => &[false],
    };
    for &topup in tries {
        let s = shape(i, topup)?;
        let cands: Vec<_> = i
            .instruments
            .iter()
            .map(|k| candidates(i, &s, k))
            .collect::<Result<_>>()?;
        // Crossing points of each instrument's candidates, in x >= 0.
        let mut cuts = vec![Decimal::ZERO];
        for c in &cands {
            for (a, b) in c.iter().zip(c.iter().skip(1)) {
                let ds = sub(a.0.slope, b.0.slope)?;
                if !ds.is_zero() {
                    let x = div(sub(b.0.intercept, a.0.intercept)?, ds)?;
                    if x > Decimal::ZERO {
                        cuts.push(x);
                    }
                }
            }
        }
        cuts.sort();
        cuts.dedup();
        let mut found = None;
        for (n, lo) in cuts.iter().enumerate() {
            let hi = cuts.get(n + 1).copied();
            // Which candidate wins on this piece: look just inside it.
            let probe = match hi {
                Some(h) => div(add(*lo, h)?, Decimal::TWO)?,
                None => add(*lo, Decimal::ONE)?,
            };
            let mut g = Affine {
                slope: Decimal::ZERO,
                intercept: Decimal::ZERO,
            };
            for c in &cands {
                let (_, _, f) = best_at(c, probe)?;
                g = Affine {
                    slope: add(g.slope, f.slope)?,
                    intercept: add(g.intercept, f.intercept)?,
                };
            }
            if g.slope >= Decimal::ONE {
                return Err(LedgerError::invalid(
                    "convertibles",
                    "the SAFEs and notes would convert into the whole company at these terms",
                ));
            }
            let x = div(g.intercept, sub(Decimal::ONE, g.slope)?)?;
            let inside = x >= *lo - tolerance(*lo) && hi.is_none_or(|h| x <= h + tolerance(h));
            if inside {
                found = Some(x.max(Decimal::ZERO));
                break;
            }
        }
        let Some(x) = found else { continue };
        let pool_increase = s.pool.at(x)?;
        if topup && pool_increase < Decimal::ZERO {
            continue; // the pool already meets the target: solve without a top-up
        }
        let q = s.q.at(x)?;
        let mut per = vec![];
        for c in &cands {
            let (v, basis, _) = best_at(c, x)?;
            per.push((v, basis));
        }
        let post_fd = add(add(add(i.pre_fd, x)?, pool_increase)?, mul(i.new_money, q)?)?;
        let solution = Solution {
            conversion_total: x,
            pool_increase,
            shares_per_dollar: q,
            post_fd,
            per_instrument: per,
        };
        verify(i, &solution, topup)?;
        return Ok(solution);
    }
    Err(LedgerError::invalid(
        "pool_target",
        "no pool size satisfies the target at these terms",
    ))
}

/// An instrument's capitalisation at the solution, computed from the definitions directly.
fn capitalisation_at(i: &SolveInput, s: &Solution, r: &CapitalisationRules) -> Decimal {
    let pick = |on: bool, v: Decimal| if on { v } else { Decimal::ZERO };
    pick(r.outstanding_shares, i.outstanding)
        + pick(r.outstanding_options, i.options)
        + pick(r.unissued_pool, i.available)
        + pick(r.pool_topup, s.pool_increase)
        + pick(r.converting_securities, s.conversion_total)
        + pick(r.new_money, i.new_money * s.shares_per_dollar)
}

fn tolerance(scale: Decimal) -> Decimal {
    // 28 significant digits of arithmetic; a solution is accepted to 1e-15 of its scale.
    (scale.abs() + Decimal::ONE) * Decimal::new(1, 15)
}

/// Checks the solution against the definitions, each to 1e-15 of its scale.
fn verify(i: &SolveInput, s: &Solution, topup: bool) -> Result<()> {
    let close = |a: Decimal, b: Decimal| (a - b).abs() <= tolerance(a.abs().max(b.abs()));
    let in_pre = matches!(i.pool, Some((_, PoolTiming::PreMoney)));
    let denominator = i.pre_fd
        + s.conversion_total
        + if in_pre {
            s.pool_increase
        } else {
            Decimal::ZERO
        };
    let mut ok = close(i.pre_money * s.shares_per_dollar, denominator);
    ok &= close(
        s.conversion_total,
        s.per_instrument.iter().map(|p| p.0).sum(),
    );
    match (i.pool, topup) {
        (Some((PoolSize::Target(t), _)), true) => {
            ok &= close(i.available + s.pool_increase, t * s.post_fd);
        }
        (Some((PoolSize::Shares(n), _)), _) => ok &= s.pool_increase == Decimal::from(n),
        _ => {}
    }
    for (k, (shares, _)) in i.instruments.iter().zip(&s.per_instrument) {
        // The conversion price is the lowest the instrument allows.
        let price = if shares.is_zero() {
            Decimal::ZERO
        } else {
            k.amount / shares
        };
        if let Some(cap) = k.cap {
            ok &= price <= cap / capitalisation_at(i, s, &k.capitalisation) + tolerance(price);
        }
        let d = k.discount.unwrap_or(Decimal::ZERO);
        ok &= price <= (Decimal::ONE - d) / s.shares_per_dollar + tolerance(price);
    }
    if ok {
        Ok(())
    } else {
        Err(LedgerError::invalid(
            "round",
            "internal: the solution does not satisfy the round's definitions",
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Committing a modelled round, step by step (`Book::commit_round_model`)
// ---------------------------------------------------------------------------------------------

/// Step 1's result: what a modelled round needs from the book, checked.
struct Resolved {
    /// The cap table as of the round's date, before it.
    before: CapTable,
    /// The stated investments, then the pro rata ones.
    investments: Vec<Investment>,
    new_money: Money,
    pre_money: Money,
    instruments: Vec<(EntryId, StakeholderId, ConvertingInstrument)>,
}

/// Step 2's result: the round's definitions solved exactly.
struct Solved {
    input: SolveInput,
    solution: Solution,
}

/// Step 3's result: the solution in whole shares and rounded prices.
struct Rounded {
    /// What the pre-money valuation is divided by for the price (exact).
    denominator: Decimal,
    exact_price: Decimal,
    price_money: Money,
    pool_increase: u64,
    conversions: Vec<ConversionLine>,
    new_money_lines: Vec<NewMoneyLine>,
    new_shares: u64,
    conversion_shares: u64,
}

/// Step 2, solve: the exact fixed point of the price, the conversions and the pool top-up,
/// from the capitalisation before the round (plain numbers; the book is not read).
fn solve_model(m: &RoundModel, r: &Resolved) -> Result<Solved> {
    let before = &r.before;
    let input = SolveInput {
        pre_fd: Decimal::from(before.totals.fully_diluted),
        outstanding: Decimal::from(before.totals.outstanding),
        options: Decimal::from(before.totals.options),
        available: Decimal::from(before.totals.pool_available),
        pre_money: r.pre_money.amount,
        new_money: r.new_money.amount,
        pool: m.pool.as_ref().map(|p| (p.size, p.timing)),
        instruments: r.instruments.iter().map(|(_, _, k)| k.clone()).collect(),
    };
    let solution = solve(&input)?;
    Ok(Solved { input, solution })
}

impl Book {
    /// Records the conversion price adjustment a dilutive issue at `price` triggers in every
    /// other class with anti-dilution protection (docs/antidilution.md). C is the new-money
    /// shares of the issue: shares issued on conversion of SAFEs and notes are exempt, as in
    /// the NVCA charter's "Exempted Securities".
    pub fn apply_anti_dilution(
        &mut self,
        date: NaiveDate,
        issued_class: ClassId,
        price: Money,
        new_shares: u64,
        rounding: &RoundingPolicy,
    ) -> Result<Vec<crate::antidilution::Adjustment>> {
        let protected: Vec<ClassId> = self
            .classes()
            .iter()
            .filter(|c| {
                c.id != issued_class
                    && c.anti_dilution != AntiDilution::None
                    && c.original_issue_price.is_some()
            })
            .map(|c| c.id)
            .collect();
        let mut out = vec![];
        if new_shares == 0 || protected.is_empty() {
            return Ok(out);
        }
        // Only a class with shares outstanding before the issue is protected by it (a class
        // authorised for a later round has nothing to adjust yet).
        let before = match date.pred_opt() {
            Some(day) if day >= self.company.founded => Some(self.cap_table(day, rounding)?),
            _ => None,
        };
        let outstanding = |class: ClassId| {
            before
                .as_ref()
                .and_then(|t| t.classes.iter().find(|c| c.class == class))
                .is_some_and(|c| c.shares > 0)
        };
        for class in protected.into_iter().filter(|c| outstanding(*c)) {
            if let Some(adj) = crate::antidilution::anti_dilution_adjustment(
                self, class, date, price, new_shares, rounding,
            )? {
                self.record(date, adj.movement(), None, Provenance::Recorded)?;
                out.push(adj);
            }
        }
        Ok(out)
    }

    /// The class a modelled round will issue: `NewClass::for_round` at the round's price,
    /// authorised for exactly the shares the round issues. The round is priced first on a copy
    /// (the price does not depend on the class's terms).
    pub fn round_class(&self, m: &RoundModel, name: &str) -> Result<NewClass> {
        let mut probe = self.clone();
        let mut priced_model = m.clone();
        priced_model.class = probe.add_class(NewClass::for_round(self, name, None, None))?;
        let priced = probe.commit_round_model(&priced_model)?;
        let authorized = priced.new_shares + priced.conversion_shares;
        Ok(NewClass::for_round(
            self,
            name,
            Some(priced.price_per_share),
            Some(authorized),
        ))
    }

    /// Models a priced round on the cap table as of its date. Records nothing.
    pub fn model_round(&self, m: &RoundModel) -> Result<ModelOutcome> {
        let mut pro_forma = self.clone();
        let outcome = pro_forma.commit_round_model(m)?;
        Ok(outcome)
    }

    /// Records a modelled round: the round, the pool top-up, each conversion, each
    /// investor's shares and the round's mark. Every piece is an ordinary, reversible entry.
    ///
    /// In four steps: resolve what the round needs from the book (`resolve_model`), solve its
    /// definitions exactly (`solve_model`), round the solution as the policy says
    /// (`round_model_solution`) and record the entries (`record_model`); the outcome is then
    /// read from the cap table after them (`model_outcome`).
    pub fn commit_round_model(&mut self, m: &RoundModel) -> Result<ModelOutcome> {
        let resolved = self.resolve_model(m)?;
        let solved = solve_model(m, &resolved)?;
        let rounded = self.round_model_solution(m, &resolved, &solved)?;
        let anti_dilution = self.record_model(m, &resolved, &rounded)?;
        self.model_outcome(m, resolved, rounded, anti_dilution)
    }

    /// Step 1, resolve: checks the model against the book and looks up what the round needs
    /// from it: the capitalisation before the round, the investments (pro rata ones sized on
    /// it), the new money, the pre-money valuation, the pool's plan and the instruments that
    /// convert.
    fn resolve_model(&self, m: &RoundModel) -> Result<Resolved> {
        m.rounding.validate()?;
        self.check_new_round(&m.name, m.date)?;
        self.class(m.class)
            .ok_or_else(|| LedgerError::unknown("class", format!("no share class #{}", m.class)))?;
        let cur = self.company.currency;
        let before = self.cap_table(m.date, &m.rounding)?;
        let mut investments = m.investments.clone();
        let stated = investments
            .iter()
            .try_fold(Money::zero(cur), |acc, i| acc.checked_add(i.amount))?;
        for holder in &m.pro_rata {
            let held = before
                .holders
                .iter()
                .find(|h| h.stakeholder == *holder)
                .map_or(0, |h| h.fully_diluted);
            if held == 0 {
                return Err(LedgerError::invalid(
                    "pro_rata",
                    format!(
                        "{} holds nothing before the round",
                        self.stakeholder_name(*holder)
                    ),
                ));
            }
            let share = div(
                Decimal::from(held),
                Decimal::from(before.totals.fully_diluted),
            )?;
            let amount = m.rounding.round_cash(stated.checked_mul(share)?);
            investments.push(Investment {
                investor: *holder,
                amount,
            });
        }
        let mut new_money = Money::zero(cur);
        for (n, inv) in investments.iter().enumerate() {
            self.stakeholder(inv.investor).ok_or_else(|| {
                LedgerError::unknown("investor", format!("no stakeholder #{}", inv.investor))
            })?;
            self.check_currency("amount", &inv.amount)?;
            inv.check_amount()
                .map_err(|e| e.at(&format!("investment {}", n + 1)))?;
            if investments[..n].iter().any(|o| o.investor == inv.investor) {
                return Err(LedgerError::invalid(
                    "investor",
                    format!(
                        "{} appears twice; give one amount per investor",
                        self.stakeholder_name(inv.investor)
                    ),
                ));
            }
            new_money = new_money.checked_add(inv.amount)?;
        }
        if let Some(lead) = m.lead {
            if !investments.iter().any(|i| i.investor == lead) {
                return Err(LedgerError::invalid(
                    "lead",
                    format!(
                        "{} does not invest in the round",
                        self.stakeholder_name(lead)
                    ),
                ));
            }
        }
        let pre_money = match m.valuation {
            RoundValuation::PreMoney(v) => {
                self.check_currency("pre_money", &v)?;
                v
            }
            RoundValuation::PostMoney(v) => {
                self.check_currency("post_money", &v)?;
                let pre = v.checked_sub(new_money)?;
                if !pre.is_positive() {
                    return Err(LedgerError::invalid(
                        "post_money",
                        format!("{v} is not more than the new money {new_money}"),
                    ));
                }
                pre
            }
        };
        if !pre_money.is_positive() {
            return Err(LedgerError::invalid(
                "pre_money",
                "must be greater than zero",
            ));
        }
        if let Some(p) = &m.pool {
            self.plan(p.plan).ok_or_else(|| {
                LedgerError::unknown("plan", format!("no equity plan #{}", p.plan))
            })?;
            match p.size {
                PoolSize::Target(t) if t < Decimal::ZERO || t >= Decimal::ONE => {
                    return Err(LedgerError::invalid(
                        "pool_target",
                        format!("{t} is outside [0, 1): write 0.10 for 10% of the post-money"),
                    ));
                }
                PoolSize::Shares(n) if n > crate::MAX_SHARES => {
                    return Err(LedgerError::invalid(
                        "pool_shares",
                        format!("{n} is more shares than one entry may reserve"),
                    ));
                }
                _ => {}
            }
        }

        let instruments = self.converting(m, &before)?;
        Ok(Resolved {
            before,
            investments,
            new_money,
            pre_money,
            instruments,
        })
    }

    /// Step 3, round: from the exact solution to whole shares and a rounded price, as the
    /// policy says: the round's price, the pool top-up, each conversion's price and shares,
    /// and each investor's shares.
    fn round_model_solution(&self, m: &RoundModel, r: &Resolved, s: &Solved) -> Result<Rounded> {
        let cur = self.company.currency;
        let (input, solution) = (&s.input, &s.solution);
        // Price = pre-money / its denominator, divided directly (1 / q would lose digits).
        let in_pre = matches!(
            m.pool,
            Some(PoolTopUp {
                timing: PoolTiming::PreMoney,
                ..
            })
        );
        let denominator = add(
            add(input.pre_fd, solution.conversion_total)?,
            if in_pre {
                solution.pool_increase
            } else {
                Decimal::ZERO
            },
        )?;
        let exact_price = div(r.pre_money.amount, denominator)?;
        let mut price = m.rounding.round_price(exact_price);
        price.rescale(m.rounding.price_decimals);
        if price.is_zero() {
            return Err(LedgerError::invalid(
                "price_decimals",
                format!("the price {exact_price} rounds to zero"),
            ));
        }
        let price_money = Money::new(price, cur);
        let pool_increase = m
            .rounding
            .pool
            .apply(solution.pool_increase.max(Decimal::ZERO))?;

        let mut conversions = vec![];
        for ((instrument, holder, k), (_, basis)) in
            r.instruments.iter().zip(&solution.per_instrument)
        {
            let exact = match basis {
                ConversionBasis::Cap => div(
                    k.cap.unwrap_or_default(),
                    capitalisation_at(input, solution, &k.capitalisation),
                )?,
                ConversionBasis::Discount => {
                    mul(sub(Decimal::ONE, k.discount.unwrap_or_default())?, price)?
                }
                ConversionBasis::RoundPrice => price,
            };
            let rule = m.rounding.conversion_price_rule(*basis);
            let conversion_price = rule.round(exact);
            if conversion_price.is_zero() {
                return Err(LedgerError::invalid(
                    "price_decimals",
                    "a conversion price rounds to zero",
                ));
            }
            let shares = m
                .rounding
                .conversion
                .apply(div(k.amount, conversion_price)?)?;
            let kind = match self.entry(*instrument).map(|e| &e.movement) {
                Some(Movement::ConvertibleIssuance { terms, .. }) => terms.label(),
                _ => "SAFE",
            };
            conversions.push(ConversionLine {
                instrument: *instrument,
                holder: *holder,
                name: self.stakeholder_name(*holder).to_string(),
                kind,
                amount: Money::new(k.amount, cur),
                basis: *basis,
                conversion_price: Money::new(conversion_price, cur),
                shares,
            });
        }

        let mut new_money_lines = vec![];
        for inv in &r.investments {
            let shares = m.rounding.shares.apply(div(inv.amount.amount, price)?)?;
            if shares == 0 {
                return Err(LedgerError::invalid(
                    "amount",
                    format!(
                        "{} for {} buys no whole share at {}",
                        inv.amount,
                        self.stakeholder_name(inv.investor),
                        price_money
                    ),
                ));
            }
            let invested = m
                .rounding
                .round_cash(price_money.checked_mul(Decimal::from(shares))?);
            new_money_lines.push(NewMoneyLine {
                investor: inv.investor,
                name: self.stakeholder_name(inv.investor).to_string(),
                amount: inv.amount,
                shares,
                invested,
                uninvested: inv.amount.checked_sub(invested)?.tidy(),
            });
        }

        let new_shares: u64 = new_money_lines.iter().map(|l| l.shares).sum();
        let conversion_shares: u64 = conversions.iter().map(|c| c.shares).sum();
        Ok(Rounded {
            denominator,
            exact_price,
            price_money,
            pool_increase,
            conversions,
            new_money_lines,
            new_shares,
            conversion_shares,
        })
    }

    /// Step 4, record: writes the round into the book: the round itself, the pool top-up, each
    /// conversion, each investor's shares, the round's mark, and the anti-dilution adjustments
    /// the issue triggers (returned).
    fn record_model(
        &mut self,
        m: &RoundModel,
        r: &Resolved,
        rounded: &Rounded,
    ) -> Result<Vec<crate::antidilution::Adjustment>> {
        let (pre_money, new_money, price_money) = (r.pre_money, r.new_money, rounded.price_money);
        let id = self.next_round_id();
        self.push_round(FundingRound {
            id,
            name: m.name.trim().to_string(),
            date: m.date,
            class: m.class,
            pre_money,
            amount_raised: new_money,
            post_money: pre_money.checked_add(new_money)?,
            price_per_share: price_money,
            pre_money_fd_shares: r.before.totals.fully_diluted,
            lead: m.lead,
            rounding: m.rounding.clone(),
            provenance: Provenance::Recorded,
            price_provenance: Provenance::Recorded,
            note: m.note.clone(),
        });
        if let (Some(p), true) = (&m.pool, rounded.pool_increase > 0) {
            self.record(
                m.date,
                Movement::PoolIncrease {
                    plan: p.plan,
                    shares: rounded.pool_increase,
                },
                Some(format!(
                    "{}: pool top-up {}",
                    m.name.trim(),
                    p.size.describe()
                )),
                Provenance::Recorded,
            )?;
        }
        for c in &rounded.conversions {
            self.record(
                m.date,
                Movement::ConvertibleConversion {
                    instrument: c.instrument,
                    class: m.class,
                    shares: c.shares,
                },
                Some(format!(
                    "{}: converts at {} ({:?})",
                    m.name.trim(),
                    c.conversion_price,
                    c.basis
                )),
                Provenance::Recorded,
            )?;
        }
        for l in &rounded.new_money_lines {
            self.record(
                m.date,
                Movement::StockIssuance {
                    holder: l.investor,
                    class: m.class,
                    shares: l.shares,
                    price_per_share: Some(price_money),
                    round: Some(id),
                },
                Some(format!("{}: {} invested", m.name.trim(), l.amount)),
                Provenance::Recorded,
            )?;
        }
        self.add_valuation(NewValuation {
            kind: ValuationKind::RoundMark,
            effective: m.date,
            class: m.class,
            price_per_share: price_money,
            company_value: Some(pre_money.checked_add(new_money)?),
            provider: None,
            round: Some(id),
            provenance: Provenance::Recorded,
        })?;
        self.apply_anti_dilution(
            m.date,
            m.class,
            price_money,
            rounded.new_shares,
            &m.rounding,
        )
    }

    /// The outcome of a recorded round: its figures, and the cap table and each holder's
    /// dilution after it.
    fn model_outcome(
        &self,
        m: &RoundModel,
        r: Resolved,
        rounded: Rounded,
        anti_dilution: Vec<crate::antidilution::Adjustment>,
    ) -> Result<ModelOutcome> {
        let Resolved {
            before,
            new_money,
            pre_money,
            ..
        } = r;
        let Rounded {
            denominator,
            exact_price,
            price_money,
            pool_increase,
            conversions,
            new_money_lines,
            new_shares,
            conversion_shares,
        } = rounded;
        let after = self.cap_table(m.date, &m.rounding)?;
        let post_fd = after.totals.fully_diluted;
        let mut dilution = vec![];
        for h in &after.holders {
            let b = before
                .holders
                .iter()
                .find(|x| x.stakeholder == h.stakeholder);
            dilution.push(Dilution {
                stakeholder: h.stakeholder,
                name: h.name.clone(),
                before_fd: b.map_or(0, |b| b.fully_diluted),
                after_fd: h.fully_diluted,
                before_pct: b.map_or(Decimal::ZERO, |b| b.fully_diluted_pct),
                after_pct: h.fully_diluted_pct,
            });
        }
        let pool_after: u64 = after.totals.pool_available;
        Ok(ModelOutcome {
            name: m.name.trim().to_string(),
            date: m.date,
            class: m.class,
            rounding_rule: m.rounding.describe(),
            rounding: m.rounding.clone(),
            pre_money,
            new_money,
            post_money: pre_money.checked_add(new_money)?,
            pre_round_fd_shares: before.totals.fully_diluted,
            price_denominator: denominator.round_dp(10),
            exact_price,
            price_per_share: price_money,
            pool: m.pool.clone(),
            pool_available_before: before.totals.pool_available,
            pool_increase,
            pool_available_after: pool_after,
            pool_available_after_pct: percent(pool_after, post_fd),
            conversions,
            new_money_lines,
            new_shares,
            conversion_shares,
            post_money_fd_shares: post_fd,
            implied_post_money: m
                .rounding
                .round_cash(price_money.checked_mul(Decimal::from(post_fd))?),
            dilution,
            anti_dilution,
            pro_forma: after,
        })
    }

    /// A most-favoured-nation SAFE's cap and discount: the best cap (lowest) and discount
    /// (highest) of its own and of any SAFE among `outstanding` issued after it.
    pub(crate) fn mfn_adopted(
        &self,
        id: EntryId,
        issued: NaiveDate,
        mut cap: Option<Decimal>,
        mut discount: Option<Decimal>,
        outstanding: &[EntryId],
    ) -> (Option<Decimal>, Option<Decimal>) {
        for later in outstanding {
            let Some(e) = self.entry(*later) else {
                continue;
            };
            let Movement::ConvertibleIssuance {
                terms:
                    ConvertibleTerms::Safe {
                        valuation_cap,
                        discount: d,
                        ..
                    },
                ..
            } = &e.movement
            else {
                continue;
            };
            if (e.effective, *later) <= (issued, id) {
                continue;
            }
            if let Some(c) = valuation_cap {
                cap = Some(cap.map_or(c.amount, |x| x.min(c.amount)));
            }
            if let Some(d) = d {
                discount = Some(discount.map_or(*d, |x| x.max(*d)));
            }
        }
        (cap, discount)
    }

    /// The instruments the round converts, with their terms resolved (MFN) and a
    /// note's amount grown by its interest to the round's date.
    fn converting(
        &self,
        m: &RoundModel,
        before: &CapTable,
    ) -> Result<Vec<(EntryId, StakeholderId, ConvertingInstrument)>> {
        let outstanding: Vec<EntryId> = before.convertibles.iter().map(|c| c.instrument).collect();
        let chosen: Vec<EntryId> = match &m.conversions {
            Conversions::All => outstanding.clone(),
            Conversions::None => vec![],
            Conversions::Only(ids) => {
                for id in ids {
                    if !outstanding.contains(id) {
                        return Err(LedgerError::invalid(
                            "convert",
                            format!(
                                "entry #{id} is not a SAFE or note outstanding on {}",
                                m.date
                            ),
                        ));
                    }
                }
                ids.clone()
            }
        };
        let terms_of = |id: EntryId| -> Option<(StakeholderId, &ConvertibleTerms, NaiveDate)> {
            let e = self.entry(id)?;
            match &e.movement {
                Movement::ConvertibleIssuance { holder, terms } => {
                    Some((*holder, terms, e.effective))
                }
                _ => None,
            }
        };
        let mut out = vec![];
        for id in chosen {
            let (holder, terms, issued) = terms_of(id)
                .ok_or_else(|| LedgerError::unknown("convert", format!("no instrument #{id}")))?;
            let (amount, timing, mut cap, mut discount, mfn) = match terms {
                ConvertibleTerms::Safe {
                    investment,
                    timing,
                    valuation_cap,
                    discount,
                    mfn,
                } => (
                    investment.amount,
                    *timing,
                    valuation_cap.map(|c| c.amount),
                    *discount,
                    *mfn,
                ),
                ConvertibleTerms::Note {
                    valuation_cap,
                    discount,
                    ..
                } => {
                    let balance = crate::interest::note_balance(terms, issued, m.date)?;
                    (
                        balance.amount,
                        SafeTiming::PreMoney,
                        valuation_cap.map(|c| c.amount),
                        *discount,
                        false,
                    )
                }
            };
            if mfn {
                (cap, discount) = self.mfn_adopted(id, issued, cap, discount, &outstanding);
            }
            out.push((
                id,
                holder,
                ConvertingInstrument {
                    amount,
                    cap,
                    discount,
                    capitalisation: match timing {
                        SafeTiming::PostMoney => m.capitalisation.post_money_safes,
                        SafeTiming::PreMoney => m.capitalisation.pre_money_safes_and_notes,
                    },
                },
            ));
        }
        Ok(out)
    }
}
