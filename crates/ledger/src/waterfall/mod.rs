//! The exit waterfall: who receives what when the company is sold for a given value.
//!
//! A pure function of a [`Capitalisation`] (share classes with their liquidation terms,
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
//!    `preference_multiple x original_issue_price x shares` (exactly, per holding), or
//!    `preference_multiple x` the cash invested under [`PreferenceBasis::Invested`]. A SAFE or
//!    note ([`WaterfallConvertible`]) is a class of one holding whose preference is its claim: a
//!    note's repayment in a tier above every class, a SAFE's cash-out amount in the most senior
//!    preferred tier; with conversion shares it chooses as a non-participating class does.
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
//!    increasing order (the proof is at `Engine::solve`, in engine.rs). This is the usual
//!    conversion rule (start with every class taking its preference; consider the classes in
//!    order of increasing preference per common-equivalent share; convert a class when
//!    converting pays it more; repeat passes until stable), extended to caps and options; one
//!    pass is already stable. A choice is taken only when it pays *strictly* more: at a tie a
//!    class keeps its preference and an option is not exercised (the payouts are the same
//!    either way).
//! 5. **Rounding.** Every payout is computed exactly (rational arithmetic on big integers, no
//!    float, no 28-digit truncation). For output, payouts are rounded to the policy's
//!    `cash_decimals` by the largest-remainder method so that the rounded payouts sum exactly to
//!    the distributable amount, net proceeds + exercise proceeds (itself rounded half-up to
//!    `cash_decimals` when it has more decimals, which happens only with sub-cent inputs):
//!    first across the classes and the option grants, then, within each class, across its
//!    holders, and across its preference and participation. Each rounded payout is its exact
//!    value rounded down or up, never further. **Tie rule:** equal remainders are served in the
//!    order of the input (classes as listed, then SAFEs and notes as listed, then options as
//!    listed; holders in the order of their first holding of the class; preference before
//!    participation).
//!    Per-share values and the common price are rounded as the policy rounds prices.
//!
//! Options and warrants are assumed exercisable at the exit (pass only those that are, e.g.
//! vested or accelerated). An option on a preferred class is treated like an option on common
//! into `count x conversion_ratio` common-equivalent shares, without a preference.
//!
//! The module's parts: this file holds the inputs, the outputs and the public functions;
//! `engine` checks a capitalisation and solves one exit exactly; `breakpoints` finds the exit
//! values at which a payout changes slope; `exact` is the exact arithmetic both run on (big
//! integers, rationals, largest-remainder rounding).

mod breakpoints;
mod engine;
mod exact;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::{ClassKind, Participation};
use crate::error::{LedgerError, Result};
use crate::money::{Currency, Money};
use crate::rounding::RoundingPolicy;

use engine::Engine;
use exact::too_large;

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
    /// The cash paid for these shares, when known: the preference's base under
    /// [`PreferenceBasis::Invested`] (otherwise, and when unknown, shares x original issue price).
    #[serde(default, with = "crate::money::opt_decimal_str")]
    pub invested: Option<Decimal>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

/// Which kind of convertible instrument.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConvertibleKind {
    Safe,
    Note,
}

impl ConvertibleKind {
    pub fn name(self) -> &'static str {
        match self {
            ConvertibleKind::Safe => "safe",
            ConvertibleKind::Note => "note",
        }
    }
}

/// A SAFE or a convertible note outstanding at the exit, before it converts: what it is owed
/// if it does not convert (its claim), and the common-equivalent shares it is paid on if it
/// does. `Book::capitalisation` works both out from the instrument's terms (docs/waterfall.md,
/// "SAFEs and notes").
///
/// A SAFE's claim (its Cash-Out Amount) ranks with the most senior preferred class, pari
/// passu; a note's (its repayment) ranks above every share class, pari passu with the other
/// notes. Converted, either shares the common pool. With both a claim and conversion shares
/// it takes whichever pays it more, as a non-participating preferred class does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaterfallConvertible {
    /// How the outputs name it ("SAFE #4"); unique among the classes and instruments.
    pub name: String,
    pub holder: String,
    pub kind: ConvertibleKind,
    /// Paid if it does not convert: a SAFE's Cash-Out Amount, a note's repayment. None: it can
    /// only convert.
    #[serde(default, with = "crate::money::opt_decimal_str")]
    pub claim: Option<Decimal>,
    /// Common-equivalent shares it is paid on if it converts; 0: it cannot convert.
    pub conversion_shares: u64,
    /// A Conversion Amount fixed in money rather than in shares (YC's discount-only SAFE:
    /// purchase amount / (1 - discount), its Liquidity Price being the common's own value times
    /// the discount rate), at least the claim: the claim is paid in its tier, the rest after
    /// every claim and preference, before the common pool. None for most instruments.
    #[serde(default, with = "crate::money::opt_decimal_str")]
    pub conversion_amount: Option<Decimal>,
    /// The price per share its conversion shares were counted at (a SAFE's Liquidity Price, a
    /// note's conversion price), for reading.
    #[serde(default, with = "crate::money::opt_decimal_str")]
    pub conversion_price: Option<Decimal>,
}

/// What happens to the SAFEs and notes outstanding at an exit.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConvertiblesAtExit {
    /// Each is paid by its own terms (a SAFE's Liquidity Event clause, a note's repayment or
    /// conversion) inside the waterfall.
    #[default]
    Paid,
    /// Left out of the waterfall and listed apart (the behaviour before they were modelled).
    LeftOut,
}

/// What a convertible note receives at an exit.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotesAtExit {
    /// The greater of its repayment and, when it has a cap, what it receives converted at the
    /// cap (the holder's option in the Series Seed note term sheet's change of control).
    #[default]
    GreaterOf,
    /// Repaid, senior to all equity; never converted.
    Repay,
    /// Converted at its cap and paid as common; a note without a cap is repaid.
    Convert,
}

/// What a preferred class's liquidation preference multiplies.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PreferenceBasis {
    /// Shares x original issue price (the NVCA charter's "Original Issue Price ... per share").
    #[default]
    IssuePrice,
    /// The cash actually paid for the shares (docs/waterfall.md, "Preference basis").
    Invested,
}

/// The named settings of an exit, each with its default (docs/waterfall.md). The engine reads
/// `preference_basis`; the others say how `Book::capitalisation` built the capitalisation, and
/// every outcome states them all.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExitConventions {
    pub convertibles: ConvertiblesAtExit,
    pub notes: NotesAtExit,
    /// A note's repayment: this multiple of its principal, plus the interest accrued to the
    /// exit (1: principal + interest; 2: "2x principal" on a change of control).
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub note_repayment_multiple: Decimal,
    pub preference_basis: PreferenceBasis,
}

impl Default for ExitConventions {
    fn default() -> Self {
        ExitConventions {
            convertibles: ConvertiblesAtExit::Paid,
            notes: NotesAtExit::GreaterOf,
            note_repayment_multiple: Decimal::ONE,
            preference_basis: PreferenceBasis::IssuePrice,
        }
    }
}

impl ConvertiblesAtExit {
    pub fn name(self) -> &'static str {
        match self {
            ConvertiblesAtExit::Paid => "paid",
            ConvertiblesAtExit::LeftOut => "left-out",
        }
    }
}

impl NotesAtExit {
    pub fn name(self) -> &'static str {
        match self {
            NotesAtExit::GreaterOf => "greater-of",
            NotesAtExit::Repay => "repay",
            NotesAtExit::Convert => "convert",
        }
    }
}

impl PreferenceBasis {
    pub fn name(self) -> &'static str {
        match self {
            PreferenceBasis::IssuePrice => "issue-price",
            PreferenceBasis::Invested => "invested",
        }
    }
}

impl ExitConventions {
    /// Refuses a repayment multiple below 1, naming the field.
    pub fn validate(&self) -> Result<()> {
        if self.note_repayment_multiple < Decimal::ONE {
            return Err(LedgerError::invalid(
                "note_repayment_multiple",
                format!(
                    "{} is below 1; a note is repaid at least its principal (1, or 2 for 2x)",
                    self.note_repayment_multiple
                ),
            ));
        }
        Ok(())
    }

    /// One line for outputs: "SAFEs and notes paid (notes: greater-of, repayment 1x principal
    /// + interest); preference basis issue-price".
    pub fn describe(&self) -> String {
        let convertibles = match self.convertibles {
            ConvertiblesAtExit::LeftOut => "SAFEs and notes left out".to_string(),
            ConvertiblesAtExit::Paid => format!(
                "SAFEs and notes paid (notes: {}, repayment {}x principal + interest)",
                self.notes.name(),
                self.note_repayment_multiple.normalize()
            ),
        };
        format!(
            "{convertibles}; preference basis {}",
            self.preference_basis.name()
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capitalisation {
    pub currency: Currency,
    pub classes: Vec<WaterfallClass>,
    pub holdings: Vec<WaterfallHolding>,
    pub options: Vec<WaterfallOption>,
    /// SAFEs and notes paid at the exit by their own terms.
    #[serde(default)]
    pub convertibles: Vec<WaterfallConvertible>,
    #[serde(default)]
    pub conventions: ExitConventions,
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    /// A SAFE paid its Cash-Out Amount (its purchase amount).
    CashOut,
    /// A note repaid (its repayment multiple of principal, plus interest).
    Repaid,
}

impl Decision {
    pub fn name(self) -> &'static str {
        match self {
            Decision::TakesPreference => "takes-preference",
            Decision::Converts => "converts",
            Decision::Participates => "participates",
            Decision::Capped => "capped",
            Decision::Common => "common",
            Decision::CashOut => "cash-out",
            Decision::Repaid => "repaid",
        }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub total_exact: Decimal,
    /// Exact total / shares, rounded as the policy rounds prices (0 for a class with no shares).
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub per_share: Decimal,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HolderClassPayout {
    pub class: String,
    pub shares: u64,
    pub as_converted: u64,
    pub amount: Money,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HolderPayout {
    pub holder: String,
    /// One line per class held, in the order of the classes.
    pub by_class: Vec<HolderClassPayout>,
    /// What the holder's exercised options and warrants receive (before their strike).
    pub options: Money,
    /// What the holder's SAFEs and notes receive.
    pub convertibles: Money,
    /// The strike the holder pays in for them (exact).
    pub exercise_cost: Money,
    /// by_class + options + convertibles. The sum over holders is `total_distributed`.
    pub total: Money,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OptionPayout {
    pub holder: String,
    pub class: String,
    pub kind: OptionKind,
    pub count: u64,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
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

/// What one SAFE or note receives at the exit.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConvertiblePayout {
    pub name: String,
    pub holder: String,
    pub kind: ConvertibleKind,
    /// `cash-out` (a SAFE), `repaid` (a note) or `converts`.
    pub decision: Decision,
    /// What it is owed if it does not convert, rounded half-up to cents (for reading; 0 when
    /// it can only convert).
    pub claim: Money,
    /// Common-equivalent shares if it converts (0: it cannot).
    pub conversion_shares: u64,
    /// The price those shares were counted at, rounded as a cap price.
    #[serde(with = "crate::money::opt_decimal_str")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub conversion_price: Option<Decimal>,
    /// A Conversion Amount fixed in money (a discount-only SAFE's), rounded half-up to cents.
    pub conversion_amount: Option<Money>,
    /// Paid as its claim (cash-out or repayment).
    pub claim_paid: Money,
    /// Paid from the common pool, as converted.
    pub conversion_paid: Money,
    /// claim_paid + conversion_paid.
    pub total: Money,
    /// The exact total before rounding (to 28 significant digits, truncated).
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub total_exact: Decimal,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    /// The preferences of all classes, and the claims of all SAFEs and notes, that did not
    /// convert (rounded half-up to cents).
    pub preferences_outstanding: Money,
    /// The common price `q`: value per common-equivalent share in the common pool, rounded as
    /// the policy rounds prices. 0 while preferences are not paid in full.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub common_price_per_share: Decimal,
    /// The same, exact to 28 significant digits (truncated).
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub common_price_per_share_exact: Decimal,
    pub classes: Vec<ClassPayout>,
    pub holders: Vec<HolderPayout>,
    /// Every option and warrant grant, exercised or not, in input order.
    pub options: Vec<OptionPayout>,
    /// Every SAFE and note paid at the exit, in input order.
    pub convertibles: Vec<ConvertiblePayout>,
    /// The exit's named settings.
    pub conventions: ExitConventions,
    pub rounding: RoundingPolicy,
}

impl WaterfallOutcome {
    pub fn class(&self, name: &str) -> Option<&ClassPayout> {
        self.classes.iter().find(|c| c.name == name)
    }
    pub fn holder(&self, name: &str) -> Option<&HolderPayout> {
        self.holders.iter().find(|h| h.holder == name)
    }
    pub fn convertible(&self, name: &str) -> Option<&ConvertiblePayout> {
        self.convertibles.iter().find(|c| c.name == name)
    }
}

/// What happens to a class's payout at a breakpoint.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breakpoint {
    /// The exact breakpoint rounded half-up to `cash_decimals`.
    pub exit_value: Money,
    /// The exact breakpoint to 28 significant digits (truncated).
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub exit_value_exact: Decimal,
    /// The class whose payout changes (for options: the class exercised into; for a SAFE or
    /// note: its name).
    pub class: String,
    /// For options and warrants, SAFEs and notes: their holder.
    pub holder: Option<String>,
    pub event: BreakpointEvent,
    /// The common price `q` at the breakpoint (28 significant digits, truncated): the class's
    /// preference per common-equivalent share for a conversion, the strike per common-equivalent
    /// share for options, 0 while preferences are being paid.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub common_price_per_share: Decimal,
    pub description: String,
}

/// The most steps `waterfall_range` computes in one call.
pub const MAX_RANGE_STEPS: u32 = 100_000;
/// The most lines (a class's, a holding's or a grant's payout at one exit value) one range holds:
/// about 250 MB of outcomes.
pub const MAX_RANGE_LINES: u64 = 1_000_000;

// ---------------------------------------------------------------------------------------------
// Public functions
// ---------------------------------------------------------------------------------------------

/// The payouts at one exit.
pub fn waterfall(
    cap: &Capitalisation,
    exit: &ExitTerms,
    rounding: &RoundingPolicy,
) -> Result<WaterfallOutcome> {
    Engine::new(cap, rounding)?.outcome(exit)
}

/// The payouts at `steps + 1` exit values evenly spaced from `from` to `to` (both included; the
/// points between are rounded half-up to `cash_decimals`), with the same costs and debt.
pub fn waterfall_range(
    cap: &Capitalisation,
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
    // Each outcome holds a line per class, holding and option grant: the range's memory is
    // steps x lines, bounded rather than left to the allocator.
    let lines =
        (cap.classes.len() + cap.holdings.len() + cap.options.len() + 2 * cap.convertibles.len())
            .max(1) as u64;
    let most = (MAX_RANGE_LINES / lines).min(u64::from(MAX_RANGE_STEPS));
    if u64::from(steps) > most {
        return Err(LedgerError::invalid(
            "steps",
            format!(
                "{steps} steps over {lines} classes, holdings and grants is more than one range computes \
                 ({MAX_RANGE_LINES} lines); at most {most} steps for this capitalisation"
            ),
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
    cap: &Capitalisation,
    exit: &ExitTerms,
    rounding: &RoundingPolicy,
) -> Result<Vec<Breakpoint>> {
    Engine::new(cap, rounding)?.breakpoints(exit)
}
