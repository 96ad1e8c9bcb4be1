//! `roundbook calc`: a self-contained deal in, every result out, no book file.
//!
//! A deal (docs/calc.md) names its holders, classes, options, SAFEs and notes, and
//! optionally a round to model and exit values to run the waterfall at. It is turned
//! into an in-memory book, so the figures come from exactly the code a book uses.
//! Errors name the JSON path of the value at fault ("round.investments[1].amount").

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::book::{Book, NewClass, NewPlan, NewStakeholder};
use crate::captable::CapTable;
use crate::domain::*;
use crate::error::{LedgerError, Result};
use crate::journal::Movement;
use crate::model::{
    AntiDilutionPricing, ConversionClass, Conversions, ModelOutcome, PoolSize, PoolTiming,
    PoolTopUp, PricingMethod, ProRataSizing, RoundModel, RoundValuation, SizedGrant,
    SizedGrantKind,
};
use crate::money::{Currency, Money};
use crate::round::Investment;
use crate::rounding::RoundingPolicy;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deal {
    #[serde(default = "usd")]
    pub currency: String,
    /// The date the capitalisation stands on (before any round).
    #[serde(deserialize_with = "crate::calendar::deserialize")]
    pub date: NaiveDate,
    #[serde(default)]
    pub rounding: Option<RoundingPolicy>,
    pub classes: Vec<DealClass>,
    pub holders: Vec<DealHolder>,
    #[serde(default)]
    pub options: Vec<DealOption>,
    /// Options still available for grant in the pool.
    #[serde(default)]
    pub pool_available: u64,
    #[serde(default)]
    pub instruments: Vec<DealInstrument>,
    #[serde(default)]
    pub round: Option<DealRound>,
    #[serde(default)]
    pub exit: Option<DealExit>,
}

fn usd() -> String {
    "USD".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DealClass {
    pub name: String,
    pub kind: ClassKind,
    #[serde(default, with = "crate::money::opt_decimal_str")]
    pub original_issue_price: Option<Decimal>,
    #[serde(default, with = "crate::money::opt_decimal_str")]
    pub preference_multiple: Option<Decimal>,
    #[serde(default = "no_participation")]
    pub participation: Participation,
    #[serde(default)]
    pub seniority: i32,
    #[serde(default, with = "crate::money::opt_decimal_str")]
    pub conversion_ratio: Option<Decimal>,
    /// Price-based protection in a down round (docs/antidilution.md): "none" (default),
    /// "broad-based-weighted-average", "narrow-based-weighted-average", "full-ratchet".
    #[serde(default = "no_anti_dilution")]
    pub anti_dilution: AntiDilution,
}

fn no_anti_dilution() -> AntiDilution {
    AntiDilution::None
}

fn no_participation() -> Participation {
    Participation::None
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DealHolder {
    pub name: String,
    #[serde(default)]
    pub holdings: Vec<DealHolding>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DealHolding {
    pub class: String,
    pub shares: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DealOption {
    pub holder: String,
    pub count: u64,
    #[serde(with = "rust_decimal::serde::str")]
    pub strike: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum DealInstrument {
    Safe {
        holder: String,
        #[serde(with = "rust_decimal::serde::str")]
        investment: Decimal,
        #[serde(default = "post_money")]
        timing: SafeTiming,
        #[serde(default, with = "crate::money::opt_decimal_str")]
        valuation_cap: Option<Decimal>,
        #[serde(default, with = "crate::money::opt_decimal_str")]
        discount: Option<Decimal>,
        #[serde(default)]
        mfn: bool,
        #[serde(deserialize_with = "crate::calendar::deserialize")]
        issued: NaiveDate,
    },
    Note {
        holder: String,
        #[serde(with = "rust_decimal::serde::str")]
        principal: Decimal,
        #[serde(with = "rust_decimal::serde::str")]
        interest_rate: Decimal,
        #[serde(default = "simple")]
        compounding: Compounding,
        #[serde(default = "act365")]
        day_count: DayCount,
        #[serde(deserialize_with = "crate::calendar::deserialize")]
        issued: NaiveDate,
        #[serde(deserialize_with = "crate::calendar::deserialize")]
        maturity: NaiveDate,
        #[serde(default, with = "crate::money::opt_decimal_str")]
        valuation_cap: Option<Decimal>,
        #[serde(default, with = "crate::money::opt_decimal_str")]
        discount: Option<Decimal>,
    },
}

fn post_money() -> SafeTiming {
    SafeTiming::PostMoney
}
fn simple() -> Compounding {
    Compounding::Simple
}
fn act365() -> DayCount {
    DayCount::Act365
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DealRound {
    pub name: String,
    #[serde(deserialize_with = "crate::calendar::deserialize")]
    pub date: NaiveDate,
    #[serde(default, with = "crate::money::opt_decimal_str")]
    pub pre_money: Option<Decimal>,
    #[serde(default, with = "crate::money::opt_decimal_str")]
    pub post_money: Option<Decimal>,
    /// The term sheet's price per share: alone, the round's price (the pre-money derived);
    /// beside a valuation, checked against the price it gives.
    #[serde(default, with = "crate::money::opt_decimal_str")]
    pub price: Option<Decimal>,
    /// How converting SAFEs and notes enter the price (default percentage-ownership).
    #[serde(default)]
    pub pricing: PricingMethod,
    /// A conversion below the round's price: into the round's class (default) or a shadow
    /// series at its own price ("shadow-series").
    #[serde(default)]
    pub conversion_class: ConversionClass,
    /// A down round's anti-dilution shares: priced after ("after-price", default) or in the
    /// price's denominator ("in-price").
    #[serde(default)]
    pub anti_dilution_pricing: AntiDilutionPricing,
    /// The class the round issues: a new preferred class (1x non-participating, senior to all,
    /// issued at the round's price) unless it names a class of `classes`.
    pub class: String,
    pub investments: Vec<DealInvestment>,
    #[serde(default)]
    pub pro_rata: Vec<String>,
    /// SAFE holders exercising a pro rata side letter, on their as-converted share.
    #[serde(default)]
    pub safe_pro_rata: Vec<String>,
    /// "on-top" (default) or "carved-out" of the stated investments.
    #[serde(default)]
    pub pro_rata_sizing: ProRataSizing,
    #[serde(default)]
    pub pool: Option<DealPool>,
    /// Options or shares granted in the round, each sized to a fraction of post-money FD.
    #[serde(default)]
    pub grants: Vec<DealGrant>,
    /// "all" (default), "none", or the instruments' indexes in `instruments`.
    #[serde(default)]
    pub convert: Option<DealConvert>,
    /// What the instruments' caps divide by (default: YC's definitions). The American
    /// spelling, as OCF and YC's documents write it, is read too.
    #[serde(default, alias = "capitalization")]
    pub capitalisation: Option<crate::model::CapitalisationDefinitions>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DealInvestment {
    pub investor: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
}

/// A grant sized to the round: `{"holder": "New CTO", "target": "0.01", "options": {"strike":
/// "0.25"}}` (out of the pool's plan) or `{"holder": ..., "target": ..., "shares": {"class":
/// "Common"}}` (new shares, counted in the pre-money).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DealGrant {
    pub holder: String,
    #[serde(with = "rust_decimal::serde::str")]
    pub target: Decimal,
    #[serde(default)]
    pub options: Option<DealGrantOptions>,
    #[serde(default)]
    pub shares: Option<DealGrantShares>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DealGrantOptions {
    #[serde(with = "rust_decimal::serde::str")]
    pub strike: Decimal,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DealGrantShares {
    pub class: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DealPool {
    /// Options available after the round as a fraction of post-money FD shares ("0.10").
    #[serde(default, with = "crate::money::opt_decimal_str")]
    pub target: Option<Decimal>,
    /// Or a given number of new shares reserved.
    #[serde(default)]
    pub shares: Option<u64>,
    #[serde(default = "pre_money_pool")]
    pub timing: PoolTiming,
}

impl DealPool {
    /// The size the deal states: a target or a share count, not both.
    fn size(&self) -> Result<PoolSize> {
        match (self.target, self.shares) {
            (Some(t), None) => Ok(PoolSize::Target(t)),
            (None, Some(n)) => Ok(PoolSize::Shares(n)),
            (Some(_), Some(_)) => Err(LedgerError::invalid(
                "shares",
                "give the pool either a target or a share count, not both",
            )),
            (None, None) => Err(LedgerError::invalid(
                "target",
                "give the pool a target (\"0.10\" for 10% of the post-money) or a share count",
            )),
        }
    }
}

fn pre_money_pool() -> PoolTiming {
    PoolTiming::PreMoney
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum DealConvert {
    Word(String),
    Indexes(Vec<usize>),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DealExit {
    /// Exit values to run the waterfall at; or a range with `to` and `steps`.
    #[serde(default)]
    pub values: Vec<String>,
    #[serde(default, with = "crate::money::opt_decimal_str")]
    pub from: Option<Decimal>,
    #[serde(default, with = "crate::money::opt_decimal_str")]
    pub to: Option<Decimal>,
    #[serde(default)]
    pub steps: Option<u32>,
    #[serde(default, with = "crate::money::opt_decimal_str")]
    pub transaction_costs: Option<Decimal>,
    #[serde(default, with = "crate::money::opt_decimal_str")]
    pub debt: Option<Decimal>,
    /// The SAFEs and notes outstanding at the exit: "paid" (default) by their own terms, or
    /// "left-out" of the waterfall and listed apart.
    #[serde(default)]
    pub convertibles: Option<crate::waterfall::ConvertiblesAtExit>,
    /// A note at the exit: "greater-of" (default) its repayment and its conversion at the cap,
    /// "repay", or "convert".
    #[serde(default)]
    pub notes: Option<crate::waterfall::NotesAtExit>,
    /// A note's repayment as a multiple of its principal, plus interest (default "1").
    #[serde(default, with = "crate::money::opt_decimal_str")]
    pub note_repayment_multiple: Option<Decimal>,
    /// What a preference multiplies: "issue-price" (default, shares x original issue price) or
    /// "invested" (the cash paid for the shares).
    #[serde(default)]
    pub preference_basis: Option<crate::waterfall::PreferenceBasis>,
}

impl DealExit {
    /// The exit's named settings, each defaulted as docs/waterfall.md says.
    pub fn conventions(&self) -> crate::waterfall::ExitConventions {
        let d = crate::waterfall::ExitConventions::default();
        crate::waterfall::ExitConventions {
            convertibles: self.convertibles.unwrap_or(d.convertibles),
            notes: self.notes.unwrap_or(d.notes),
            note_repayment_multiple: self
                .note_repayment_multiple
                .unwrap_or(d.note_repayment_multiple),
            preference_basis: self.preference_basis.unwrap_or(d.preference_basis),
        }
    }
}

/// Everything `calc` computes.
#[derive(Debug, Clone, Serialize)]
pub struct DealOutcome {
    pub rounding: RoundingPolicy,
    pub cap_table: CapTable,
    pub round: Option<ModelOutcome>,
    /// The waterfall at each exit value, on the capitalisation after the round (if any).
    pub exits: Vec<crate::waterfall::WaterfallOutcome>,
    pub breakpoints: Vec<crate::waterfall::Breakpoint>,
    /// SAFEs and notes outstanding at the exit that the waterfall leaves out (all of them under
    /// `convertibles: "left-out"`; none when they are paid).
    pub left_out_instruments: Vec<crate::captable::ConvertibleRow>,
}

fn at(path: String) -> impl FnOnce(LedgerError) -> LedgerError {
    move |e| e.at(&path)
}

/// The deal as an in-memory book, with its names mapped to ids.
pub fn deal_book(d: &Deal) -> Result<Book> {
    let currency: Currency = d.currency.parse().map_err(at("currency".into()))?;
    let earliest = d
        .instruments
        .iter()
        .map(|i| match i {
            DealInstrument::Safe { issued, .. } | DealInstrument::Note { issued, .. } => *issued,
        })
        .chain([d.date])
        .min()
        .unwrap_or(d.date);
    let mut b = Book::new(Company {
        name: "Deal".into(),
        legal_name: "Deal".into(),
        founded: earliest,
        currency,
        jurisdiction: String::new(),
    })?;
    let money = |x: Decimal| Money::new(x, currency);
    for (n, c) in d.classes.iter().enumerate() {
        let preferred = c.kind == ClassKind::Preferred;
        b.add_class(NewClass {
            name: c.name.clone(),
            kind: c.kind,
            original_issue_price: c.original_issue_price.map(money),
            preference_multiple: c.preference_multiple.unwrap_or(if preferred {
                Decimal::ONE
            } else {
                Decimal::ZERO
            }),
            participation: c.participation,
            seniority: c.seniority,
            conversion_ratio: c.conversion_ratio.unwrap_or(Decimal::ONE),
            anti_dilution: c.anti_dilution,
            authorized: None,
            provenance: Provenance::Recorded,
        })
        .map_err(at(format!("classes[{n}]")))?;
    }
    // Every name the deal mentions is a stakeholder.
    let mut names: Vec<&str> = d.holders.iter().map(|h| h.name.as_str()).collect();
    names.extend(d.options.iter().map(|o| o.holder.as_str()));
    for i in &d.instruments {
        names.push(match i {
            DealInstrument::Safe { holder, .. } | DealInstrument::Note { holder, .. } => holder,
        });
    }
    if let Some(r) = &d.round {
        names.extend(r.investments.iter().map(|i| i.investor.as_str()));
        names.extend(r.grants.iter().map(|g| g.holder.as_str()));
    }
    for name in names {
        if b.find_stakeholder("holder", name).is_err() {
            b.add_stakeholder(NewStakeholder {
                name: name.to_string(),
                kind: StakeholderKind::Institution,
                relationships: vec![],
                provenance: Provenance::Recorded,
                note: None,
            })?;
        }
    }
    for (n, h) in d.holders.iter().enumerate() {
        let holder = b
            .find_stakeholder("name", &h.name)
            .map_err(at(format!("holders[{n}]")))?;
        for (k, x) in h.holdings.iter().enumerate() {
            let path = format!("holders[{n}].holdings[{k}]");
            let class = b.find_class("class", &x.class).map_err(at(path.clone()))?;
            b.record(
                d.date,
                Movement::StockIssuance {
                    holder,
                    class,
                    shares: x.shares,
                    price_per_share: None,
                    round: None,
                },
                None,
                Provenance::Recorded,
            )
            .map_err(at(path))?;
        }
    }
    // What the capitalisation on the deal's date cannot hold is refused, not left out.
    for (n, o) in d.options.iter().enumerate() {
        if o.count == 0 {
            return Err(LedgerError::invalid(
                "count",
                "a grant of no options; leave it out or give its count",
            )
            .at(&format!("options[{n}]")));
        }
    }
    for (n, i) in d.instruments.iter().enumerate() {
        let (DealInstrument::Safe { issued, .. } | DealInstrument::Note { issued, .. }) = i;
        if *issued > d.date {
            return Err(LedgerError::invalid(
                "issued",
                format!(
                    "{issued} is after the deal's date ({}), on which the capitalisation stands",
                    d.date
                ),
            )
            .at(&format!("instruments[{n}]")));
        }
    }
    let reserved: u64 = d.pool_available + d.options.iter().map(|o| o.count).sum::<u64>();
    if reserved > 0 {
        let common = d
            .classes
            .iter()
            .find(|c| c.kind == ClassKind::Common)
            .ok_or_else(|| {
                LedgerError::invalid("classes", "options and a pool need a common class")
            })?;
        let class = b.find_class("class", &common.name)?;
        let plan = b.add_plan(NewPlan {
            name: "Option pool".into(),
            class,
            adopted: earliest,
            reserved,
            provenance: Provenance::Recorded,
        })?;
        for (n, o) in d.options.iter().enumerate() {
            let holder = b.find_stakeholder("holder", &o.holder)?;
            b.record(
                d.date,
                Movement::OptionGrant {
                    holder,
                    plan,
                    options: o.count,
                    exercise_price: money(o.strike),
                    expires: None,
                },
                None,
                Provenance::Recorded,
            )
            .map_err(at(format!("options[{n}]")))?;
        }
    }
    for (n, i) in d.instruments.iter().enumerate() {
        let path = format!("instruments[{n}]");
        let (holder, terms, issued) = match i {
            DealInstrument::Safe {
                holder,
                investment,
                timing,
                valuation_cap,
                discount,
                mfn,
                issued,
            } => (
                holder,
                ConvertibleTerms::Safe {
                    investment: money(*investment),
                    timing: *timing,
                    valuation_cap: valuation_cap.map(money),
                    discount: *discount,
                    mfn: *mfn,
                },
                *issued,
            ),
            DealInstrument::Note {
                holder,
                principal,
                interest_rate,
                compounding,
                day_count,
                issued,
                maturity,
                valuation_cap,
                discount,
            } => (
                holder,
                ConvertibleTerms::Note {
                    principal: money(*principal),
                    interest_rate: *interest_rate,
                    compounding: *compounding,
                    day_count: *day_count,
                    maturity: *maturity,
                    valuation_cap: valuation_cap.map(money),
                    discount: *discount,
                },
                *issued,
            ),
        };
        let holder = b
            .find_stakeholder("holder", holder)
            .map_err(at(path.clone()))?;
        b.record(
            issued,
            Movement::ConvertibleIssuance { holder, terms },
            None,
            Provenance::Recorded,
        )
        .map_err(at(path))?;
    }
    b.check(crate::book::Mark::default())?;
    Ok(b)
}

/// Runs a deal: the cap table on its date, and the round if it has one.
pub fn run_deal(d: &Deal) -> Result<DealOutcome> {
    let rounding = d.rounding.clone().unwrap_or_default();
    rounding.validate().map_err(at("rounding".into()))?;
    let mut b = deal_book(d)?;
    let cap_table = b.cap_table(d.date, &rounding)?;
    let round = match &d.round {
        None => None,
        Some(r) => Some(model_deal_round(&mut b, d, r, &rounding).map_err(at("round".into()))?),
    };
    let (exits, breakpoints, left_out_instruments) = match &d.exit {
        None => (vec![], vec![], vec![]),
        Some(x) => {
            let as_of = d.round.as_ref().map_or(d.date, |r| r.date);
            run_exit(&b, as_of, x, &rounding).map_err(at("exit".into()))?
        }
    };
    Ok(DealOutcome {
        rounding,
        cap_table,
        round,
        exits,
        breakpoints,
        left_out_instruments,
    })
}

fn model_deal_round(
    b: &mut Book,
    d: &Deal,
    r: &DealRound,
    rounding: &RoundingPolicy,
) -> Result<ModelOutcome> {
    let cur = b.company.currency;
    let money = |v: Option<Decimal>| v.map(|v| Money::new(v, cur));
    let (valuation, stated_price) =
        RoundValuation::from_terms(money(r.pre_money), money(r.post_money), money(r.price))?;
    let mut investments = vec![];
    for (n, i) in r.investments.iter().enumerate() {
        investments.push(Investment {
            investor: b
                .find_stakeholder("investor", &i.investor)
                .map_err(at(format!("investments[{n}]")))?,
            amount: Money::new(i.amount, cur),
        });
    }
    let holders = |field: &'static str, names: &[String]| {
        names
            .iter()
            .enumerate()
            .map(|(n, name)| {
                b.find_stakeholder(field, name)
                    .map_err(at(format!("{field}[{n}]")))
            })
            .collect::<Result<Vec<_>>>()
    };
    let pro_rata = holders("pro_rata", &r.pro_rata)?;
    let safe_pro_rata = holders("safe_pro_rata", &r.safe_pro_rata)?;
    let instrument_ids: Vec<EntryId> = b
        .entries()
        .iter()
        .filter(|e| matches!(e.movement, Movement::ConvertibleIssuance { .. }))
        .map(|e| e.id)
        .collect();
    let conversions = match &r.convert {
        None => Conversions::All,
        Some(DealConvert::Word(w)) if w == "all" => Conversions::All,
        Some(DealConvert::Word(w)) if w == "none" => Conversions::None,
        Some(DealConvert::Word(w)) => {
            return Err(LedgerError::invalid(
                "convert",
                format!("'{w}' is not all, none, or a list of instrument indexes"),
            ))
        }
        Some(DealConvert::Indexes(ix)) => Conversions::Only(
            ix.iter()
                .map(|i| {
                    instrument_ids.get(*i).copied().ok_or_else(|| {
                        LedgerError::invalid("convert", format!("there is no instruments[{i}]"))
                    })
                })
                .collect::<Result<_>>()?,
        ),
    };
    // The deal's one pool: its first plan, or one created on the common class.
    let pool_plan = |b: &mut Book| -> Result<PlanId> {
        match b.plans().first() {
            Some(plan) => Ok(plan.id),
            None => {
                let common = d
                    .classes
                    .iter()
                    .find(|c| c.kind == ClassKind::Common)
                    .ok_or_else(|| LedgerError::invalid("pool", "a pool needs a common class"))?;
                let class = b.find_class("class", &common.name)?;
                b.add_plan(NewPlan {
                    name: "Option pool".into(),
                    class,
                    adopted: b.company.founded,
                    reserved: 0,
                    provenance: Provenance::Recorded,
                })
            }
        }
    };
    let pool = match &r.pool {
        None => None,
        Some(p) => Some(PoolTopUp {
            size: p.size().map_err(at("round.pool".into()))?,
            plan: pool_plan(b)?,
            timing: p.timing,
        }),
    };
    let mut grants = vec![];
    for (n, g) in r.grants.iter().enumerate() {
        let place = format!("grants[{n}]");
        let kind =
            match (&g.options, &g.shares) {
                (Some(o), None) => SizedGrantKind::Options {
                    plan: pool_plan(b)?,
                    exercise_price: Money::new(o.strike, cur),
                },
                (None, Some(sh)) => SizedGrantKind::Shares {
                    class: b
                        .find_class("class", &sh.class)
                        .map_err(at(place.clone()))?,
                },
                _ => return Err(LedgerError::invalid(
                    "options",
                    "give a grant either options (with their strike) or shares (with their class)",
                )
                .at(&place)),
            };
        grants.push(SizedGrant {
            holder: b.find_stakeholder("holder", &g.holder).map_err(at(place))?,
            target: g.target,
            kind,
        });
    }
    let mut model = RoundModel {
        name: r.name.clone(),
        date: r.date,
        class: ClassId(0),
        valuation,
        pricing: r.pricing,
        stated_price,
        investments,
        pro_rata,
        safe_pro_rata,
        pro_rata_sizing: r.pro_rata_sizing,
        lead: None,
        pool,
        grants,
        conversions,
        conversion_class: r.conversion_class,
        anti_dilution_pricing: r.anti_dilution_pricing,
        capitalisation: r.capitalisation.unwrap_or_default(),
        rounding: rounding.clone(),
        note: None,
    };
    model.class = match b.find_class("class", &r.class) {
        Ok(c) => c,
        Err(_) => {
            // A deal's classes carry no charter limit.
            let mut class = b.round_class(&model, &r.class)?;
            class.authorized = None;
            b.add_class(class)?
        }
    };
    b.commit_round_model(&model)
}

type ExitResults = (
    Vec<crate::waterfall::WaterfallOutcome>,
    Vec<crate::waterfall::Breakpoint>,
    Vec<crate::captable::ConvertibleRow>,
);

fn run_exit(
    b: &Book,
    as_of: NaiveDate,
    x: &DealExit,
    rounding: &RoundingPolicy,
) -> Result<ExitResults> {
    use crate::waterfall::{breakpoints, waterfall, waterfall_range, ExitTerms};
    let (cap, left_out) = b.capitalisation(as_of, rounding, &x.conventions())?;
    let costs = x.transaction_costs.unwrap_or(Decimal::ZERO);
    let debt = x.debt.unwrap_or(Decimal::ZERO);
    let mut outcomes = vec![];
    for (n, v) in x.values.iter().enumerate() {
        let value = crate::money::parse_decimal("values", v).map_err(at(format!("values[{n}]")))?;
        outcomes.push(
            waterfall(
                &cap,
                &ExitTerms {
                    exit_value: value,
                    transaction_costs: costs,
                    debt,
                },
                rounding,
            )
            .map_err(at(format!("values[{n}]")))?,
        );
    }
    match (x.from, x.to, x.steps) {
        (Some(from), Some(to), Some(steps)) => outcomes.extend(waterfall_range(
            &cap, from, to, steps, costs, debt, rounding,
        )?),
        (None, None, None) => {}
        _ => {
            return Err(LedgerError::invalid(
                "steps",
                "a range needs from, to and steps",
            ))
        }
    }
    if outcomes.is_empty() {
        return Err(LedgerError::invalid(
            "values",
            "give exit values, or from, to and steps",
        ));
    }
    let first = x
        .from
        .or_else(|| outcomes.first().map(|o| o.exit_value.amount))
        .unwrap_or(Decimal::ZERO);
    let points = breakpoints(
        &cap,
        &ExitTerms {
            exit_value: first,
            transaction_costs: costs,
            debt,
        },
        rounding,
    )?;
    Ok((outcomes, points, left_out))
}
