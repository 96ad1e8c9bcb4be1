//! The exit waterfall: who receives what when the company is sold for a given value.
//!
//! A pure function of a [`Capitalization`] (share classes with their liquidation terms,
//! holdings, options and warrants), an exit ([`ExitTerms`]) and a [`RoundingPolicy`]. The same
//! rules are written for users in docs/waterfall.md.
//!
//! # Semantics
//!
//! 1. **Net proceeds** = exit value - transaction costs - debt, floored at 0. A negative exit
//!    value, transaction cost or debt is refused, naming the field (`exit_value`,
//!    `transaction_costs`, `debt`).
//! 2. **Preferences** are paid by seniority, highest first; classes of equal seniority are paid
//!    pari passu, pro rata to their preference amounts. A class's preference is
//!    `preference_multiple x original_issue_price x shares` (exactly, per holding).
//! 3. **The common pool** is what is left after the preferences (and any capped participation).
//!    It is shared pro rata by common-equivalent shares among: common classes, converted
//!    preferred, participating preferred (as converted, on top of its preference) and exercised
//!    options. Common-equivalent shares are `shares x conversion_ratio`, rounded per holding by
//!    the policy's `conversion` rule, as the cap table counts them (docs/captable.md).
//! 4. **Choices.** Call `q` the common price: the pool divided by the pool's common-equivalent
//!    shares. Every choice is a threshold on `q`:
//!    - a non-participating class converts when `q` exceeds its preference per
//!      common-equivalent share (then converting pays it more than its preference);
//!    - a capped participating class stops participating when `q` exceeds
//!      `(cap - preference) / common-equivalent shares` (it is then paid its cap), and converts
//!      when `q` exceeds `cap / common-equivalent shares`;
//!    - an option or warrant is exercised when `q x conversion_ratio` exceeds its strike, i.e. when
//!      the value of what it exercises into is greater than the strike; the strike paid in is
//!      added to the proceeds;
//!    - fully participating preferred never converts (preference plus participation always pays
//!      at least what converting would).
//!
//!    Taking a choice exactly at its threshold leaves `q` unchanged, and taking it above leaves
//!    `q` above the threshold (a conversion or an exercise lowers `q` toward it, reaching a cap
//!    raises `q`): the choices are solved together, exactly, by one sweep of the thresholds in
//!    increasing order (the proof is at `Engine::solve`). This is
//!    MODEL.md's rule ("start with every class taking its preference; consider classes in order
//!    of increasing preference per common-equivalent share; convert a class when converting pays
//!    it more; repeat passes until stable"), extended to caps and options; one pass is already
//!    stable. A choice is taken only when it pays *strictly* more: at a tie a class keeps its
//!    preference and an option is not exercised (the payouts are the same either way).
//! 5. **Rounding.** Every payout is computed exactly (rational arithmetic on big integers, no
//!    float, no 28-digit truncation). For output, payouts are rounded to the policy's
//!    `cash_decimals` by the largest-remainder method so that the rounded payouts sum exactly to
//!    the distributable amount, net proceeds + exercise proceeds (itself rounded half-up to
//!    `cash_decimals` when it has more decimals, which happens only with sub-cent inputs):
//!    first across the classes and the option grants, then, within each class, across its
//!    holders, and across its preference and participation. Each rounded payout is its exact
//!    value rounded down or up, never further. **Tie rule:** equal remainders are served in the
//!    order of the input (classes as listed, then options as listed; holders in the order of
//!    their first holding of the class; preference before participation).
//!    Per-share values and the common price are rounded as the policy rounds prices.
//!
//! Options and warrants are assumed exercisable at the exit (pass only those that are, e.g.
//! vested or accelerated). An option on a preferred class is treated like an option on common
//! into `count x conversion_ratio` common-equivalent shares, without a preference.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::{ClassKind, Participation};
use crate::error::{LedgerError, Result};
use crate::money::{Currency, Money};
use crate::rounding::{PriceDirection, RoundingPolicy, ShareRounding};
use crate::MAX_SHARES;

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/// A share class with the terms that decide its payout at an exit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaterfallClass {
    pub name: String,
    pub kind: ClassKind,
    /// Price per share when the class was first issued (0 for common is fine).
    #[serde(with = "rust_decimal::serde::str")]
    pub original_issue_price: Decimal,
    /// Liquidation preference as a multiple of the original issue price (0 for common).
    #[serde(with = "rust_decimal::serde::str")]
    pub preference_multiple: Decimal,
    /// None, Full, or Capped { cap_multiple }: the cap is the *total* return per share
    /// (preference included) as a multiple of the original issue price.
    pub participation: Participation,
    /// Higher is paid first; equal seniority is paid pari passu.
    pub seniority: i32,
    /// Common shares per share of this class on conversion (1 for common).
    #[serde(with = "rust_decimal::serde::str")]
    pub conversion_ratio: Decimal,
}

impl WaterfallClass {
    /// A common class: no preference, conversion ratio 1.
    pub fn common(name: &str) -> WaterfallClass {
        WaterfallClass {
            name: name.to_string(),
            kind: ClassKind::Common,
            original_issue_price: Decimal::ZERO,
            preference_multiple: Decimal::ZERO,
            participation: Participation::None,
            seniority: 0,
            conversion_ratio: Decimal::ONE,
        }
    }

    /// A preferred class converting 1:1.
    pub fn preferred(
        name: &str,
        original_issue_price: Decimal,
        preference_multiple: Decimal,
        participation: Participation,
        seniority: i32,
    ) -> WaterfallClass {
        WaterfallClass {
            name: name.to_string(),
            kind: ClassKind::Preferred,
            original_issue_price,
            preference_multiple,
            participation,
            seniority,
            conversion_ratio: Decimal::ONE,
        }
    }
}

/// Shares of one class held by one holder. Several holdings of the same holder and class add up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaterfallHolding {
    pub holder: String,
    pub class: String,
    pub shares: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptionKind {
    Option,
    Warrant,
}

impl OptionKind {
    pub fn name(self) -> &'static str {
        match self {
            OptionKind::Option => "option",
            OptionKind::Warrant => "warrant",
        }
    }
}

/// Options or warrants of one holder on one class (usually common), at one strike.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaterfallOption {
    pub holder: String,
    /// The class exercised into.
    pub class: String,
    pub count: u64,
    /// Exercise price per share of `class`.
    #[serde(with = "rust_decimal::serde::str")]
    pub strike: Decimal,
    pub kind: OptionKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capitalization {
    pub currency: Currency,
    pub classes: Vec<WaterfallClass>,
    pub holdings: Vec<WaterfallHolding>,
    pub options: Vec<WaterfallOption>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitTerms {
    /// What the buyer pays for the company.
    #[serde(with = "rust_decimal::serde::str")]
    pub exit_value: Decimal,
    /// Bankers, lawyers, escrow: paid before any holder.
    #[serde(with = "rust_decimal::serde::str")]
    pub transaction_costs: Decimal,
    /// Non-convertible debt repaid at the exit, before any holder.
    #[serde(with = "rust_decimal::serde::str")]
    pub debt: Decimal,
}

impl ExitTerms {
    /// An exit with no transaction costs and no debt.
    pub fn new(exit_value: Decimal) -> ExitTerms {
        ExitTerms {
            exit_value,
            transaction_costs: Decimal::ZERO,
            debt: Decimal::ZERO,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------

/// What a class does at this exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    /// Non-participating preferred taking its preference (paid in full, in part, or not at all).
    TakesPreference,
    /// Preferred converted to common: no preference, a share of the common pool.
    Converts,
    /// Participating preferred: its preference and a share of the common pool as converted.
    Participates,
    /// Capped participating preferred paid exactly its cap.
    Capped,
    /// A common class.
    Common,
}

impl Decision {
    pub fn name(self) -> &'static str {
        match self {
            Decision::TakesPreference => "takes-preference",
            Decision::Converts => "converts",
            Decision::Participates => "participates",
            Decision::Capped => "capped",
            Decision::Common => "common",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassPayout {
    pub name: String,
    pub kind: ClassKind,
    pub decision: Decision,
    pub shares: u64,
    /// Common-equivalent shares (rounded per holding by the policy's conversion rule).
    pub as_converted: u64,
    /// The class's whole preference claim, multiple x OIP x shares, rounded half-up to cents
    /// (for reading; not part of the sums).
    pub preference_claim: Money,
    pub preference_paid: Money,
    /// Paid from the common pool (or, for a capped class at its cap, cap - preference).
    pub participation_paid: Money,
    /// preference_paid + participation_paid.
    pub total: Money,
    /// The exact total before rounding (to 28 significant digits, truncated).
    #[serde(with = "rust_decimal::serde::str")]
    pub total_exact: Decimal,
    /// Exact total / shares, rounded as the policy rounds prices (0 for a class with no shares).
    #[serde(with = "rust_decimal::serde::str")]
    pub per_share: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HolderClassPayout {
    pub class: String,
    pub shares: u64,
    pub as_converted: u64,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HolderPayout {
    pub holder: String,
    /// One line per class held, in the order of the classes.
    pub by_class: Vec<HolderClassPayout>,
    /// What the holder's exercised options and warrants receive (before their strike).
    pub options: Money,
    /// The strike the holder pays in for them (exact).
    pub exercise_cost: Money,
    /// by_class + options. The sum over holders is `total_distributed`.
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OptionPayout {
    pub holder: String,
    pub class: String,
    pub kind: OptionKind,
    pub count: u64,
    #[serde(with = "rust_decimal::serde::str")]
    pub strike: Decimal,
    /// Common-equivalent shares on exercise.
    pub as_converted: u64,
    pub exercised: bool,
    /// count x strike when exercised, else 0 (exact).
    pub exercise_cost: Money,
    /// What the shares exercised into receive (rounded), 0 when not exercised.
    pub payout: Money,
    /// payout - exercise_cost.
    pub net: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaterfallOutcome {
    pub currency: Currency,
    pub exit_value: Money,
    pub transaction_costs: Money,
    pub debt: Money,
    /// max(0, exit value - transaction costs - debt), exact.
    pub net_proceeds: Money,
    /// The strikes of the exercised options and warrants, exact.
    pub exercise_proceeds: Money,
    /// The sum of the rounded payouts: net proceeds + exercise proceeds (rounded half-up to
    /// `cash_decimals` only if that sum has more decimals).
    pub total_distributed: Money,
    /// The preferences of all classes that did not convert (claims, rounded half-up to cents).
    pub preferences_outstanding: Money,
    /// The common price `q`: value per common-equivalent share in the common pool, rounded as
    /// the policy rounds prices. 0 while preferences are not paid in full.
    #[serde(with = "rust_decimal::serde::str")]
    pub common_price_per_share: Decimal,
    /// The same, exact to 28 significant digits (truncated).
    #[serde(with = "rust_decimal::serde::str")]
    pub common_price_per_share_exact: Decimal,
    pub classes: Vec<ClassPayout>,
    pub holders: Vec<HolderPayout>,
    /// Every option and warrant grant, exercised or not, in input order.
    pub options: Vec<OptionPayout>,
    pub rounding: RoundingPolicy,
}

impl WaterfallOutcome {
    pub fn class(&self, name: &str) -> Option<&ClassPayout> {
        self.classes.iter().find(|c| c.name == name)
    }
    pub fn holder(&self, name: &str) -> Option<&HolderPayout> {
        self.holders.iter().find(|h| h.holder == name)
    }
}

/// What happens to a class's payout at a breakpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BreakpointEvent {
    /// The class's seniority tier starts being paid (the tiers above are paid in full).
    PreferenceStarts,
    /// The class's preference is paid in full.
    PreferenceFullyPaid,
    /// Every preference is paid; the class starts receiving from the common pool.
    StartsParticipating,
    /// The class converts to common (non-participating, or capped above its cap).
    Converts,
    /// A capped class reaches its cap and stops participating.
    HitsCap,
    /// An option or warrant grant comes into the money and is exercised.
    OptionsInTheMoney,
}

impl BreakpointEvent {
    pub fn name(self) -> &'static str {
        match self {
            BreakpointEvent::PreferenceStarts => "preference-starts",
            BreakpointEvent::PreferenceFullyPaid => "preference-fully-paid",
            BreakpointEvent::StartsParticipating => "starts-participating",
            BreakpointEvent::Converts => "converts",
            BreakpointEvent::HitsCap => "hits-cap",
            BreakpointEvent::OptionsInTheMoney => "options-in-the-money",
        }
    }
}

/// An exit value at which some class's (or option grant's) payout changes slope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breakpoint {
    /// The exact breakpoint rounded half-up to `cash_decimals`.
    pub exit_value: Money,
    /// The exact breakpoint to 28 significant digits (truncated).
    #[serde(with = "rust_decimal::serde::str")]
    pub exit_value_exact: Decimal,
    /// The class whose payout changes (for options: the class exercised into).
    pub class: String,
    /// For options and warrants: their holder.
    pub holder: Option<String>,
    pub event: BreakpointEvent,
    /// The common price `q` at the breakpoint (28 significant digits, truncated): the class's
    /// preference per common-equivalent share for a conversion, the strike per common-equivalent
    /// share for options, 0 while preferences are being paid.
    #[serde(with = "rust_decimal::serde::str")]
    pub common_price_per_share: Decimal,
    pub description: String,
}

/// The most steps `waterfall_range` computes in one call.
pub const MAX_RANGE_STEPS: u32 = 100_000;

// ---------------------------------------------------------------------------------------------
// Public functions
// ---------------------------------------------------------------------------------------------

/// The payouts at one exit.
pub fn waterfall(
    cap: &Capitalization,
    exit: &ExitTerms,
    rounding: &RoundingPolicy,
) -> Result<WaterfallOutcome> {
    Engine::new(cap, rounding)?.outcome(exit)
}

/// The payouts at `steps + 1` exit values evenly spaced from `from` to `to` (both included; the
/// points between are rounded half-up to `cash_decimals`), with the same costs and debt.
pub fn waterfall_range(
    cap: &Capitalization,
    from: Decimal,
    to: Decimal,
    steps: u32,
    transaction_costs: Decimal,
    debt: Decimal,
    rounding: &RoundingPolicy,
) -> Result<Vec<WaterfallOutcome>> {
    if from.is_sign_negative() && !from.is_zero() {
        return Err(LedgerError::invalid(
            "from",
            format!("{from} is negative; an exit value is at least 0"),
        ));
    }
    if to < from {
        return Err(LedgerError::invalid(
            "to",
            format!("{to} is below from ({from})"),
        ));
    }
    if steps == 0 || steps > MAX_RANGE_STEPS {
        return Err(LedgerError::invalid(
            "steps",
            format!("{steps} is not between 1 and {MAX_RANGE_STEPS}"),
        ));
    }
    let engine = Engine::new(cap, rounding)?;
    let span = to - from;
    let mut out = Vec::with_capacity(steps as usize + 1);
    for i in 0..=steps {
        let exit_value = if i == 0 {
            from
        } else if i == steps {
            to
        } else {
            let step = span
                .checked_mul(Decimal::from(i))
                .and_then(|x| x.checked_div(Decimal::from(steps)))
                .and_then(|x| x.checked_add(from))
                .ok_or_else(too_large)?;
            rounding.round_cash(Money::new(step, cap.currency)).amount
        };
        out.push(engine.outcome(&ExitTerms {
            exit_value,
            transaction_costs,
            debt,
        })?);
    }
    Ok(out)
}

/// Every exit value at which some class's payout changes slope, ascending (ties in the order the
/// waterfall meets them). They do not depend on `exit.exit_value` (which is only validated):
/// `transaction_costs` and `debt` turn net proceeds into exit values.
pub fn breakpoints(
    cap: &Capitalization,
    exit: &ExitTerms,
    rounding: &RoundingPolicy,
) -> Result<Vec<Breakpoint>> {
    Engine::new(cap, rounding)?.breakpoints(exit)
}

// ---------------------------------------------------------------------------------------------
// The engine
// ---------------------------------------------------------------------------------------------

/// A capitalization checked and prepared for any number of exits. Money inside is held as big
/// integers of "ticks" of 10^-k (k = the largest scale of any input amount), so every sum,
/// product and comparison is exact.
struct Engine<'a> {
    cap: &'a Capitalization,
    rounding: RoundingPolicy,
    /// The scale of the tick amounts below.
    k: u32,
    classes: Vec<EClass>,
    lines: Vec<ELine>,
    options: Vec<EOption>,
    holders: Vec<String>,
    /// Seniority tiers of the preferred classes, most senior first.
    tiers: Vec<ETier>,
    /// Choices, in increasing order of their threshold on the common price.
    events: Vec<Event>,
    pref_total: Big,
    /// Common-equivalent shares in the common pool before any choice.
    base_pool: Big,
}

struct EClass {
    shares: u64,
    ce: u64,
    pref: Big,
    /// The preference claim rounded half-up to `cash_decimals`, for reading.
    claim: Decimal,
    cap: Option<Big>,
    lines: Vec<usize>,
}

/// One holder's shares of one class.
struct ELine {
    holder: usize,
    class: usize,
    shares: u64,
    ce: u64,
    pref: Big,
    cap: Option<Big>,
}

struct EOption {
    holder: usize,
    class: usize,
    ce: u64,
    cost: Big,
}

struct ETier {
    classes: Vec<usize>,
    total: Big,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EventKind {
    /// A non-participating class converts.
    Convert,
    /// A capped class reaches its cap.
    HitCap,
    /// A capped class (at its cap) converts.
    CapConvert,
    /// An option grant is exercised.
    Exercise,
}

impl EventKind {
    /// Among equal thresholds: a class reaches its cap before it converts from it.
    fn rank(self) -> u8 {
        match self {
            EventKind::HitCap => 0,
            EventKind::Convert | EventKind::CapConvert => 1,
            EventKind::Exercise => 2,
        }
    }
}

/// A choice taken when the common price exceeds `num / den` (`num` in ticks, `den` the
/// common-equivalent shares concerned).
struct Event {
    kind: EventKind,
    /// A class index, or an option index for `Exercise`.
    target: usize,
    num: Big,
    den: Big,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClassState {
    /// Non-participating, taking its preference.
    Preference,
    /// In the common pool (common, or participating preferred on top of its preference).
    Pool,
    /// Capped participating, paid its cap.
    AtCap,
    /// Converted to common.
    Converted,
}

/// The equilibrium at one exit, exact.
struct Solved {
    states: Vec<ClassState>,
    exercised: Vec<bool>,
    line_pref: Vec<Exact>,
    line_part: Vec<Exact>,
    option_pay: Vec<Exact>,
    /// Exercise proceeds, in ticks.
    exercise: Big,
    /// The common price, in money per common-equivalent share.
    price: Exact,
}

impl<'a> Engine<'a> {
    fn new(cap: &'a Capitalization, rounding: &RoundingPolicy) -> Result<Engine<'a>> {
        rounding.validate()?;
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, c) in cap.classes.iter().enumerate() {
            validate_class(c)?;
            if index.insert(c.name.as_str(), i).is_some() {
                return Err(LedgerError::invalid(
                    "classes",
                    format!("class '{}' is listed twice", c.name),
                ));
            }
        }
        let find = |name: &str, holder: &str| {
            index.get(name).copied().ok_or_else(|| {
                LedgerError::unknown(
                    "class",
                    format!("{holder} holds class '{name}', which is not among the classes"),
                )
            })
        };

        // The scale every amount is held at: preference and cap per share times shares, strikes.
        let mut k = 0;
        for c in &cap.classes {
            if c.kind == ClassKind::Preferred {
                k = k.max(c.preference_multiple.scale() + c.original_issue_price.scale());
                if let Participation::Capped { cap_multiple } = c.participation {
                    k = k.max(cap_multiple.scale() + c.original_issue_price.scale());
                }
            }
        }
        for o in &cap.options {
            k = k.max(o.strike.scale());
        }

        let mut holders: Vec<String> = Vec::new();
        let mut holder_index: HashMap<&str, usize> = HashMap::new();
        let mut holder_of = |name: &'a str| -> Result<usize> {
            if name.trim().is_empty() {
                return Err(LedgerError::invalid("holder", "a holder has no name"));
            }
            Ok(*holder_index.entry(name).or_insert_with(|| {
                holders.push(name.to_string());
                holders.len() - 1
            }))
        };

        // Holdings, merged per (holder, class).
        let mut line_index: HashMap<(usize, usize), usize> = HashMap::new();
        let mut merged: Vec<(usize, usize, u64)> = Vec::new();
        for h in &cap.holdings {
            let holder = holder_of(&h.holder)?;
            let class = find(&h.class, &h.holder)?;
            check_count("shares", h.shares, &h.holder)?;
            match line_index.get(&(holder, class)) {
                Some(&l) => {
                    merged[l].2 = merged[l].2.checked_add(h.shares).ok_or_else(|| {
                        LedgerError::invalid(
                            "shares",
                            format!("{} holds too many shares", h.holder),
                        )
                    })?;
                }
                None => {
                    line_index.insert((holder, class), merged.len());
                    merged.push((holder, class, h.shares));
                }
            }
        }
        let mut classes: Vec<EClass> = cap
            .classes
            .iter()
            .map(|_| EClass {
                shares: 0,
                ce: 0,
                pref: Big::zero(),
                claim: Decimal::ZERO,
                cap: None,
                lines: Vec::new(),
            })
            .collect();
        let mut lines = Vec::with_capacity(merged.len());
        for (holder, class, shares) in merged {
            let c = &cap.classes[class];
            let ce = as_converted(shares, c.conversion_ratio, rounding.conversion)?;
            let (pref, cap_amount) = if c.kind == ClassKind::Preferred {
                let pref =
                    per_share_times(c.preference_multiple, c.original_issue_price, shares, k);
                let cap_amount = match c.participation {
                    Participation::Capped { cap_multiple } => Some(per_share_times(
                        cap_multiple,
                        c.original_issue_price,
                        shares,
                        k,
                    )),
                    _ => None,
                };
                (pref, cap_amount)
            } else {
                (Big::zero(), None)
            };
            let e = &mut classes[class];
            e.shares = e.shares.checked_add(shares).ok_or_else(|| {
                LedgerError::invalid("shares", format!("class '{}' has too many shares", c.name))
            })?;
            e.ce = e.ce.checked_add(ce).ok_or_else(|| {
                LedgerError::invalid(
                    "conversion_ratio",
                    format!("class '{}' converts into too many shares", c.name),
                )
            })?;
            e.pref = e.pref.add(&pref);
            if let Some(ca) = &cap_amount {
                e.cap = Some(e.cap.as_ref().map_or_else(|| ca.clone(), |x| x.add(ca)));
            }
            e.lines.push(lines.len());
            lines.push(ELine {
                holder,
                class,
                shares,
                ce,
                pref,
                cap: cap_amount,
            });
        }

        let mut options = Vec::with_capacity(cap.options.len());
        for o in &cap.options {
            let holder = holder_of(&o.holder)?;
            let class = find(&o.class, &o.holder)?;
            check_count("count", o.count, &o.holder)?;
            if o.strike.is_sign_negative() && !o.strike.is_zero() {
                return Err(LedgerError::invalid(
                    "strike",
                    format!("{}'s strike {} is negative", o.holder, o.strike),
                ));
            }
            let ce = as_converted(
                o.count,
                cap.classes[class].conversion_ratio,
                rounding.conversion,
            )?;
            let cost = ticks(o.strike, k).mul_small(o.count);
            options.push(EOption {
                holder,
                class,
                ce,
                cost,
            });
        }

        let unit = Big::pow10(k);
        for e in &mut classes {
            e.claim = Exact::new(e.pref.clone(), unit.clone())
                .round(rounding.cash_decimals, Mode::HalfUp)?;
        }

        // Seniority tiers, most senior first.
        let mut by_seniority: BTreeMap<std::cmp::Reverse<i32>, Vec<usize>> = BTreeMap::new();
        for (i, c) in cap.classes.iter().enumerate() {
            if c.kind == ClassKind::Preferred {
                by_seniority
                    .entry(std::cmp::Reverse(c.seniority))
                    .or_default()
                    .push(i);
            }
        }
        let tiers: Vec<ETier> = by_seniority
            .into_values()
            .map(|members| {
                let total = members
                    .iter()
                    .fold(Big::zero(), |t, &i| t.add(&classes[i].pref));
                ETier {
                    classes: members,
                    total,
                }
            })
            .collect();
        let pref_total = tiers.iter().fold(Big::zero(), |t, tier| t.add(&tier.total));

        // The choices and their thresholds. A class or grant with no common-equivalent shares
        // has nothing to gain from the pool and never chooses.
        let mut events = Vec::new();
        let mut base_pool = Big::zero();
        for (i, c) in cap.classes.iter().enumerate() {
            let e = &classes[i];
            let ce = Big::from_u128(u128::from(e.ce));
            match (c.kind, c.participation) {
                (ClassKind::Common, _) | (ClassKind::Preferred, Participation::Full) => {
                    base_pool = base_pool.add(&ce);
                }
                (ClassKind::Preferred, Participation::None) => {
                    if e.ce > 0 {
                        events.push(Event {
                            kind: EventKind::Convert,
                            target: i,
                            num: e.pref.clone(),
                            den: ce,
                        });
                    }
                }
                (ClassKind::Preferred, Participation::Capped { .. }) => {
                    base_pool = base_pool.add(&ce);
                    if e.ce > 0 {
                        let cap_total = e.cap.clone().unwrap_or_default();
                        // validate_class guarantees cap >= preference per share, hence in total.
                        let above = cap_total.checked_sub(&e.pref).unwrap_or_default();
                        events.push(Event {
                            kind: EventKind::HitCap,
                            target: i,
                            num: above,
                            den: ce.clone(),
                        });
                        events.push(Event {
                            kind: EventKind::CapConvert,
                            target: i,
                            num: cap_total,
                            den: ce,
                        });
                    }
                }
            }
        }
        for (j, o) in options.iter().enumerate() {
            if o.ce > 0 {
                events.push(Event {
                    kind: EventKind::Exercise,
                    target: j,
                    num: o.cost.clone(),
                    den: Big::from_u128(u128::from(o.ce)),
                });
            }
        }
        events.sort_by(|a, b| {
            a.num
                .mul(&b.den)
                .cmp(&b.num.mul(&a.den))
                .then(a.kind.rank().cmp(&b.kind.rank()))
                .then(a.target.cmp(&b.target))
        });

        Ok(Engine {
            cap,
            rounding: rounding.clone(),
            k,
            classes,
            lines,
            options,
            holders,
            tiers,
            events,
            pref_total,
            base_pool,
        })
    }

    /// Exit terms checked and held in ticks of 10^-k, k at least the engine's.
    fn exit_ticks(&self, exit: &ExitTerms) -> Result<ExitTicks> {
        for (field, v) in [
            ("exit_value", exit.exit_value),
            ("transaction_costs", exit.transaction_costs),
            ("debt", exit.debt),
        ] {
            if v.is_sign_negative() && !v.is_zero() {
                return Err(LedgerError::invalid(
                    field,
                    format!("{v} is negative; it must be at least 0"),
                ));
            }
        }
        let k = self
            .k
            .max(exit.exit_value.scale())
            .max(exit.transaction_costs.scale())
            .max(exit.debt.scale());
        let value = ticks(exit.exit_value, k);
        let deductions = ticks(exit.transaction_costs, k).add(&ticks(exit.debt, k));
        let net = value.checked_sub(&deductions).unwrap_or_default();
        Ok(ExitTicks {
            up: (k > self.k).then(|| Big::pow10(k - self.k)),
            unit: Big::pow10(k),
            net,
            deductions,
        })
    }

    /// Solves the waterfall at net proceeds `x.net`.
    ///
    /// While the net proceeds do not cover every preference, the common price is 0: nobody
    /// converts (converting would pay a class a share of what is left after the preferences that
    /// stay, which is less than what its preference already gets), no option is worth
    /// exercising, and the tiers are paid most senior first.
    ///
    /// Otherwise the state is (F, E, S): F the fixed payouts (preferences of classes not
    /// converted, plus cap - preference of classes at their cap), E the exercise proceeds, S
    /// the common-equivalent shares in the pool; the pool is R = N + E - F and the common price
    /// q = R / S. Every choice has a threshold t (money per common-equivalent share) and is
    /// taken when q > t, i.e. R x den > num x S, compared exactly. Taking it keeps
    /// `R - t S` unchanged (a conversion or an exercise adds t x its shares to R and its shares
    /// to S; reaching the cap removes t x its shares from both; converting from the cap adds the
    /// cap = t x its shares to R and its shares to S), so:
    /// - after a choice at t, q is still > t (or S = 0 with R > 0), and every threshold met
    ///   before (all <= t) is still below q: no earlier choice wants undoing;
    /// - at the first threshold t' with q <= t' the sweep stops, and every later threshold is at
    ///   least t', hence at least q: no later choice is wanted. The state is an equilibrium:
    ///   each class and grant does what pays it more given all the others.
    ///
    /// Termination: each event is met once, in a single pass over a finite sorted list (at most
    /// two per class and one per grant). The equilibrium's payouts are unique: the total paid
    /// as a function of q is continuous and non-decreasing, so q is the one that pays out N.
    fn solve(&self, x: &ExitTicks) -> Result<Solved> {
        let mut states: Vec<ClassState> = self
            .cap
            .classes
            .iter()
            .map(|c| match (c.kind, c.participation) {
                (ClassKind::Preferred, Participation::None) => ClassState::Preference,
                _ => ClassState::Pool,
            })
            .collect();
        let mut exercised = vec![false; self.options.len()];
        let zero = Exact::zero();
        let pref_total = x.up(&self.pref_total);

        if x.net < pref_total {
            // Preferences only, by seniority.
            let mut line_pref = vec![zero.clone(); self.lines.len()];
            let mut avail = x.net.clone();
            for tier in &self.tiers {
                let total = x.up(&tier.total);
                if total.is_zero() {
                    continue;
                }
                let full = avail >= total;
                for &c in &tier.classes {
                    for &l in &self.classes[c].lines {
                        let pref = x.up(&self.lines[l].pref);
                        line_pref[l] = if full {
                            Exact::new(pref, x.unit.clone())
                        } else {
                            Exact::new(pref.mul(&avail), total.mul(&x.unit))
                        };
                    }
                }
                if full {
                    avail = avail.checked_sub(&total).unwrap_or_default();
                } else {
                    avail = Big::zero();
                }
            }
            return Ok(Solved {
                states,
                exercised,
                line_part: vec![zero.clone(); self.lines.len()],
                line_pref,
                option_pay: vec![zero.clone(); self.options.len()],
                exercise: Big::zero(),
                price: zero,
            });
        }

        let mut fixed = pref_total;
        let mut exercise = Big::zero();
        let mut pool = self.base_pool.clone();
        for ev in &self.events {
            let r = pool_money(&x.net, &exercise, &fixed)?;
            let num = x.up(&ev.num);
            if r.mul(&ev.den) <= num.mul(&pool) {
                break;
            }
            self.apply(
                ev,
                x,
                &mut states,
                &mut exercised,
                &mut fixed,
                &mut exercise,
                &mut pool,
            )?;
        }
        let r = pool_money(&x.net, &exercise, &fixed)?;
        if pool.is_zero() && !r.is_zero() {
            return Err(LedgerError::invalid(
                "holdings",
                "no shares are left to receive what remains after the preferences",
            ));
        }

        // Every line over one denominator: S x 10^k (10^k when the pool is empty).
        let scale = if pool.is_zero() {
            Big::from_u128(1)
        } else {
            pool.clone()
        };
        let den = scale.mul(&x.unit);
        let over = |ticks: Big| Exact::new(ticks.mul(&scale), den.clone());
        let share = |ce: u64| Exact::new(r.mul_small(ce), den.clone());
        let mut line_pref = Vec::with_capacity(self.lines.len());
        let mut line_part = Vec::with_capacity(self.lines.len());
        for line in &self.lines {
            let state = states[line.class];
            line_pref.push(if state == ClassState::Converted {
                Exact::zero()
            } else {
                over(x.up(&line.pref))
            });
            line_part.push(match state {
                ClassState::Pool | ClassState::Converted if !pool.is_zero() => share(line.ce),
                ClassState::AtCap => {
                    let cap = line.cap.clone().unwrap_or_default();
                    over(x.up(&cap.checked_sub(&line.pref).unwrap_or_default()))
                }
                _ => Exact::zero(),
            });
        }
        let option_pay = self
            .options
            .iter()
            .zip(&exercised)
            .map(|(o, &ex)| {
                if ex && !pool.is_zero() {
                    share(o.ce)
                } else {
                    Exact::zero()
                }
            })
            .collect();
        let price = if pool.is_zero() {
            Exact::zero()
        } else {
            Exact::new(r.clone(), pool.mul(&x.unit))
        };
        Ok(Solved {
            states,
            exercised,
            line_pref,
            line_part,
            option_pay,
            exercise,
            price,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn apply(
        &self,
        ev: &Event,
        x: &ExitTicks,
        states: &mut [ClassState],
        exercised: &mut [bool],
        fixed: &mut Big,
        exercise: &mut Big,
        pool: &mut Big,
    ) -> Result<()> {
        let broken = || LedgerError::conflict("waterfall", "internal: the sweep lost its balance");
        match ev.kind {
            EventKind::Convert => {
                let c = &self.classes[ev.target];
                *fixed = fixed.checked_sub(&x.up(&c.pref)).ok_or_else(broken)?;
                *pool = pool.add(&ev.den);
                states[ev.target] = ClassState::Converted;
            }
            EventKind::HitCap => {
                *fixed = fixed.add(&x.up(&ev.num));
                *pool = pool.checked_sub(&ev.den).ok_or_else(broken)?;
                states[ev.target] = ClassState::AtCap;
            }
            EventKind::CapConvert => {
                *fixed = fixed.checked_sub(&x.up(&ev.num)).ok_or_else(broken)?;
                *pool = pool.add(&ev.den);
                states[ev.target] = ClassState::Converted;
            }
            EventKind::Exercise => {
                *exercise = exercise.add(&x.up(&self.options[ev.target].cost));
                *pool = pool.add(&ev.den);
                exercised[ev.target] = true;
            }
        }
        Ok(())
    }

    fn outcome(&self, exit: &ExitTerms) -> Result<WaterfallOutcome> {
        let x = self.exit_ticks(exit)?;
        let s = self.solve(&x)?;
        let cd = self.rounding.cash_decimals;
        let currency = self.cap.currency;
        let money = |d: Decimal| Money::new(d, currency);

        // Exact class totals.
        let n_classes = self.classes.len();
        let mut class_pref = vec![Exact::zero(); n_classes];
        let mut class_part = vec![Exact::zero(); n_classes];
        for (l, line) in self.lines.iter().enumerate() {
            class_pref[line.class] = class_pref[line.class].add(&s.line_pref[l]);
            class_part[line.class] = class_part[line.class].add(&s.line_part[l]);
        }
        let class_total: Vec<Exact> = class_pref
            .iter()
            .zip(&class_part)
            .map(|(a, b)| a.add(b))
            .collect();

        // Top level: the classes, then the option grants, to the distributable amount.
        let distributable = Exact::new(x.net.add(&s.exercise), x.unit.clone());
        let target = distributable.round_units(cd, Mode::HalfUp);
        let mut items: Vec<Exact> = class_total.clone();
        items.extend(s.option_pay.iter().cloned());
        let top = apportion(&items, &target, cd)?;

        let mut holder_units: Vec<Big> = vec![Big::zero(); self.holders.len()];
        let mut holder_lines: Vec<Vec<HolderClassPayout>> = vec![Vec::new(); self.holders.len()];
        let mut holder_options: Vec<Big> = vec![Big::zero(); self.holders.len()];
        let mut holder_cost: Vec<Exact> = vec![Exact::zero(); self.holders.len()];
        let mut classes = Vec::with_capacity(n_classes);
        for (i, c) in self.cap.classes.iter().enumerate() {
            let e = &self.classes[i];
            let line_totals: Vec<Exact> = e
                .lines
                .iter()
                .map(|&l| s.line_pref[l].add(&s.line_part[l]))
                .collect();
            let line_units = apportion(&line_totals, &top[i], cd)?;
            for (&l, units) in e.lines.iter().zip(line_units) {
                let line = &self.lines[l];
                holder_units[line.holder] = holder_units[line.holder].add(&units);
                holder_lines[line.holder].push(HolderClassPayout {
                    class: c.name.clone(),
                    shares: line.shares,
                    as_converted: line.ce,
                    amount: money(units_to_decimal(&units, cd)?),
                });
            }
            let split = apportion(&[class_pref[i].clone(), class_part[i].clone()], &top[i], cd)?;
            let decision = match (c.kind, c.participation, s.states[i]) {
                (ClassKind::Common, _, _) => Decision::Common,
                (_, _, ClassState::Converted) => Decision::Converts,
                (_, _, ClassState::AtCap) => Decision::Capped,
                (_, Participation::None, _) => Decision::TakesPreference,
                _ => Decision::Participates,
            };
            let per_share = if e.shares == 0 {
                Decimal::ZERO
            } else {
                class_total[i].per(e.shares).round(
                    self.rounding.price_decimals,
                    Mode::of(self.rounding.price_direction),
                )?
            };
            classes.push(ClassPayout {
                name: c.name.clone(),
                kind: c.kind,
                decision,
                shares: e.shares,
                as_converted: e.ce,
                preference_claim: money(e.claim),
                preference_paid: money(units_to_decimal(&split[0], cd)?),
                participation_paid: money(units_to_decimal(&split[1], cd)?),
                total: money(units_to_decimal(&top[i], cd)?),
                total_exact: class_total[i].truncated()?,
                per_share,
            });
        }

        let mut options = Vec::with_capacity(self.options.len());
        for (j, (o, input)) in self.options.iter().zip(&self.cap.options).enumerate() {
            let units = &top[n_classes + j];
            let exercised = s.exercised[j];
            let cost = if exercised {
                Exact::new(x.up(&o.cost), x.unit.clone())
            } else {
                Exact::zero()
            };
            let payout = units_to_decimal(units, cd)?;
            let cost_d = cost.truncated()?;
            holder_options[o.holder] = holder_options[o.holder].add(units);
            holder_cost[o.holder] = holder_cost[o.holder].add(&cost);
            options.push(OptionPayout {
                holder: input.holder.clone(),
                class: input.class.clone(),
                kind: input.kind,
                count: input.count,
                strike: input.strike,
                as_converted: o.ce,
                exercised,
                exercise_cost: money(cost_d),
                payout: money(payout),
                net: money(payout.checked_sub(cost_d).ok_or_else(too_large)?),
            });
        }

        let mut holders = Vec::with_capacity(self.holders.len());
        for (h, name) in self.holders.iter().enumerate() {
            let total = holder_units[h].add(&holder_options[h]);
            holders.push(HolderPayout {
                holder: name.clone(),
                by_class: std::mem::take(&mut holder_lines[h]),
                options: money(units_to_decimal(&holder_options[h], cd)?),
                exercise_cost: money(holder_cost[h].truncated()?),
                total: money(units_to_decimal(&total, cd)?),
            });
        }

        let outstanding = self
            .classes
            .iter()
            .zip(&s.states)
            .filter(|(_, st)| **st != ClassState::Converted)
            .fold(Big::zero(), |t, (c, _)| t.add(&c.pref));
        Ok(WaterfallOutcome {
            currency,
            exit_value: money(exit.exit_value),
            transaction_costs: money(exit.transaction_costs),
            debt: money(exit.debt),
            net_proceeds: money(Exact::new(x.net.clone(), x.unit.clone()).truncated()?),
            exercise_proceeds: money(Exact::new(s.exercise.clone(), x.unit.clone()).truncated()?),
            total_distributed: money(units_to_decimal(&target, cd)?),
            preferences_outstanding: money(
                Exact::new(outstanding, Big::pow10(self.k)).round(cd, Mode::HalfUp)?,
            ),
            common_price_per_share: s.price.round(
                self.rounding.price_decimals,
                Mode::of(self.rounding.price_direction),
            )?,
            common_price_per_share_exact: s.price.truncated()?,
            classes,
            holders,
            options,
            rounding: self.rounding.clone(),
        })
    }

    fn breakpoints(&self, exit: &ExitTerms) -> Result<Vec<Breakpoint>> {
        let x = self.exit_ticks(exit)?;
        let cd = self.rounding.cash_decimals;
        let currency = self.cap.currency;
        let names = &self.cap.classes;
        // (net proceeds as an exact amount of money, class, holder, event, q, description)
        let mut found: Vec<(Exact, usize, Option<usize>, BreakpointEvent, Exact)> = Vec::new();
        let dollars = |ticks: Big| Exact::new(ticks, x.unit.clone());

        // The preference stack, most senior first.
        let mut acc = Big::zero();
        for tier in &self.tiers {
            let total = x.up(&tier.total);
            if total.is_zero() {
                continue;
            }
            let end = acc.add(&total);
            for &c in &tier.classes {
                if self.classes[c].pref.is_zero() {
                    continue;
                }
                if !acc.add(&x.deductions).is_zero() {
                    found.push((
                        dollars(acc.clone()),
                        c,
                        None,
                        BreakpointEvent::PreferenceStarts,
                        Exact::zero(),
                    ));
                }
                found.push((
                    dollars(end.clone()),
                    c,
                    None,
                    BreakpointEvent::PreferenceFullyPaid,
                    Exact::zero(),
                ));
            }
            acc = end;
        }
        // The common pool opens once every preference is paid.
        if !acc.add(&x.deductions).is_zero() {
            for (i, c) in names.iter().enumerate() {
                let in_pool = matches!(
                    (c.kind, c.participation),
                    (ClassKind::Common, _)
                        | (ClassKind::Preferred, Participation::Full)
                        | (ClassKind::Preferred, Participation::Capped { .. })
                );
                if in_pool && self.classes[i].ce > 0 {
                    found.push((
                        dollars(acc.clone()),
                        i,
                        None,
                        BreakpointEvent::StartsParticipating,
                        Exact::zero(),
                    ));
                }
            }
        }
        // Every choice, in order: the net proceeds at which q reaches its threshold t are
        // t S + F - E, with the state (F, E, S) just before it.
        let mut states = vec![ClassState::Pool; self.classes.len()];
        let mut exercised = vec![false; self.options.len()];
        let mut fixed = x.up(&self.pref_total);
        let mut exercise = Big::zero();
        let mut pool = self.base_pool.clone();
        for ev in &self.events {
            let num = x.up(&ev.num);
            let at = num
                .mul(&pool)
                .add(&fixed.mul(&ev.den))
                .checked_sub(&exercise.mul(&ev.den))
                .ok_or_else(|| {
                    LedgerError::conflict("waterfall", "internal: a breakpoint below zero")
                })?;
            let event = match ev.kind {
                EventKind::Convert | EventKind::CapConvert => BreakpointEvent::Converts,
                EventKind::HitCap => BreakpointEvent::HitsCap,
                EventKind::Exercise => BreakpointEvent::OptionsInTheMoney,
            };
            let (class, holder) = match ev.kind {
                EventKind::Exercise => (self.options[ev.target].class, Some(ev.target)),
                _ => (ev.target, None),
            };
            let q = Exact::new(num.clone(), ev.den.mul(&x.unit));
            found.push((Exact::new(at, ev.den.mul(&x.unit)), class, holder, event, q));
            self.apply(
                ev,
                &x,
                &mut states,
                &mut exercised,
                &mut fixed,
                &mut exercise,
                &mut pool,
            )?;
        }

        found.sort_by(|a, b| a.0.cmp(&b.0));
        let deductions = dollars(x.deductions.clone());
        let mut out = Vec::with_capacity(found.len());
        for (net, class, option, event, q) in found {
            let at = net.add(&deductions);
            let exit_value = Money::new(at.round(cd, Mode::HalfUp)?, currency);
            let c = &names[class];
            let e = &self.classes[class];
            let claim = |b: &Big| -> Result<Money> {
                Ok(Money::new(
                    Exact::new(x.up(b), x.unit.clone()).round(cd, Mode::HalfUp)?,
                    currency,
                ))
            };
            let q_money = Money::new(
                q.round(self.rounding.price_decimals, Mode::HalfUp)?,
                currency,
            );
            let description = match event {
                BreakpointEvent::PreferenceStarts => format!(
                    "{}'s preference ({}) starts being paid: every more senior preference is paid",
                    c.name,
                    claim(&e.pref)?
                ),
                BreakpointEvent::PreferenceFullyPaid => {
                    format!(
                        "{}'s preference ({}) is paid in full",
                        c.name,
                        claim(&e.pref)?
                    )
                }
                BreakpointEvent::StartsParticipating => format!(
                    "every preference is paid; {} starts receiving the common pool",
                    c.name
                ),
                BreakpointEvent::Converts => format!(
                    "{} converts to common: the common price passes {} per share",
                    c.name, q_money
                ),
                BreakpointEvent::HitsCap => format!(
                    "{} reaches its cap ({}) and stops participating",
                    c.name,
                    claim(&e.cap.clone().unwrap_or_default())?
                ),
                BreakpointEvent::OptionsInTheMoney => {
                    let o = &self.cap.options[option.unwrap_or(0)];
                    format!(
                        "{}'s {} {}s on {} at strike {} come into the money",
                        o.holder,
                        o.count,
                        o.kind.name(),
                        o.class,
                        o.strike
                    )
                }
            };
            out.push(Breakpoint {
                exit_value,
                exit_value_exact: at.truncated()?,
                class: c.name.clone(),
                holder: option.map(|j| self.cap.options[j].holder.clone()),
                event,
                common_price_per_share: q.truncated()?,
                description,
            });
        }
        Ok(out)
    }
}

/// An exit in ticks of 10^-k.
struct ExitTicks {
    /// 10^(k - engine.k), when more than 1: turns the engine's ticks into these.
    up: Option<Big>,
    /// 10^k: one unit of money in ticks.
    unit: Big,
    net: Big,
    deductions: Big,
}

impl ExitTicks {
    /// An amount in the engine's ticks, in these.
    fn up(&self, b: &Big) -> Big {
        match &self.up {
            Some(f) => b.mul(f),
            None => b.clone(),
        }
    }
}

fn pool_money(net: &Big, exercise: &Big, fixed: &Big) -> Result<Big> {
    net.add(exercise).checked_sub(fixed).ok_or_else(|| {
        LedgerError::conflict("waterfall", "internal: the common pool went below zero")
    })
}

fn validate_class(c: &WaterfallClass) -> Result<()> {
    let at = |m: String| format!("class '{}': {m}", c.name);
    if c.name.trim().is_empty() {
        return Err(LedgerError::invalid("name", "a class has no name"));
    }
    if c.original_issue_price.is_sign_negative() && !c.original_issue_price.is_zero() {
        return Err(LedgerError::invalid(
            "original_issue_price",
            at(format!("{} is negative", c.original_issue_price)),
        ));
    }
    if c.preference_multiple.is_sign_negative() && !c.preference_multiple.is_zero() {
        return Err(LedgerError::invalid(
            "preference_multiple",
            at(format!("{} is negative", c.preference_multiple)),
        ));
    }
    if c.conversion_ratio <= Decimal::ZERO {
        return Err(LedgerError::invalid(
            "conversion_ratio",
            at(format!("{} is not above 0", c.conversion_ratio)),
        ));
    }
    match c.kind {
        ClassKind::Common => {
            if !c.preference_multiple.is_zero() {
                return Err(LedgerError::invalid(
                    "preference_multiple",
                    at("a common class has no liquidation preference (use 0)".into()),
                ));
            }
            if c.participation != Participation::None {
                return Err(LedgerError::invalid(
                    "participation",
                    at("a common class has no participation terms (use none)".into()),
                ));
            }
        }
        ClassKind::Preferred => {
            if let Participation::Capped { cap_multiple } = c.participation {
                if cap_multiple < c.preference_multiple {
                    return Err(LedgerError::invalid(
                        "cap_multiple",
                        at(format!(
                            "the cap ({cap_multiple}x) is the total return per share, preference \
                             included, and cannot be below the preference ({}x)",
                            c.preference_multiple
                        )),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn check_count(field: &'static str, n: u64, holder: &str) -> Result<()> {
    if n > MAX_SHARES {
        return Err(LedgerError::invalid(
            field,
            format!("{holder}: {n} is more than {MAX_SHARES}"),
        ));
    }
    Ok(())
}

fn too_large() -> LedgerError {
    LedgerError::invalid("exit_value", "the amount is too large to compute exactly")
}

/// A non-negative decimal in ticks of 10^-k (k >= its scale).
fn ticks(d: Decimal, k: u32) -> Big {
    Big::from_u128(d.mantissa().unsigned_abs()).mul(&Big::pow10(k - d.scale().min(k)))
}

/// multiple x price x shares, exactly, in ticks of 10^-k (k >= the product's scale).
fn per_share_times(multiple: Decimal, price: Decimal, shares: u64, k: u32) -> Big {
    let m = Big::from_u128(multiple.mantissa().unsigned_abs())
        .mul(&Big::from_u128(price.mantissa().unsigned_abs()))
        .mul_small(shares);
    m.mul(&Big::pow10(k - (multiple.scale() + price.scale()).min(k)))
}

/// shares x ratio, made whole by the policy's conversion rule, exactly.
fn as_converted(shares: u64, ratio: Decimal, rule: ShareRounding) -> Result<u64> {
    if ratio == Decimal::ONE {
        return Ok(shares);
    }
    let exact = Exact::new(
        Big::from_u128(ratio.mantissa().unsigned_abs()).mul_small(shares),
        Big::pow10(ratio.scale()),
    );
    let mode = match rule {
        ShareRounding::Floor => Mode::Down,
        ShareRounding::Ceiling => Mode::Up,
        ShareRounding::Nearest => Mode::HalfUp,
    };
    let whole = exact.round_units(0, mode);
    whole
        .to_u128()
        .and_then(|w| u64::try_from(w).ok())
        .ok_or_else(|| {
            LedgerError::invalid(
                "conversion_ratio",
                format!("{shares} shares at {ratio} convert into too many shares"),
            )
        })
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
fn apportion(items: &[Exact], target: &Big, dp: u32) -> Result<Vec<Big>> {
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

fn units_to_decimal(units: &Big, dp: u32) -> Result<Decimal> {
    let u = units.to_u128().ok_or_else(too_large)?;
    let i = i128::try_from(u).map_err(|_| too_large())?;
    Decimal::try_from_i128_with_scale(i, dp).map_err(|_| too_large())
}

// ---------------------------------------------------------------------------------------------
// Exact arithmetic
// ---------------------------------------------------------------------------------------------

/// How an exact value is brought to a number of decimals.
#[derive(Debug, Clone, Copy)]
enum Mode {
    Down,
    Up,
    HalfUp,
    HalfEven,
}

impl Mode {
    fn of(d: PriceDirection) -> Mode {
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
struct Exact {
    num: Big,
    den: Big,
}

impl Exact {
    fn new(num: Big, den: Big) -> Exact {
        debug_assert!(!den.is_zero());
        Exact { num, den }
    }

    fn zero() -> Exact {
        Exact::new(Big::zero(), Big::from_u128(1))
    }

    fn add(&self, o: &Exact) -> Exact {
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

    fn cmp(&self, o: &Exact) -> Ordering {
        self.num.mul(&o.den).cmp(&o.num.mul(&self.den))
    }

    /// This value divided by a whole number.
    fn per(&self, n: u64) -> Exact {
        Exact::new(self.num.clone(), self.den.mul_small(n.max(1)))
    }

    /// floor(value x 10^dp), and the remainder's numerator over `den`.
    fn scaled_floor(&self, dp: u32) -> (Big, Big) {
        self.num.mul(&Big::pow10(dp)).divrem(&self.den)
    }

    /// value x 10^dp made whole by `mode`.
    fn round_units(&self, dp: u32, mode: Mode) -> Big {
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

    fn round(&self, dp: u32, mode: Mode) -> Result<Decimal> {
        units_to_decimal(&self.round_units(dp, mode), dp)
    }

    /// The value to 28 significant digits, truncated (exact when it has no more).
    fn truncated(&self) -> Result<Decimal> {
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
struct Big(Vec<u64>);

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
    fn zero() -> Big {
        Big(Vec::new())
    }

    fn from_u128(v: u128) -> Big {
        let mut b = Big(vec![v as u64, (v >> 64) as u64]);
        b.trim();
        b
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn to_u128(&self) -> Option<u128> {
        match self.0.len() {
            0 => Some(0),
            1 => Some(u128::from(self.0[0])),
            2 => Some(u128::from(self.0[0]) | (u128::from(self.0[1]) << 64)),
            _ => None,
        }
    }

    fn pow10(n: u32) -> Big {
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

    fn add(&self, o: &Big) -> Big {
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

    fn checked_sub(&self, o: &Big) -> Option<Big> {
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

    fn mul_small(&self, m: u64) -> Big {
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

    fn mul(&self, o: &Big) -> Big {
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
    fn divrem(&self, d: &Big) -> (Big, Big) {
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
