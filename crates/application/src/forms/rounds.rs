//! Funding rounds: a priced round recorded as its term sheet states it (`round record`), and a
//! round modelled with the pool shuffle and the conversions of SAFEs and notes (`round model`,
//! the app's Rounds view), which is the same form committed on a copy or on the book.

use roundbook_ledger::{
    captable::ConvertibleRow, pre_money_at, price_round, AntiDilutionPricing, Book, ClassId,
    ConversionClass, Conversions, Investment, ModelOutcome, NewClass, PoolSize, PoolTiming,
    PoolTopUp, PricedRound, PricedRoundOutcome, PricingMethod, ProRataSizing, Provenance,
    RoundModel, RoundValuation, SizedGrant, SizedGrantKind,
};
use roundbook_store::Store;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Form, RoundingForm};
use crate::parse::*;
use crate::tables::{cap_table, CapTableBy, CapTableShares, TableView};
use crate::{Error, Result};

/// Whether the round's class is one the book has, or one the round creates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ClassChoice {
    #[default]
    Existing,
    New,
}

/// One investor's money in a round.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct InvestmentForm {
    pub investor: String,
    pub amount: String,
}

fn investments(book: &Book, forms: &[InvestmentForm]) -> Result<Vec<Investment>> {
    if forms.is_empty() {
        return Err(Error::invalid("investments", "add at least one investor"));
    }
    let mut out = vec![];
    for (i, inv) in forms.iter().enumerate() {
        let field = |name: &str| format!("investments.{i}.{name}");
        // Where the refusal is, in words too: the command line has no form to point at.
        let place = format!("investment {} ({})", i + 1, inv.investor.trim());
        let investor = stakeholder(book, &field("investor"), &inv.investor)?;
        let amount = money(book, &field("amount"), &inv.amount).map_err(|e| e.within(&place))?;
        let investment = Investment { investor, amount };
        investment
            .check_amount()
            .map_err(|e| Error::from(e).on_field(&field("amount")).within(&place))?;
        out.push(investment);
    }
    Ok(out)
}

/// The class a round issues: found, or created for it (by `create`).
fn round_class(
    book: &mut Book,
    name: &str,
    choice: ClassChoice,
    create: impl FnOnce(&mut Book) -> Result<ClassId>,
) -> Result<ClassId> {
    let name = required("class", name)?;
    match (book.find_class("class", name), choice) {
        (Ok(c), ClassChoice::Existing) => Ok(c),
        (Ok(c), ClassChoice::New) => Err(Error::from(roundbook_ledger::LedgerError::conflict(
            "class",
            format!("'{name}' already exists (#{c}); choose it as an existing class"),
        ))),
        (Err(e), ClassChoice::Existing) => Err(e.into()),
        (Err(_), ClassChoice::New) => create(book),
    }
}

/// A priced round as its term sheet states it: `roundbook round record`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct PricedRoundForm {
    pub name: String,
    pub date: String,
    pub class: String,
    pub class_choice: ClassChoice,
    /// Empty when the price is given: then it is price x the fully diluted shares.
    pub pre_money: String,
    /// The post-money the documents state, checked against the computed one.
    pub post_money: String,
    /// The term sheet's price per share: beside a pre-money, checked against the price it
    /// gives; alone, the round's price.
    pub price: String,
    pub investments: Vec<InvestmentForm>,
    pub lead: String,
    pub rounding: RoundingForm,
    pub note: String,
}

/// A recorded round, with the SAFEs and notes it left outstanding.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RecordedRound {
    pub round: PricedRoundOutcome,
    pub unconverted_instruments: Vec<ConvertibleRow>,
}

impl Form for PricedRoundForm {
    type Output = RecordedRound;
    fn apply(&self, book: &mut Book) -> Result<RecordedRound> {
        let name = required("name", &self.name)?.to_string();
        let day = date("date", &self.date)?;
        let investments = investments(book, &self.investments)?;
        let rounding = self.rounding.over(book.default_rounding())?;
        let stated_price = optional_money(book, "price", &self.price)?;
        let pre_money = match (self.pre_money.trim(), stated_price) {
            ("", Some(price)) => {
                let fd = book.cap_table(day, &rounding)?.totals.fully_diluted;
                pre_money_at(price, fd).map_err(|e| Error::from(e).on_field("price"))?
            }
            _ => money(book, "pre_money", &self.pre_money)?,
        };
        let mut terms = PricedRound {
            name,
            date: day,
            class: ClassId(0),
            pre_money,
            investments,
            lead: None,
            stated_post_money: optional_money(book, "post_money", &self.post_money)?,
            stated_price,
            rounding,
            provenance: Provenance::Recorded,
            note: memo(&self.note),
        };
        terms.class = round_class(book, &self.class, self.class_choice, |b| {
            // Priced first (nothing recorded), so the new class's original issue price is the round's.
            let fd = b.cap_table(day, &terms.rounding)?.totals.fully_diluted;
            let priced = price_round(&terms, fd, |id| b.stakeholder_name(id).to_string())?;
            Ok(b.add_class(NewClass::for_round(
                b,
                self.class.trim(),
                Some(priced.price_per_share),
                Some(priced.new_shares),
            ))?)
        })?;
        terms.lead = optional_stakeholder(book, "lead", &self.lead)?;
        let round = book.record_priced_round(&terms)?;
        let unconverted_instruments = book.cap_table(day, &terms.rounding)?.convertibles;
        Ok(RecordedRound {
            round,
            unconverted_instruments,
        })
    }
}

/// What a grant sized to the round is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum GrantChoice {
    /// Options out of `plan`'s pool at `strike`.
    #[default]
    Options,
    /// New shares of `class`, counted in the pre-money.
    Shares,
}

/// A grant sized to a fraction of post-money fully diluted shares, solved with the round.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct SizedGrantForm {
    pub holder: String,
    /// Of post-money FD: "0.01" for 1%.
    pub target: String,
    pub kind: GrantChoice,
    /// Options: the plan they come out of, and their exercise price.
    pub plan: String,
    pub strike: String,
    /// Shares: their class.
    pub class: String,
}

fn sized_grants(book: &Book, forms: &[SizedGrantForm]) -> Result<Vec<SizedGrant>> {
    let mut out = vec![];
    for (i, g) in forms.iter().enumerate() {
        let field = |name: &str| format!("grants.{i}.{name}");
        let place = format!("grant {} ({})", i + 1, g.holder.trim());
        let within = |e: Error| e.within(&place);
        let kind = match g.kind {
            GrantChoice::Options => SizedGrantKind::Options {
                plan: plan(book, &field("plan"), &g.plan).map_err(within)?,
                exercise_price: money(book, &field("strike"), &g.strike).map_err(within)?,
            },
            GrantChoice::Shares => SizedGrantKind::Shares {
                class: book
                    .find_class("class", required(&field("class"), &g.class)?)
                    .map_err(|e| within(Error::from(e).on_field(&field("class"))))?,
            },
        };
        let grant = SizedGrant {
            holder: stakeholder(book, &field("holder"), &g.holder).map_err(within)?,
            target: decimal(&field("target"), &g.target).map_err(within)?,
            kind,
        };
        grant
            .check_target()
            .map_err(|e| within(Error::from(e).on_field(&field("target"))))?;
        out.push(grant);
    }
    Ok(out)
}

/// Which SAFEs and notes a modelled round converts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ConvertChoice {
    #[default]
    All,
    None,
    /// The entries listed in `convert_entries`.
    Only,
}

/// A round modelled with the option pool shuffle and the SAFE and note conversions solved
/// exactly: `roundbook round model [--commit]`, the app's "Model a round".
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct RoundForm {
    pub name: String,
    pub date: String,
    pub class: String,
    pub class_choice: ClassChoice,
    /// One of pre_money and post_money, or the price alone (the pre-money derived), or the
    /// price beside one of them (checked against the price it gives).
    pub pre_money: String,
    pub post_money: String,
    pub price: String,
    /// How converting SAFEs and notes enter the price.
    pub pricing: PricingMethod,
    pub investments: Vec<InvestmentForm>,
    pub lead: String,
    /// Holders taking up their pro rata right, by name.
    pub pro_rata: Vec<String>,
    /// SAFE holders taking up a pro rata side letter, by name (on their as-converted share).
    pub safe_pro_rata: Vec<String>,
    /// Pro rata amounts on top of the stated investments, or carved out of them.
    pub pro_rata_sizing: ProRataSizing,
    /// Options available after the round as a fraction of post-money fully diluted ("0.10");
    /// empty: no target.
    pub pool_target: String,
    /// Or a given number of new shares reserved in the pool ("1695000"); empty: none. At most
    /// one of `pool_target` and `pool_shares`.
    pub pool_shares: String,
    pub pool_plan: String,
    pub pool_timing: PoolTiming,
    /// Options or shares granted in the round, each sized to a fraction of post-money FD.
    pub grants: Vec<SizedGrantForm>,
    pub convert: ConvertChoice,
    /// A conversion below the round's price: into the round's class or a shadow series.
    pub conversion_class: ConversionClass,
    /// Whether a down round's anti-dilution shares are in the price's denominator.
    pub anti_dilution_pricing: AntiDilutionPricing,
    /// Journal entry numbers of the SAFEs and notes to convert, when `convert` is `only`.
    pub convert_entries: Vec<String>,
    pub rounding: RoundingForm,
    pub note: String,
}

/// The round beside the cap table it changes: the read model's cap table by holder, fully
/// diluted, on the round's date before and after it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RoundPreview {
    pub outcome: ModelOutcome,
    #[ts(type = "string")]
    pub as_of: chrono::NaiveDate,
    pub before: TableView,
    pub after: TableView,
}

impl RoundForm {
    fn model(&self, book: &mut Book) -> Result<RoundModel> {
        let name = required("name", &self.name)?.to_string();
        let day = date("date", &self.date)?;
        let (valuation, stated_price) = RoundValuation::from_terms(
            optional_money(book, "pre_money", &self.pre_money)?,
            optional_money(book, "post_money", &self.post_money)?,
            optional_money(book, "price", &self.price)?,
        )?;
        let size = match (self.pool_target.trim(), self.pool_shares.trim()) {
            ("", "") => None,
            (t, "") => Some(PoolSize::Target(decimal("pool_target", t)?)),
            ("", n) => Some(PoolSize::Shares(count("pool_shares", n)?)),
            _ => {
                return Err(Error::invalid(
                    "pool_shares",
                    "give the pool either a target or a share count, not both",
                ))
            }
        };
        let pool = match size {
            None => None,
            Some(size) => Some(PoolTopUp {
                plan: plan(book, "pool_plan", &self.pool_plan)?,
                size,
                timing: self.pool_timing,
            }),
        };
        let conversions = match self.convert {
            ConvertChoice::All => Conversions::All,
            ConvertChoice::None => Conversions::None,
            ConvertChoice::Only => Conversions::Only(
                self.convert_entries
                    .iter()
                    .map(|id| entry_id("convert_entries", id))
                    .collect::<Result<_>>()?,
            ),
        };
        let mut model = RoundModel {
            name,
            date: day,
            class: ClassId(0),
            valuation,
            pricing: self.pricing,
            stated_price,
            investments: investments(book, &self.investments)?,
            pro_rata: self
                .pro_rata
                .iter()
                .map(|n| stakeholder(book, "pro_rata", n))
                .collect::<Result<_>>()?,
            safe_pro_rata: self
                .safe_pro_rata
                .iter()
                .map(|n| stakeholder(book, "safe_pro_rata", n))
                .collect::<Result<_>>()?,
            pro_rata_sizing: self.pro_rata_sizing,
            lead: optional_stakeholder(book, "lead", &self.lead)?,
            pool,
            grants: sized_grants(book, &self.grants)?,
            conversions,
            conversion_class: self.conversion_class,
            anti_dilution_pricing: self.anti_dilution_pricing,
            capitalisation: Default::default(),
            rounding: self.rounding.over(book.default_rounding())?,
            note: memo(&self.note),
        };
        model.class = round_class(book, &self.class, self.class_choice, |b| {
            Ok(b.add_class(b.round_class(&model, self.class.trim())?)?)
        })?;
        Ok(model)
    }

    /// The round on a copy of the book that is never written: exactly what `submit` records.
    pub fn preview(&self, store: &Store) -> Result<RoundPreview> {
        let mut copy = store.load()?;
        self.apply(&mut copy)
    }
}

impl Form for RoundForm {
    type Output = RoundPreview;
    fn apply(&self, book: &mut Book) -> Result<RoundPreview> {
        let model = self.model(book)?;
        let table = |book: &Book| -> Result<TableView> {
            let t = book.cap_table(model.date, &model.rounding)?;
            Ok(cap_table(&t, book, CapTableBy::Holder, CapTableShares::FullyDiluted).into())
        };
        let before = table(book)?;
        let outcome = book.commit_round_model(&model)?;
        let after = table(book)?;
        Ok(RoundPreview {
            outcome,
            as_of: model.date,
            before,
            after,
        })
    }
}
