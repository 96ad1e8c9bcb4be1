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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "amount", rename_all = "kebab-case")]
pub enum RoundValuation {
    PreMoney(Money),
    /// Pre-money = post-money - the new money.
    PostMoney(Money),
    /// The term sheet's price per share, used as given; the pre-money is derived from it by
    /// the pricing method (price x the method's denominator).
    Price(Money),
}

impl RoundValuation {
    /// The value from what a user gave: one of a pre-money and a post-money, a price, or a
    /// price beside one of them (then the price is the stated one, checked against the
    /// valuation's). Returns the valuation and the stated price.
    pub fn from_terms(
        pre_money: Option<Money>,
        post_money: Option<Money>,
        price: Option<Money>,
    ) -> Result<(RoundValuation, Option<Money>)> {
        let valuation = match (pre_money, post_money) {
            (Some(_), Some(_)) => {
                return Err(LedgerError::invalid(
                    "post_money",
                    "give a pre-money or a post-money valuation, not both",
                ))
            }
            (Some(v), None) => Some(RoundValuation::PreMoney(v)),
            (None, Some(v)) => Some(RoundValuation::PostMoney(v)),
            (None, None) => None,
        };
        match (valuation, price) {
            (Some(v), stated) => Ok((v, stated)),
            (None, Some(p)) => Ok((RoundValuation::Price(p), None)),
            (None, None) => Err(LedgerError::invalid(
                "pre_money",
                "give a pre-money or a post-money valuation, or the price per share",
            )),
        }
    }
}

/// The class a SAFE or note converting below the round's price is issued.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConversionClass {
    /// The round's own class, whatever the conversion price (Carta's calculator).
    #[default]
    RoundClass,
    /// A shadow series for each conversion price below the round's: the round's preferred
    /// with its original issue price, and so its liquidation preference per share, the
    /// conversion price ("Safe Preferred Stock" in YC's SAFE; "Series A-1", "A-2"...).
    ShadowSeries,
}

/// How pro rata rights are sized against the round the documents state.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProRataSizing {
    /// Added to the stated investments: the round grows by the pro rata amounts.
    #[default]
    OnTop,
    /// Carved out of it: the round stays the stated size, and the stated investments shrink
    /// in proportion to make room.
    CarvedOut,
}

/// A grant sized to a fraction of post-money fully diluted shares, solved with the round
/// (a hire's 1% grant in the round).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SizedGrant {
    pub holder: StakeholderId,
    /// Of post-money fully diluted shares: 0.01 = 1%.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub target: Decimal,
    pub kind: SizedGrantKind,
}

impl SizedGrant {
    /// A target is a fraction of the company after the round: above 0, below 1.
    pub fn check_target(&self) -> Result<()> {
        if self.target <= Decimal::ZERO || self.target >= Decimal::ONE {
            return Err(LedgerError::invalid(
                "target",
                format!(
                    "{} is outside (0, 1): write 0.01 for 1% of post-money FD",
                    self.target
                ),
            ));
        }
        Ok(())
    }
}

/// What a sized grant is.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SizedGrantKind {
    /// Options out of a plan's available pool: already in fully diluted shares, they use the
    /// pool up, and a pool target is topped up to hold after them.
    Options { plan: PlanId, exercise_price: Money },
    /// New shares of a class, counted in the pre-money like the pool shuffle: they dilute the
    /// existing holders, not the round's investors.
    Shares { class: ClassId },
}

/// A sized grant as the round made it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SizedGrantLine {
    pub holder: StakeholderId,
    pub name: String,
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub target: Decimal,
    pub kind: SizedGrantKind,
    /// In words: "options from 2020 Plan at USD 0.10", "shares of Common".
    pub granted_as: String,
    /// target x post-money FD, rounded by the policy's `shares` rule.
    pub shares: u64,
    /// Of post-money fully diluted shares, as recorded.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub pct_after: Decimal,
}

/// Whether the shares a down round's anti-dilution adjustment adds (protected preferred
/// converting into more common) are in the round price's denominator.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AntiDilutionPricing {
    /// Priced on the capitalisation before the adjustment: the adjustment then dilutes the new
    /// investors too (the price a term sheet states before anyone computes the adjustment).
    #[default]
    AfterPrice,
    /// The adjustment's shares are in the denominator, so the new investors' price already
    /// counts them and the implied post-money is the stated one (solved with the round).
    InPrice,
}

/// How SAFEs and notes converting in the round enter its price: the three methods Cooley GO
/// describes ("Calculating Share Price With Outstanding Convertible Notes or Safes").
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PricingMethod {
    /// The new investors own new money / post-money: the price divides the pre-money by the
    /// capitalisation *including* the conversion shares, so only existing holders are diluted
    /// by them (Carta's calculator; YC's post-money SAFE user guide).
    #[default]
    PercentageOwnership,
    /// The price is the pre-money over the capitalisation *without* the conversion shares, so
    /// they dilute the new investors as well (YC's pre-money SAFE primer; most note examples).
    PreMoney,
    /// The converting amounts count as invested dollars: the price is (pre-money + the
    /// converting amounts) over the capitalisation without the conversion shares.
    DollarsInvested,
}

impl PricingMethod {
    pub fn name(self) -> &'static str {
        match self {
            PricingMethod::PercentageOwnership => "percentage-ownership",
            PricingMethod::PreMoney => "pre-money",
            PricingMethod::DollarsInvested => "dollars-invested",
        }
    }

    /// What the price divides, in words, for the outputs that show the computation.
    pub fn quotient_words(self) -> &'static str {
        match self {
            PricingMethod::PercentageOwnership => {
                "pre-money / (FD + conversions + top-up in pre-money)"
            }
            PricingMethod::PreMoney => "pre-money / (FD + top-up in pre-money)",
            PricingMethod::DollarsInvested => {
                "(pre-money + converting amounts) / (FD + top-up in pre-money)"
            }
        }
    }
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    /// How converting SAFEs and notes enter the price.
    pub pricing: PricingMethod,
    /// The price the documents state beside a valuation, checked against the computed one.
    pub stated_price: Option<Money>,
    pub investments: Vec<Investment>,
    /// Existing holders exercising a pro-rata right: each invests its fully diluted share
    /// before the round times the new money in `investments` (NVCA investors' rights:
    /// "its pro rata share of New Securities").
    pub pro_rata: Vec<StakeholderId>,
    /// SAFE holders exercising a pro rata side letter (YC's): each invests its as-converted
    /// share (its shares and its conversion shares over the capitalisation just before the new
    /// money: F + conversions + a pre-money top-up) times the stated new money.
    pub safe_pro_rata: Vec<StakeholderId>,
    /// Whether pro rata amounts come on top of the stated investments or out of them.
    pub pro_rata_sizing: ProRataSizing,
    pub lead: Option<StakeholderId>,
    pub pool: Option<PoolTopUp>,
    /// Options or shares granted in the round, each sized to a fraction of post-money FD.
    pub grants: Vec<SizedGrant>,
    pub conversions: Conversions,
    /// Which class a conversion below the round's price is issued.
    pub conversion_class: ConversionClass,
    /// Whether a down round's anti-dilution shares are in the price's denominator.
    pub anti_dilution_pricing: AntiDilutionPricing,
    /// What the instruments' caps divide by; YC's definitions by default.
    pub capitalisation: CapitalisationDefinitions,
    pub rounding: RoundingPolicy,
    pub note: Option<String>,
}

impl RoundModel {
    /// A round of `investments` with every setting at its documented default: no pool top-up,
    /// grants or pro rata; every SAFE and note converting into the round's class by the
    /// percentage-ownership method under YC's capitalisation definitions; anti-dilution shares
    /// priced after the round; the default rounding policy.
    pub fn new(
        name: &str,
        date: NaiveDate,
        class: ClassId,
        valuation: RoundValuation,
        investments: Vec<Investment>,
    ) -> RoundModel {
        RoundModel {
            name: name.to_string(),
            date,
            class,
            valuation,
            pricing: PricingMethod::default(),
            stated_price: None,
            investments,
            pro_rata: vec![],
            safe_pro_rata: vec![],
            pro_rata_sizing: ProRataSizing::default(),
            lead: None,
            pool: None,
            grants: vec![],
            conversions: Conversions::All,
            conversion_class: ConversionClass::default(),
            anti_dilution_pricing: AntiDilutionPricing::default(),
            capitalisation: CapitalisationDefinitions::default(),
            rounding: RoundingPolicy::default(),
            note: None,
        }
    }
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
    /// The class issued: the round's, or a shadow series.
    pub class: ClassId,
    pub class_name: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewMoneyLine {
    pub investor: StakeholderId,
    pub name: String,
    pub amount: Money,
    /// The share a pro rata right sized this amount on; none for a stated investment.
    #[serde(
        with = "crate::money::opt_decimal_str",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "ts", ts(type = "string | null", optional))]
    pub pro_rata_share: Option<Decimal>,
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
    /// The value as the user stated it: a pre-money, a post-money or a price.
    pub valuation: RoundValuation,
    pub pricing: PricingMethod,
    /// Stated, or derived from a given price.
    pub pre_money: Money,
    pub new_money: Money,
    pub post_money: Money,
    /// Fully diluted shares before the round (F).
    pub pre_round_fd_shares: u64,
    /// The value the price divides: the pre-money, plus the converting amounts by the
    /// dollars-invested method; a given price times its denominator.
    pub effective_pre_money: Money,
    /// The shares it is divided by: F, the conversion shares by the percentage-ownership
    /// method, the top-up when in the pre-money (whole when the policy says so).
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
    pub grants: Vec<SizedGrantLine>,
    pub new_shares: u64,
    pub conversion_shares: u64,
    pub post_money_fd_shares: u64,
    pub implied_post_money: Money,
    pub dilution: Vec<Dilution>,
    /// Conversion price adjustments the round triggers in classes with anti-dilution
    /// protection (a down round), recorded with it.
    pub anti_dilution: Vec<crate::antidilution::Adjustment>,
    /// Whether the price counted the adjustment's shares.
    pub anti_dilution_pricing: AntiDilutionPricing,
    /// The other settings the round used: the class a conversion below the price was issued,
    /// how pro rata rights were sized, what each kind of instrument's cap divided by.
    pub conversion_class: ConversionClass,
    pub pro_rata_sizing: ProRataSizing,
    pub capitalisation: CapitalisationDefinitions,
    /// Common-equivalent shares the adjustment added to post-money FD (in it).
    pub anti_dilution_shares: u64,
    pub pro_forma: CapTable,
}

/// Share counts added up, refused rather than wrapped when they pass what a u64 holds.
fn total(parts: impl IntoIterator<Item = u64>) -> Result<u64> {
    parts
        .into_iter()
        .try_fold(0u64, |acc, n| acc.checked_add(n))
        .ok_or_else(big)
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
    /// Common-equivalent shares a down round's anti-dilution adjustment adds (solved by
    /// `commit_round_model` around this solver), and whether the price counts them.
    pub adjustment_shares: Decimal,
    pub adjustment_pricing: AntiDilutionPricing,
    /// Fractions of post-money FD granted in the round: as options out of the pool (g), and
    /// as new shares counted in the pre-money (s).
    pub option_grants: Decimal,
    pub share_grants: Decimal,
    pub outstanding: Decimal,
    pub options: Decimal,
    pub available: Decimal,
    pub price: PriceTerms,
    pub new_money: Decimal,
    pub pool: Option<(PoolSize, PoolTiming)>,
    pub instruments: Vec<ConvertingInstrument>,
}

/// What sets the round's price.
#[derive(Debug, Clone, Copy)]
pub enum PriceTerms {
    /// A pre-money valuation, by a pricing method.
    Valuation {
        pre_money: Decimal,
        method: PricingMethod,
    },
    /// A price per share, given.
    Given(Decimal),
}

impl SolveInput {
    fn pool_in_pre_money(&self) -> bool {
        matches!(self.pool, Some((_, PoolTiming::PreMoney)))
    }

    /// The value the price divides (V, or V + the converting amounts); none for a given price.
    pub fn effective_pre_money(&self) -> Result<Option<Decimal>> {
        match self.price {
            PriceTerms::Given(_) => Ok(None),
            PriceTerms::Valuation { pre_money, method } => {
                let mut v = pre_money;
                if method == PricingMethod::DollarsInvested {
                    for k in &self.instruments {
                        v = add(v, k.amount)?;
                    }
                }
                Ok(Some(v))
            }
        }
    }

    /// The shares before the round the price counts: F, and the anti-dilution shares when
    /// they are in the price.
    fn priced_fd(&self) -> Result<Decimal> {
        match self.adjustment_pricing {
            AntiDilutionPricing::AfterPrice => Ok(self.pre_fd),
            AntiDilutionPricing::InPrice => add(self.pre_fd, self.adjustment_shares),
        }
    }

    /// The price's denominator, exact: F, + x by the percentage-ownership method, + dP when
    /// the top-up is in the pre-money.
    pub fn denominator(
        &self,
        conversion_total: Decimal,
        pool_increase: Decimal,
        issued_total: Decimal,
    ) -> Result<Decimal> {
        let mut d = self.priced_fd()?;
        if matches!(
            self.price,
            PriceTerms::Valuation {
                method: PricingMethod::PercentageOwnership,
                ..
            }
        ) || matches!(self.price, PriceTerms::Given(_))
        {
            d = add(d, conversion_total)?;
        }
        if self.pool_in_pre_money() {
            d = add(d, pool_increase)?;
        }
        if !matches!(self.price, PriceTerms::Given(_)) {
            d = add(d, issued_total)?;
        }
        Ok(d)
    }

    /// Shares a dollar buys, q = c0 + c1 x + c2 dP + c3 S, as (c0, c1, c2, c3): shares
    /// granted in the round are in the pre-money, like the pool shuffle.
    fn shares_per_dollar_form(&self) -> Result<(Decimal, Decimal, Decimal, Decimal)> {
        let zero = Decimal::ZERO;
        match self.price {
            PriceTerms::Given(p) => Ok((div(Decimal::ONE, p)?, zero, zero, zero)),
            PriceTerms::Valuation { method, .. } => {
                let v = self.effective_pre_money()?.unwrap_or(zero);
                let per = |on: bool| if on { div(Decimal::ONE, v) } else { Ok(zero) };
                Ok((
                    div(self.priced_fd()?, v)?,
                    per(method == PricingMethod::PercentageOwnership)?,
                    per(self.pool_in_pre_money())?,
                    per(true)?,
                ))
            }
        }
    }
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
    /// New shares issued to grants sized to the round (S), exact.
    pub issued_total: Decimal,
}

struct Shape {
    /// dP(x)
    pool: Affine,
    /// q(x)
    q: Affine,
    /// S(x): new shares issued to grants sized to the round.
    issued: Affine,
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
    // Post-money FD counts the anti-dilution shares whether or not the price does.
    let f = add(i.pre_fd, i.adjustment_shares)?;
    let one = Decimal::ONE;
    let zero = Decimal::ZERO;
    let m = i.new_money;
    let (c0, c1, c2, c3) = i.shares_per_dollar_form()?;
    let (g, sh) = (i.option_grants, i.share_grants);
    // The top-up as dP = a T + b: a target (the grants out of the pool come on top of it:
    // A + dP - g T = t T), or a given count.
    let (a, b) = match (i.pool, topup) {
        (Some((PoolSize::Shares(n), _)), _) => (zero, Decimal::from(n)),
        (Some((PoolSize::Target(t), _)), true) => (add(t, g)?, -i.available),
        _ => (zero, zero),
    };
    // T = F + E + x + dP + M q + S, q = c0 + c1 x + c2 dP + c3 S, S = s T:
    // T (1 - a (1 + M c2) - s (1 + M c3)) = F + E + b + M (c0 + c2 b) + (1 + M c1) x.
    let den = sub(
        sub(one, mul(a, add(one, mul(m, c2)?)?)?)?,
        mul(sh, add(one, mul(m, c3)?)?)?,
    )?;
    if den <= zero {
        let field = if sh > zero { "grants" } else { "pool_target" };
        return Err(LedgerError::invalid(
            field,
            "the pool target and the grants sized to the round would take the whole company at this price",
        ));
    }
    let post = Affine {
        slope: div(add(one, mul(m, c1)?)?, den)?,
        intercept: div(add(add(f, b)?, mul(m, add(c0, mul(c2, b)?)?)?)?, den)?,
    };
    let pool = Affine {
        slope: mul(a, post.slope)?,
        intercept: add(mul(a, post.intercept)?, b)?,
    };
    let issued = post.scale(sh)?;
    let q = Affine {
        slope: add(add(c1, mul(c2, pool.slope)?)?, mul(c3, issued.slope)?)?,
        intercept: add(
            add(c0, mul(c2, pool.intercept)?)?,
            mul(c3, issued.intercept)?,
        )?,
    };
    Ok(Shape { pool, q, issued })
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
    match i.price {
        PriceTerms::Valuation { pre_money, .. } if pre_money <= Decimal::ZERO => {
            return Err(LedgerError::invalid(
                "pre_money",
                "the pre-money valuation must be greater than zero",
            ))
        }
        PriceTerms::Given(p) if p <= Decimal::ZERO => {
            return Err(LedgerError::invalid(
                "price",
                "the price per share must be greater than zero",
            ))
        }
        _ => {}
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
        let issued_total = s.issued.at(x)?;
        let post_fd = add(
            add(
                add(add(add(i.pre_fd, i.adjustment_shares)?, x)?, pool_increase)?,
                mul(i.new_money, q)?,
            )?,
            issued_total,
        )?;
        let solution = Solution {
            conversion_total: x,
            pool_increase,
            shares_per_dollar: q,
            post_fd,
            per_instrument: per,
            issued_total,
        };
        verify(i, &solution, topup)?;
        return Ok(solution);
    }
    Err(LedgerError::invalid(
        "pool_target",
        "no pool size satisfies the target at these terms",
    ))
}

/// "Series A Preferred" -> "Series A-1 Preferred"; another name gets "-1" at its end.
fn shadow_series_name(class: &str, n: usize) -> String {
    match class.strip_suffix(" Preferred") {
        Some(series) => format!("{series}-{n} Preferred"),
        None => format!("{class}-{n}"),
    }
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
    let mut ok = match (i.price, i.effective_pre_money()?) {
        (PriceTerms::Given(p), _) => close(p * s.shares_per_dollar, Decimal::ONE),
        (_, v) => close(
            v.unwrap_or_default() * s.shares_per_dollar,
            i.denominator(s.conversion_total, s.pool_increase, s.issued_total)?,
        ),
    };
    ok &= close(
        s.conversion_total,
        s.per_instrument.iter().map(|p| p.0).sum(),
    );
    match (i.pool, topup) {
        (Some((PoolSize::Target(t), _)), true) => {
            ok &= close(
                i.available + s.pool_increase - i.option_grants * s.post_fd,
                t * s.post_fd,
            );
        }
        (Some((PoolSize::Shares(n), _)), _) => ok &= s.pool_increase == Decimal::from(n),
        _ => {}
    }
    ok &= close(s.issued_total, i.share_grants * s.post_fd);
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
    /// The share each pro rata right was sized on.
    pro_rata_shares: Vec<(StakeholderId, Decimal)>,
    /// The stated investments, then the pro rata ones.
    investments: Vec<Investment>,
    new_money: Money,
    price: PriceTerms,
    instruments: Vec<(EntryId, StakeholderId, ConvertingInstrument)>,
}

/// Step 2's result: the round's definitions solved exactly.
struct Solved {
    input: SolveInput,
    solution: Solution,
}

/// Step 3's result: the solution in whole shares and rounded prices.
struct Rounded {
    /// Stated, or derived from a given price.
    pre_money: Money,
    effective_pre_money: Money,
    /// What the effective pre-money is divided by for the price.
    denominator: Decimal,
    exact_price: Decimal,
    price_money: Money,
    pool_increase: u64,
    conversions: Vec<ConversionLine>,
    new_money_lines: Vec<NewMoneyLine>,
    grants: Vec<SizedGrantLine>,
    new_shares: u64,
    conversion_shares: u64,
}

/// Makes room for pro rata amounts inside the stated round: each stated investment shrinks in
/// proportion, to the cent, the last cent of rounding on the largest, so the stated total holds.
fn carve_out(
    stated: &mut [Investment],
    rights: &[Investment],
    total: Money,
    rounding: &RoundingPolicy,
) -> Result<()> {
    let taken = rights
        .iter()
        .try_fold(Money::zero(total.currency), |acc, i| {
            acc.checked_add(i.amount)
        })?;
    let left = total.checked_sub(taken)?;
    if !left.is_positive() {
        return Err(LedgerError::invalid(
            "pro_rata_sizing",
            format!("the pro rata rights ({taken}) take the whole stated round ({total})"),
        ));
    }
    let scale = div(left.amount, total.amount)?;
    for inv in stated.iter_mut() {
        inv.amount = rounding.round_cash(inv.amount.checked_mul(scale)?);
    }
    let sum = stated
        .iter()
        .try_fold(Money::zero(total.currency), |acc, i| {
            acc.checked_add(i.amount)
        })?;
    if let Some(largest) = stated.iter_mut().max_by_key(|i| i.amount.amount) {
        largest.amount = largest.amount.checked_add(left.checked_sub(sum)?)?;
    }
    Ok(())
}

/// a / b rounded up, for a >= 0 and b > 0.
fn ceil_div(a: i128, b: i128) -> i128 {
    (a + b - 1) / b
}

/// A modelled round recorded on a copy of the book, and the anti-dilution shares it added.
struct ModelPass {
    book: Book,
    rounded: Rounded,
    anti_dilution: Vec<crate::antidilution::Adjustment>,
    added: u64,
}

impl Rounded {
    /// New shares the sized grants issue (options out of the pool are already counted).
    fn issued_grant_shares(&self) -> Result<u64> {
        total(
            self.grants
                .iter()
                .filter(|g| matches!(g.kind, SizedGrantKind::Shares { .. }))
                .map(|g| g.shares),
        )
    }
}

/// Step 2, solve: the exact fixed point of the price, the conversions and the pool top-up,
/// from the capitalisation before the round (plain numbers; the book is not read).
fn solve_model(m: &RoundModel, r: &Resolved, adjustment_shares: u64) -> Result<Solved> {
    let before = &r.before;
    let input = SolveInput {
        pre_fd: Decimal::from(before.totals.fully_diluted),
        adjustment_shares: Decimal::from(adjustment_shares),
        adjustment_pricing: m.anti_dilution_pricing,
        option_grants: m
            .grants
            .iter()
            .filter(|g| matches!(g.kind, SizedGrantKind::Options { .. }))
            .map(|g| g.target)
            .sum(),
        share_grants: m
            .grants
            .iter()
            .filter(|g| matches!(g.kind, SizedGrantKind::Shares { .. }))
            .map(|g| g.target)
            .sum(),
        outstanding: Decimal::from(before.totals.outstanding),
        options: Decimal::from(before.totals.options),
        available: Decimal::from(before.totals.pool_available),
        price: r.price,
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
        let protected = self.protected_classes(issued_class);
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

    /// The classes an issue of `issued_class` below their price would adjust: every other class
    /// with anti-dilution protection and an original issue price.
    fn protected_classes(&self, issued_class: ClassId) -> Vec<ClassId> {
        self.classes()
            .iter()
            .filter(|c| {
                c.id != issued_class
                    && c.anti_dilution != AntiDilution::None
                    && c.original_issue_price.is_some()
            })
            .map(|c| c.id)
            .collect()
    }

    /// The class a modelled round will issue: `NewClass::for_round` at the round's price,
    /// authorised for exactly the shares the round issues. The round is priced first on a copy
    /// (the price does not depend on the class's terms).
    pub fn round_class(&self, m: &RoundModel, name: &str) -> Result<NewClass> {
        let mut probe = self.clone();
        let mut priced_model = m.clone();
        priced_model.class = probe.add_class(NewClass::for_round(self, name, None, None))?;
        let priced = probe.commit_round_model(&priced_model)?;
        let authorized = total(
            std::iter::once(priced.new_shares).chain(
                priced
                    .conversions
                    .iter()
                    .filter(|c| c.class == priced_model.class)
                    .map(|c| c.shares),
            ),
        )?;
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
    ///
    /// A down round's anti-dilution adjustment adds common-equivalent shares E that depend on
    /// the round's price, and the price and the pool top-up depend on them (the top-up must
    /// meet its target after the adjustment; the price counts them when set to). A pass prices
    /// the round assuming E = e and records it on a copy; f(e) is the E it then adds. A lower
    /// price only adjusts more, and f grows more slowly than e, so g(e) = f(e) - e falls: the
    /// round is the smallest e with f(e) <= e (on whole shares an exact fixed point can miss
    /// by a share, and then the round assumed at most one share more than it added, so a pool
    /// target still holds). It is found by bracketing that e and closing the bracket by the
    /// secant of g, which is nearly affine: a few passes, also for adjustments of millions.
    pub fn commit_round_model(&mut self, m: &RoundModel) -> Result<ModelOutcome> {
        const PASSES: usize = 64;
        let resolved = self.resolve_with_safe_pro_rata(m)?;
        if self.protected_classes(m.class).is_empty() {
            // Nothing can be adjusted: one pass, on the book itself (a copy of a large book
            // for each round would buy nothing).
            let solved = solve_model(m, &resolved, 0)?;
            let mut rounded = self.round_model_solution(m, &resolved, &solved)?;
            let anti_dilution = self.record_model(m, &resolved, &mut rounded)?;
            return self.model_outcome(m, resolved, rounded, anti_dilution, 0);
        }
        let first = self.model_pass(m, &resolved, 0)?;
        if first.added == 0 {
            return self.accept_pass(m, resolved, first);
        }
        // (e, g(e)) with g > 0: the last two below the answer; the lowest e known above it.
        let mut below: Vec<(u64, i128)> = vec![(0, i128::from(first.added))];
        let mut above: Option<(u64, ModelPass)> = None;
        let mut next = first.added;
        for _ in 0..PASSES {
            let pass = self.model_pass(m, &resolved, next)?;
            let g = i128::from(pass.added) - i128::from(next);
            if g <= 0 {
                above = Some((next, pass));
            } else {
                below.push((next, g));
            }
            let (lo, g_lo) = *below.last().unwrap_or(&(0, 0));
            next = match &above {
                Some((hi, _)) if *hi <= lo + 1 => break,
                Some((hi, hp)) => {
                    // The secant's root between the bracket's ends, strictly inside it.
                    let g_hi = i128::from(hp.added) - i128::from(*hi);
                    let span = i128::from(*hi - lo);
                    let step = ceil_div(g_lo * span, g_lo - g_hi);
                    lo + u64::try_from(step.clamp(1, span - 1)).unwrap_or(1)
                }
                None => {
                    // No end above yet: the secant of the last two points below, at least
                    // one step of f.
                    let fixed = lo + u64::try_from(g_lo).unwrap_or(0);
                    match below.len().checked_sub(2).map(|k| below[k]) {
                        Some((e0, g0)) if g0 > g_lo => {
                            let root =
                                i128::from(lo) + ceil_div(g_lo * i128::from(lo - e0), g0 - g_lo);
                            u64::try_from(root).unwrap_or(fixed).max(fixed)
                        }
                        _ => fixed,
                    }
                }
            };
        }
        match above {
            Some((hi, pass)) if below.last().is_some_and(|(lo, _)| hi <= lo + 1) => {
                self.accept_pass(m, resolved, pass)
            }
            _ => Err(LedgerError::invalid(
                "anti_dilution_pricing",
                "the anti-dilution adjustment and the round's price do not settle on whole shares",
            )),
        }
    }

    /// Step 1 with the SAFE holders' pro rata rights sized: each is its as-converted share of
    /// the capitalisation just before the new money, which the conversions set, and the
    /// conversions depend on the round the rights change (its size, so a pool target, and by
    /// the post-money its price). The shares are found as a fixed point: resolve, solve and
    /// round, size the rights on the conversions, again until they no longer change.
    fn resolve_with_safe_pro_rata(&self, m: &RoundModel) -> Result<Resolved> {
        const PASSES: usize = 16;
        let mut shares: Vec<(StakeholderId, Decimal)> = vec![];
        for _ in 0..PASSES {
            let resolved = self.resolve_model(m, &shares)?;
            if m.safe_pro_rata.is_empty() {
                return Ok(resolved);
            }
            let solved = solve_model(m, &resolved, 0)?;
            let rounded = self.round_model_solution(m, &resolved, &solved)?;
            let in_pre = matches!(
                m.pool,
                Some(PoolTopUp {
                    timing: PoolTiming::PreMoney,
                    ..
                })
            );
            let base = Decimal::from(total([
                resolved.before.totals.fully_diluted,
                rounded.conversion_shares,
                if in_pre { rounded.pool_increase } else { 0 },
            ])?);
            let mut next = vec![];
            for holder in &m.safe_pro_rata {
                let converted = total(
                    rounded
                        .conversions
                        .iter()
                        .filter(|c| c.holder == *holder)
                        .map(|c| c.shares),
                )?;
                if converted == 0 {
                    return Err(LedgerError::invalid(
                        "safe_pro_rata",
                        format!(
                            "{} has no SAFE or note converting in the round",
                            self.stakeholder_name(*holder)
                        ),
                    ));
                }
                let held = resolved
                    .before
                    .holders
                    .iter()
                    .find(|h| h.stakeholder == *holder)
                    .map_or(0, |h| h.fully_diluted);
                next.push((
                    *holder,
                    div(Decimal::from(total([held, converted])?), base)?,
                ));
            }
            if next == shares {
                return Ok(resolved);
            }
            shares = next;
        }
        Err(LedgerError::invalid(
            "safe_pro_rata",
            "the SAFE holders' pro rata shares do not settle",
        ))
    }

    /// One pass of a modelled round, on a copy of the book, assuming the anti-dilution
    /// adjustment adds `adjustment_shares`.
    fn model_pass(
        &self,
        m: &RoundModel,
        resolved: &Resolved,
        adjustment_shares: u64,
    ) -> Result<ModelPass> {
        let solved = solve_model(m, resolved, adjustment_shares)?;
        let mut rounded = self.round_model_solution(m, resolved, &solved)?;
        let mut book = self.clone();
        let anti_dilution = book.record_model(m, resolved, &mut rounded)?;
        let after = book.cap_table(m.date, &m.rounding)?.totals.fully_diluted;
        let added = after
            .checked_sub(total([
                resolved.before.totals.fully_diluted,
                rounded.pool_increase,
                rounded.conversion_shares,
                rounded.new_shares,
                rounded.issued_grant_shares()?,
            ])?)
            .ok_or_else(|| {
                LedgerError::conflict("round", "internal: the round lost fully diluted shares")
            })?;
        Ok(ModelPass {
            book,
            rounded,
            anti_dilution,
            added,
        })
    }

    fn accept_pass(
        &mut self,
        m: &RoundModel,
        resolved: Resolved,
        pass: ModelPass,
    ) -> Result<ModelOutcome> {
        *self = pass.book;
        self.model_outcome(m, resolved, pass.rounded, pass.anti_dilution, pass.added)
    }

    /// Step 1, resolve: checks the model against the book and looks up what the round needs
    /// from it: the capitalisation before the round, the investments (pro rata ones sized on
    /// it), the new money, the pre-money valuation, the pool's plan and the instruments that
    /// convert.
    fn resolve_model(
        &self,
        m: &RoundModel,
        safe_shares: &[(StakeholderId, Decimal)],
    ) -> Result<Resolved> {
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
        let mut pro_rata_shares = vec![];
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
            pro_rata_shares.push((*holder, share));
        }
        pro_rata_shares.extend_from_slice(safe_shares);
        let mut rights = vec![];
        for (holder, share) in &pro_rata_shares {
            rights.push(Investment {
                investor: *holder,
                amount: m.rounding.round_cash(stated.checked_mul(*share)?),
            });
        }
        if m.pro_rata_sizing == ProRataSizing::CarvedOut && !rights.is_empty() {
            carve_out(&mut investments, &rights, stated, &m.rounding)?;
        }
        investments.extend(rights);
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
            RoundValuation::Price(p) => {
                self.check_currency("price", &p)?;
                if !p.is_positive() {
                    return Err(LedgerError::invalid("price", "must be greater than zero"));
                }
                if m.stated_price.is_some() {
                    return Err(LedgerError::invalid(
                        "price",
                        "a given price is the round's price; state a pre-money or a post-money to check it against",
                    ));
                }
                p
            }
        };
        if !pre_money.is_positive() {
            return Err(LedgerError::invalid(
                "pre_money",
                "must be greater than zero",
            ));
        }
        let price = match m.valuation {
            RoundValuation::Price(p) => PriceTerms::Given(p.amount),
            _ => PriceTerms::Valuation {
                pre_money: pre_money.amount,
                method: m.pricing,
            },
        };
        if let Some(p) = m.stated_price {
            self.check_currency("price", &p)?;
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

        for (n, g) in m.grants.iter().enumerate() {
            let place = format!("grants[{n}]");
            self.stakeholder(g.holder).ok_or_else(|| {
                LedgerError::unknown("holder", format!("no stakeholder #{}", g.holder)).at(&place)
            })?;
            g.check_target().map_err(|e| e.at(&place))?;
            match g.kind {
                SizedGrantKind::Options {
                    plan,
                    exercise_price,
                } => {
                    self.plan(plan).ok_or_else(|| {
                        LedgerError::unknown("plan", format!("no equity plan #{plan}")).at(&place)
                    })?;
                    self.check_currency("exercise_price", &exercise_price)
                        .map_err(|e| e.at(&place))?;
                }
                SizedGrantKind::Shares { class } => {
                    self.class(class).ok_or_else(|| {
                        LedgerError::unknown("class", format!("no share class #{class}")).at(&place)
                    })?;
                }
            }
        }
        let instruments = self.converting(m, &before)?;
        Ok(Resolved {
            before,
            pro_rata_shares,
            investments,
            new_money,
            price,
            instruments,
        })
    }

    /// Step 3, round: from the exact solution to whole shares and a rounded price, as the
    /// policy says: the round's price, the pool top-up, each conversion's price and shares,
    /// and each investor's shares.
    fn round_model_solution(&self, m: &RoundModel, r: &Resolved, s: &Solved) -> Result<Rounded> {
        let cur = self.company.currency;
        let (input, solution) = (&s.input, &s.solution);
        // Price = the effective pre-money / its denominator, divided directly (1 / q would
        // lose digits); the denominator whole first when the policy says so.
        let denominator = m.rounding.capitalisation(input.denominator(
            solution.conversion_total,
            solution.pool_increase,
            solution.issued_total,
        )?)?;
        let effective = input.effective_pre_money()?;
        let (exact_price, price) = match (input.price, effective) {
            (PriceTerms::Given(p), _) => (p, p),
            (_, v) => {
                let exact = div(v.unwrap_or_default(), denominator)?;
                let mut price = m.rounding.round_price(exact);
                price.rescale(m.rounding.price_decimals);
                (exact, price)
            }
        };
        if price.is_zero() {
            return Err(LedgerError::invalid(
                "price_decimals",
                format!("the price {exact_price} rounds to zero"),
            ));
        }
        if let Some(stated) = m.stated_price {
            if stated.amount != price {
                return Err(LedgerError::invalid(
                    "price",
                    format!(
                        "the stated {stated} a share disagrees with the valuation, which gives {} by the {} method ({})",
                        Money::new(price, cur),
                        m.pricing.name(),
                        m.rounding.price_rule().describe()
                    ),
                ));
            }
        }
        let effective_pre_money = match effective {
            Some(v) => Money::new(v, cur),
            None => m
                .rounding
                .round_cash(Money::new(mul(price, denominator)?, cur)),
        };
        let pre_money = match input.price {
            PriceTerms::Valuation { pre_money, .. } => Money::new(pre_money, cur),
            // Derived: what the method would have divided, less the converting amounts by the
            // dollars-invested method.
            PriceTerms::Given(_) => {
                let mut v = effective_pre_money.amount;
                if m.pricing == PricingMethod::DollarsInvested {
                    for (_, _, k) in &r.instruments {
                        v = sub(v, k.amount)?;
                    }
                    v = m.rounding.round_cash(Money::new(v, cur)).amount;
                }
                if v <= Decimal::ZERO {
                    return Err(LedgerError::invalid(
                        "price",
                        "the converting amounts are worth more than the pre-money this price implies",
                    ));
                }
                Money::new(v, cur)
            }
        };
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
                    m.rounding.capitalisation(capitalisation_at(
                        input,
                        solution,
                        &k.capitalisation,
                    ))?,
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
                class: m.class,
                class_name: self.class_name(m.class).to_string(),
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
                pro_rata_share: r
                    .pro_rata_shares
                    .iter()
                    .find(|(h, _)| *h == inv.investor)
                    .map(|(_, share)| *share),
                shares,
                invested,
                uninvested: inv.amount.checked_sub(invested)?.tidy(),
            });
        }

        let new_shares = total(new_money_lines.iter().map(|l| l.shares))?;
        let conversion_shares = total(conversions.iter().map(|c| c.shares))?;
        // Each grant is its fraction of the post-money FD the round records (whole shares), not
        // of the exact solution's: T = the rest / (1 - s), S = s T being the new shares granted.
        let rest = add(
            Decimal::from(total([
                r.before.totals.fully_diluted,
                pool_increase,
                conversion_shares,
                new_shares,
            ])?),
            input.adjustment_shares,
        )?;
        let post = div(rest, sub(Decimal::ONE, input.share_grants)?)?;
        let mut grants = vec![];
        for g in &m.grants {
            grants.push(SizedGrantLine {
                holder: g.holder,
                name: self.stakeholder_name(g.holder).to_string(),
                target: g.target,
                kind: g.kind,
                granted_as: match g.kind {
                    SizedGrantKind::Options {
                        plan,
                        exercise_price,
                    } => format!(
                        "options from {} at {exercise_price}",
                        self.plan(plan).map_or("?", |p| p.name.as_str())
                    ),
                    SizedGrantKind::Shares { class } => {
                        format!("shares of {}", self.class_name(class))
                    }
                },
                shares: m.rounding.shares.apply(mul(g.target, post)?)?,
                pct_after: Decimal::ZERO,
            });
        }
        Ok(Rounded {
            pre_money,
            effective_pre_money,
            denominator,
            exact_price,
            price_money,
            pool_increase,
            conversions,
            new_money_lines,
            grants,
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
        rounded: &mut Rounded,
    ) -> Result<Vec<crate::antidilution::Adjustment>> {
        let (pre_money, new_money, price_money) =
            (rounded.pre_money, r.new_money, rounded.price_money);
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
        for g in &rounded.grants {
            let memo = Some(format!(
                "{}: {}% of post-money FD",
                m.name.trim(),
                (g.target * Decimal::ONE_HUNDRED).normalize()
            ));
            let movement = match g.kind {
                SizedGrantKind::Options {
                    plan,
                    exercise_price,
                } => Movement::OptionGrant {
                    holder: g.holder,
                    plan,
                    options: g.shares,
                    exercise_price,
                    expires: None,
                },
                SizedGrantKind::Shares { class } => Movement::StockIssuance {
                    holder: g.holder,
                    class,
                    shares: g.shares,
                    price_per_share: None,
                    round: None,
                },
            };
            self.record(m.date, movement, memo, Provenance::Recorded)
                .map_err(|e| e.at(&format!("grant to {}", g.name)))?;
        }
        if m.conversion_class == ConversionClass::ShadowSeries {
            self.add_shadow_series(m, price_money, &mut rounded.conversions)?;
        }
        for c in &rounded.conversions {
            self.record(
                m.date,
                Movement::ConvertibleConversion {
                    instrument: c.instrument,
                    class: c.class,
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

    /// A shadow series for each conversion price below the round's, numbered from the lowest
    /// price ("Series A-1 Preferred"), authorised for exactly its conversions: the round
    /// class's terms and seniority (pari passu with it), its original issue price the
    /// conversion price. Each conversion below the price is pointed at its series.
    fn add_shadow_series(
        &mut self,
        m: &RoundModel,
        price: Money,
        conversions: &mut [ConversionLine],
    ) -> Result<()> {
        let round = self
            .class(m.class)
            .cloned()
            .ok_or_else(|| LedgerError::unknown("class", format!("no share class #{}", m.class)))?;
        let mut prices: Vec<Money> = conversions
            .iter()
            .map(|c| c.conversion_price)
            .filter(|p| p.amount < price.amount)
            .collect();
        prices.sort_by_key(|a| a.amount);
        prices.dedup_by(|a, b| a.amount == b.amount);
        for (n, p) in prices.iter().enumerate() {
            let name = shadow_series_name(&round.name, n + 1);
            let authorized = total(
                conversions
                    .iter()
                    .filter(|c| c.conversion_price.amount == p.amount)
                    .map(|c| c.shares),
            )?;
            let id = self
                .add_class(NewClass {
                    name: name.clone(),
                    kind: round.kind,
                    original_issue_price: Some(*p),
                    preference_multiple: round.preference_multiple,
                    participation: round.participation,
                    seniority: round.seniority,
                    conversion_ratio: round.conversion_ratio,
                    anti_dilution: round.anti_dilution,
                    authorized: Some(authorized),
                    provenance: Provenance::Recorded,
                })
                .map_err(|e| e.at("conversion_class"))?;
            for c in conversions
                .iter_mut()
                .filter(|c| c.conversion_price.amount == p.amount)
            {
                c.class = id;
                c.class_name = name.clone();
            }
        }
        Ok(())
    }

    /// The outcome of a recorded round: its figures, and the cap table and each holder's
    /// dilution after it.
    fn model_outcome(
        &self,
        m: &RoundModel,
        r: Resolved,
        rounded: Rounded,
        anti_dilution: Vec<crate::antidilution::Adjustment>,
        anti_dilution_shares: u64,
    ) -> Result<ModelOutcome> {
        let Resolved {
            before, new_money, ..
        } = r;
        let Rounded {
            pre_money,
            effective_pre_money,
            mut grants,
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
        for g in &mut grants {
            g.pct_after = percent(g.shares, post_fd);
        }
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
            valuation: m.valuation,
            pricing: m.pricing,
            pre_money,
            new_money,
            post_money: pre_money.checked_add(new_money)?,
            effective_pre_money,
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
            grants,
            new_shares,
            conversion_shares,
            post_money_fd_shares: post_fd,
            implied_post_money: m
                .rounding
                .round_cash(price_money.checked_mul(Decimal::from(post_fd))?),
            dilution,
            anti_dilution,
            anti_dilution_pricing: m.anti_dilution_pricing,
            conversion_class: m.conversion_class,
            pro_rata_sizing: m.pro_rata_sizing,
            capitalisation: m.capitalisation,
            anti_dilution_shares,
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
