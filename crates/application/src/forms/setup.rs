//! The book's parties and terms: stakeholders, share classes, equity plans, valuations, and
//! the house rounding policy.

use roundbook_ledger::{
    AntiDilution, Book, ClassId, ClassKind, NewClass, NewPlan, NewStakeholder, NewValuation,
    Participation, PlanId, PriceDirection, PriceRule, Provenance, Relationship, RoundingPolicy,
    ShareRounding, StakeholderId, StakeholderKind, ValuationId, ValuationKind,
};
use rust_decimal::Decimal;
use serde::Deserialize;
use ts_rs::TS;

use super::Form;
use crate::parse::*;
use crate::{Error, Result};

/// A person or an institution: `roundbook stakeholder add`, "Add a stakeholder".
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(default)]
pub struct StakeholderForm {
    pub name: String,
    pub kind: StakeholderKind,
    /// Each one of founder, employee, investor, advisor, board.
    pub relationships: Vec<String>,
    pub note: String,
}

impl Default for StakeholderForm {
    fn default() -> Self {
        StakeholderForm {
            name: String::new(),
            kind: StakeholderKind::Individual,
            relationships: vec![],
            note: String::new(),
        }
    }
}

impl Form for StakeholderForm {
    type Output = StakeholderId;
    fn apply(&self, book: &mut Book) -> Result<StakeholderId> {
        let name = required("name", &self.name)?.to_string();
        let mut relationships = vec![];
        for r in self
            .relationships
            .iter()
            .map(|r| r.trim())
            .filter(|r| !r.is_empty())
        {
            relationships.push(Relationship::parse(r).ok_or_else(|| {
                Error::invalid(
                    "relationships",
                    format!("'{r}' is not one of founder, employee, investor, advisor, board"),
                )
            })?);
        }
        Ok(book.add_stakeholder(NewStakeholder {
            name,
            kind: self.kind,
            relationships,
            provenance: Provenance::Recorded,
            note: memo(&self.note),
        })?)
    }
}

/// How a preferred class shares in what is left after the preferences.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ParticipationChoice {
    #[default]
    None,
    Full,
    /// Up to `cap_multiple` times the original issue price.
    Capped,
}

/// A share class: `roundbook class add`.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(default)]
pub struct ClassForm {
    pub name: String,
    pub kind: ClassKind,
    pub original_issue_price: String,
    /// Empty: 1 for preferred, 0 for common.
    pub preference_multiple: String,
    pub participation: ParticipationChoice,
    pub cap_multiple: String,
    /// Higher is paid first.
    pub seniority: String,
    /// Empty: 1.
    pub conversion_ratio: String,
    pub anti_dilution: AntiDilution,
    pub authorized: String,
}

impl Default for ClassForm {
    fn default() -> Self {
        ClassForm {
            name: String::new(),
            kind: ClassKind::Common,
            original_issue_price: String::new(),
            preference_multiple: String::new(),
            participation: ParticipationChoice::None,
            cap_multiple: String::new(),
            seniority: String::new(),
            conversion_ratio: String::new(),
            anti_dilution: AntiDilution::None,
            authorized: String::new(),
        }
    }
}

impl Form for ClassForm {
    type Output = ClassId;
    fn apply(&self, book: &mut Book) -> Result<ClassId> {
        let preference_multiple = match (
            optional_decimal("preference_multiple", &self.preference_multiple)?,
            self.kind,
        ) {
            (Some(m), _) => m,
            (None, ClassKind::Preferred) => Decimal::ONE,
            (None, ClassKind::Common) => Decimal::ZERO,
        };
        let participation = match self.participation {
            ParticipationChoice::None => Participation::None,
            ParticipationChoice::Full => Participation::Full,
            ParticipationChoice::Capped => Participation::Capped {
                cap_multiple: decimal("cap_multiple", &self.cap_multiple).map_err(|e| {
                    if self.cap_multiple.trim().is_empty() {
                        Error::invalid("cap_multiple", "capped participation needs a cap multiple")
                    } else {
                        e
                    }
                })?,
            },
        };
        let seniority = match self.seniority.trim() {
            "" => 0,
            t => t.parse::<i32>().map_err(|_| {
                Error::invalid(
                    "seniority",
                    format!("'{t}' is not a whole number (e.g. 2, or -1)"),
                )
            })?,
        };
        let class = NewClass {
            name: self.name.clone(),
            kind: self.kind,
            original_issue_price: optional_money(
                book,
                "original_issue_price",
                &self.original_issue_price,
            )?,
            preference_multiple,
            participation,
            seniority,
            conversion_ratio: optional_decimal("conversion_ratio", &self.conversion_ratio)?
                .unwrap_or(Decimal::ONE),
            anti_dilution: self.anti_dilution,
            authorized: optional_count("authorized", &self.authorized)?,
            provenance: Provenance::Recorded,
        };
        Ok(book.add_class(class)?)
    }
}

/// An equity plan and its first reserve: `roundbook plan add`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct PlanForm {
    pub name: String,
    pub class: String,
    pub date: String,
    pub reserved: String,
}

impl Form for PlanForm {
    type Output = PlanId;
    fn apply(&self, book: &mut Book) -> Result<PlanId> {
        let plan = NewPlan {
            name: self.name.clone(),
            class: class(book, "class", &self.class)?,
            adopted: date("date", &self.date)?,
            reserved: count("reserved", &self.reserved)?,
            provenance: Provenance::Recorded,
        };
        Ok(book.add_plan(plan)?)
    }
}

/// A 409A valuation of a class's shares: `roundbook valuation add`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct ValuationForm {
    pub class: String,
    pub price_per_share: String,
    pub date: String,
    pub provider: String,
}

impl Form for ValuationForm {
    type Output = ValuationId;
    fn apply(&self, book: &mut Book) -> Result<ValuationId> {
        let valuation = NewValuation {
            kind: ValuationKind::FourOhNineA,
            effective: date("date", &self.date)?,
            class: class(book, "class", &self.class)?,
            price_per_share: money(book, "price_per_share", &self.price_per_share)?,
            company_value: None,
            provider: memo(&self.provider),
            round: None,
            provenance: Provenance::Recorded,
        };
        Ok(book.add_valuation(valuation)?)
    }
}

/// Rounding choices laid over a policy; empty fields keep the policy's own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(default)]
pub struct RoundingForm {
    /// Decimals kept in a price per share, 0 to 10.
    pub price_decimals: String,
    pub price_rounding: Option<PriceDirection>,
    pub share_rounding: Option<ShareRounding>,
    /// How the shares a SAFE or note converts into are rounded (floor by default).
    pub conversion_rounding: Option<ShareRounding>,
    /// Whether a share count a price divides by is made whole first (exact by default; YC's
    /// post-money SAFE user guide floors its Company Capitalization).
    pub capitalisation_rounding: Option<CapitalisationRounding>,
    /// How a pool top-up solved to a target is rounded (ceiling by default, so the target is met).
    pub pool_rounding: Option<ShareRounding>,
    /// A SAFE's or note's cap price, rounded apart from the round's price: decimals and
    /// direction (either alone takes the other from the price's rule); both empty: as the price.
    pub cap_price_decimals: String,
    pub cap_price_rounding: Option<PriceDirection>,
    /// A SAFE's or note's discount price, likewise.
    pub discount_price_decimals: String,
    pub discount_price_rounding: Option<PriceDirection>,
}

/// A share count a price divides by: exact, or made whole one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum CapitalisationRounding {
    Exact,
    Floor,
    Ceiling,
    Nearest,
}

impl CapitalisationRounding {
    fn rule(self) -> Option<ShareRounding> {
        match self {
            CapitalisationRounding::Exact => None,
            CapitalisationRounding::Floor => Some(ShareRounding::Floor),
            CapitalisationRounding::Ceiling => Some(ShareRounding::Ceiling),
            CapitalisationRounding::Nearest => Some(ShareRounding::Nearest),
        }
    }
}

/// A conversion price's own rule from its two fields, over the round's price rule.
fn price_rule(
    field: &str,
    decimals: &str,
    direction: Option<PriceDirection>,
    price: PriceRule,
) -> Result<Option<PriceRule>> {
    let decimals = optional_count(field, decimals)?
        .map(|d| u32::try_from(d).map_err(|_| Error::invalid(field, "must be 0 to 10")))
        .transpose()?;
    Ok(
        (decimals.is_some() || direction.is_some()).then(|| PriceRule {
            decimals: decimals.unwrap_or(price.decimals),
            direction: direction.unwrap_or(price.direction),
        }),
    )
}

impl RoundingForm {
    pub fn is_empty(&self) -> bool {
        self.price_decimals.trim().is_empty()
            && self.price_rounding.is_none()
            && self.share_rounding.is_none()
            && self.conversion_rounding.is_none()
            && self.capitalisation_rounding.is_none()
            && self.pool_rounding.is_none()
            && self.cap_price_decimals.trim().is_empty()
            && self.cap_price_rounding.is_none()
            && self.discount_price_decimals.trim().is_empty()
            && self.discount_price_rounding.is_none()
    }

    /// `base` with the choices made here laid over it.
    pub fn over(&self, base: RoundingPolicy) -> Result<RoundingPolicy> {
        let mut p = base;
        if let Some(d) = optional_count("price_decimals", &self.price_decimals)? {
            p.price_decimals = u32::try_from(d)
                .map_err(|_| Error::invalid("price_decimals", "must be 0 to 10"))?;
        }
        if let Some(dir) = self.price_rounding {
            p.price_direction = dir;
        }
        if let Some(s) = self.share_rounding {
            p.shares = s;
        }
        if let Some(s) = self.conversion_rounding {
            p.conversion = s;
        }
        if let Some(c) = self.capitalisation_rounding {
            p.capitalisation = c.rule();
        }
        if let Some(s) = self.pool_rounding {
            p.pool = s;
        }
        let price = p.price_rule();
        if let Some(r) = price_rule(
            "cap_price_decimals",
            &self.cap_price_decimals,
            self.cap_price_rounding,
            price,
        )? {
            p.cap_price = Some(r);
        }
        if let Some(r) = price_rule(
            "discount_price_decimals",
            &self.discount_price_decimals,
            self.discount_price_rounding,
            price,
        )? {
            p.discount_price = Some(r);
        }
        p.validate()?;
        Ok(p)
    }
}

/// The book's default rounding: `roundbook settings rounding`. Returns the policy in force
/// afterwards; an empty form changes nothing.
impl Form for RoundingForm {
    type Output = RoundingPolicy;
    fn apply(&self, book: &mut Book) -> Result<RoundingPolicy> {
        let policy = self.over(book.default_rounding())?;
        if !self.is_empty() {
            book.set_default_rounding(policy.clone())?;
        }
        Ok(policy)
    }
}
