//! Recording a priced round.
//!
//! price per share = pre-money / fully diluted shares just before the round,
//! rounded as the RoundingPolicy says; each investor gets
//! `shares(amount / price)` (floor by default). Post-money = pre-money + money raised.
//! When rounding bites, the outcome shows by how much: the cash that bought no
//! whole share, and the new investors' ownership against the exact raised/post.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::book::{Book, NewValuation};
use crate::captable::percent;
use crate::domain::*;
use crate::error::{LedgerError, Result};
use crate::journal::Movement;
use crate::money::Money;
use crate::rounding::RoundingPolicy;

#[derive(Debug, Clone)]
pub struct Investment {
    pub investor: StakeholderId,
    pub amount: Money,
}

impl Investment {
    /// The rule every investment in a round keeps: money in, more than zero.
    pub fn check_amount(&self) -> Result<(), LedgerError> {
        if self.amount.is_positive() {
            Ok(())
        } else {
            Err(LedgerError::invalid("amount", "must be greater than zero"))
        }
    }
}

/// A priced round as the user states it.
#[derive(Debug, Clone)]
pub struct PricedRound {
    pub name: String,
    pub date: NaiveDate,
    pub class: ClassId,
    pub pre_money: Money,
    pub investments: Vec<Investment>,
    pub lead: Option<StakeholderId>,
    /// If given, must equal pre-money + the money raised.
    pub stated_post_money: Option<Money>,
    /// The term sheet's price per share; if given, the price computed from the pre-money,
    /// rounded by the policy, must equal it.
    pub stated_price: Option<Money>,
    pub rounding: RoundingPolicy,
    pub provenance: Provenance,
    pub note: Option<String>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allocation {
    pub investor: StakeholderId,
    pub name: String,
    pub amount: Money,
    pub shares: u64,
    /// shares x price: what the shares cost at the rounded price.
    pub invested: Money,
    /// amount - invested: cash that bought no whole share.
    pub uninvested: Money,
}

/// What a priced round comes to; every figure a user would check.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PricedRoundOutcome {
    pub round: RoundId,
    pub name: String,
    pub date: NaiveDate,
    pub class: ClassId,
    pub rounding: RoundingPolicy,
    pub rounding_rule: String,
    pub pre_money: Money,
    pub pre_money_fd_shares: u64,
    /// pre-money / pre-money FD shares, before rounding (to 28 significant digits).
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub exact_price: Decimal,
    pub price_per_share: Money,
    pub allocations: Vec<Allocation>,
    pub amount_raised: Money,
    pub post_money: Money,
    pub new_shares: u64,
    pub post_money_fd_shares: u64,
    /// amount raised / post-money, in percent: the ownership the terms promise.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub target_new_ownership_pct: Decimal,
    /// new shares / post-money FD shares, in percent: what the rounded shares give.
    #[serde(with = "rust_decimal::serde::str")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub new_ownership_pct: Decimal,
    /// price x post-money FD shares.
    pub implied_post_money: Money,
    pub uninvested: Money,
    /// Whether rounding changed anything (price, shares or ownership).
    pub rounding_bites: bool,
    /// Conversion price adjustments the round triggered (a down round), recorded with it.
    pub anti_dilution: Vec<crate::antidilution::Adjustment>,
}

/// Prices a round against a pre-money FD share count. Pure: records nothing.
/// The pre-money a term sheet's price implies on `pre_money_fd_shares`: price x shares, exact
/// (not rounded to cents, so the price divides it back exactly).
pub fn pre_money_at(price: Money, pre_money_fd_shares: u64) -> Result<Money> {
    if !price.is_positive() {
        return Err(LedgerError::invalid("price", "must be greater than zero"));
    }
    price.checked_mul(Decimal::from(pre_money_fd_shares))
}

pub fn price_round(
    terms: &PricedRound,
    pre_money_fd_shares: u64,
    names: impl Fn(StakeholderId) -> String,
) -> Result<PricedRoundOutcome> {
    terms.rounding.validate()?;
    let cur = terms.pre_money.currency;
    if !terms.pre_money.is_positive() {
        return Err(LedgerError::invalid(
            "pre_money",
            "must be greater than zero",
        ));
    }
    if terms.investments.is_empty() {
        return Err(LedgerError::invalid(
            "investments",
            "a round needs at least one investment",
        ));
    }
    if pre_money_fd_shares == 0 {
        return Err(LedgerError::conflict(
            "date",
            format!(
                "there are no fully diluted shares on {} to price the round against",
                terms.date
            ),
        ));
    }
    let mut raised = Money::zero(cur);
    for (i, inv) in terms.investments.iter().enumerate() {
        inv.check_amount()
            .map_err(|e| e.at(&format!("investment {} ({})", i + 1, names(inv.investor))))?;
        if terms.investments[..i]
            .iter()
            .any(|o| o.investor == inv.investor)
        {
            return Err(LedgerError::invalid(
                "investor",
                format!(
                    "{} appears twice; give one amount per investor",
                    names(inv.investor)
                ),
            ));
        }
        raised = raised.checked_add(inv.amount)?;
    }
    let post = terms.pre_money.checked_add(raised)?;
    if let Some(stated) = terms.stated_post_money {
        if stated != post {
            return Err(LedgerError::invalid(
                "post_money",
                format!(
                    "{stated} is not pre-money {} + new money {} = {post}",
                    terms.pre_money, raised
                ),
            ));
        }
    }
    let exact_price = terms
        .pre_money
        .amount
        .checked_div(Decimal::from(pre_money_fd_shares))
        .ok_or_else(|| LedgerError::invalid("pre_money", "cannot be divided exactly"))?;
    let mut price = terms.rounding.round_price(exact_price);
    // Show the price with the policy's decimals ($15.00000), so outputs state the precision used.
    price.rescale(terms.rounding.price_decimals);
    if price.is_zero() {
        return Err(LedgerError::invalid(
            "price_decimals",
            format!(
                "the price {exact_price} rounds to zero at {} decimals",
                terms.rounding.price_decimals
            ),
        ));
    }
    let price_money = Money::new(price, cur);
    if let Some(stated) = terms.stated_price {
        if stated.amount != price {
            return Err(LedgerError::invalid(
                "price",
                format!(
                    "the stated {stated} a share is not pre-money {} / {pre_money_fd_shares} fully diluted shares = {price_money} ({})",
                    terms.pre_money,
                    terms.rounding.price_rule().describe()
                ),
            ));
        }
    }
    let mut allocations = Vec::with_capacity(terms.investments.len());
    let mut new_shares: u64 = 0;
    let mut uninvested = Money::zero(cur);
    for inv in &terms.investments {
        let exact_shares = inv.amount.amount.checked_div(price).ok_or_else(|| {
            LedgerError::invalid(
                "amount",
                format!(
                    "{} for {} buys more shares than a book can hold",
                    inv.amount,
                    names(inv.investor)
                ),
            )
        })?;
        let shares = terms.rounding.shares.apply(exact_shares)?;
        if shares == 0 {
            return Err(LedgerError::invalid(
                "amount",
                format!(
                    "{} for {} buys no whole share at {}",
                    inv.amount,
                    names(inv.investor),
                    price_money
                ),
            ));
        }
        let invested = terms
            .rounding
            .round_cash(price_money.checked_mul(Decimal::from(shares))?);
        let left = inv.amount.checked_sub(invested)?.tidy();
        uninvested = uninvested.checked_add(left)?.tidy();
        new_shares = new_shares.checked_add(shares).ok_or_else(|| {
            LedgerError::invalid(
                "amount",
                "the round issues more shares than a book can hold",
            )
        })?;
        allocations.push(Allocation {
            investor: inv.investor,
            name: names(inv.investor),
            amount: inv.amount,
            shares,
            invested,
            uninvested: left,
        });
    }
    let post_fd = pre_money_fd_shares.checked_add(new_shares).ok_or_else(|| {
        LedgerError::invalid(
            "amount",
            "the round issues more shares than a book can hold",
        )
    })?;
    let mut target = raised
        .amount
        .checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|x| x.checked_div(post.amount))
        .ok_or_else(|| {
            LedgerError::invalid("amount", "the amount is too large to compute exactly")
        })?
        .round_dp(crate::captable::PCT_DECIMALS);
    target.rescale(crate::captable::PCT_DECIMALS);
    let actual = percent(new_shares, post_fd);
    let implied = terms
        .rounding
        .round_cash(price_money.checked_mul(Decimal::from(post_fd))?);
    let rounding_bites = price != exact_price || !uninvested.amount.is_zero() || implied != post;
    Ok(PricedRoundOutcome {
        round: RoundId(0),
        name: terms.name.trim().to_string(),
        date: terms.date,
        class: terms.class,
        rounding_rule: terms.rounding.describe(),
        rounding: terms.rounding.clone(),
        pre_money: terms.pre_money,
        pre_money_fd_shares,
        exact_price,
        price_per_share: price_money,
        allocations,
        amount_raised: raised,
        post_money: post,
        new_shares,
        post_money_fd_shares: post_fd,
        target_new_ownership_pct: target,
        new_ownership_pct: actual,
        implied_post_money: implied,
        uninvested,
        rounding_bites,
        anti_dilution: vec![],
    })
}

impl Book {
    /// A new round needs a name of its own and a date the book can hold.
    pub(crate) fn check_new_round(&self, name: &str, date: NaiveDate) -> Result<()> {
        let name = name.trim();
        if name.is_empty() {
            return Err(LedgerError::invalid("name", "a round needs a name"));
        }
        if crate::book::parse_hash_id(name).is_some() {
            return Err(LedgerError::invalid(
                "name",
                format!("'{name}' reads as an id (#1 names item 1): choose another name"),
            ));
        }
        if self
            .rounds()
            .iter()
            .any(|r| r.name.eq_ignore_ascii_case(name))
        {
            return Err(LedgerError::conflict(
                "name",
                format!("a round named '{name}' already exists"),
            ));
        }
        self.check_date("date", date)
    }

    /// Prices the round on the cap table as of its date and records it: the round,
    /// one stock issuance per investor, and the round's valuation mark.
    pub fn record_priced_round(&mut self, terms: &PricedRound) -> Result<PricedRoundOutcome> {
        self.record_priced_round_labelled(terms, terms.provenance)
    }

    /// As `record_priced_round`, with the issuances and the mark labelled apart from
    /// the round's terms: the shipped example's terms are public, its allocations are not.
    pub(crate) fn record_priced_round_labelled(
        &mut self,
        terms: &PricedRound,
        allocations: Provenance,
    ) -> Result<PricedRoundOutcome> {
        self.check_new_round(&terms.name, terms.date)?;
        self.check_currency("pre_money", &terms.pre_money)?;
        for inv in &terms.investments {
            self.stakeholder(inv.investor).ok_or_else(|| {
                LedgerError::unknown("investor", format!("no stakeholder #{}", inv.investor))
            })?;
            self.check_currency("amount", &inv.amount)?;
        }
        if let Some(lead) = terms.lead {
            if !terms.investments.iter().any(|i| i.investor == lead) {
                return Err(LedgerError::invalid(
                    "lead",
                    format!(
                        "{} does not invest in the round",
                        self.stakeholder_name(lead)
                    ),
                ));
            }
        }
        self.class(terms.class).ok_or_else(|| {
            LedgerError::unknown("class", format!("no share class #{}", terms.class))
        })?;
        let fd = self
            .cap_table(terms.date, &terms.rounding)?
            .totals
            .fully_diluted;
        let mut outcome = price_round(terms, fd, |id| self.stakeholder_name(id).to_string())?;
        let id = self.next_round_id();
        outcome.round = id;
        self.push_round(FundingRound {
            id,
            name: outcome.name.clone(),
            date: terms.date,
            class: terms.class,
            pre_money: terms.pre_money,
            amount_raised: outcome.amount_raised,
            post_money: outcome.post_money,
            price_per_share: outcome.price_per_share,
            pre_money_fd_shares: fd,
            lead: terms.lead,
            rounding: terms.rounding.clone(),
            provenance: terms.provenance,
            price_provenance: allocations,
            note: terms.note.clone(),
        });
        for a in &outcome.allocations {
            self.record(
                terms.date,
                Movement::StockIssuance {
                    holder: a.investor,
                    class: terms.class,
                    shares: a.shares,
                    price_per_share: Some(outcome.price_per_share),
                    round: Some(id),
                },
                Some(format!("{}: {} invested", outcome.name, a.amount)),
                allocations,
            )?;
        }
        self.add_valuation(NewValuation {
            kind: ValuationKind::RoundMark,
            effective: terms.date,
            class: terms.class,
            price_per_share: outcome.price_per_share,
            company_value: Some(outcome.post_money),
            provider: None,
            round: Some(id),
            provenance: allocations,
        })?;
        outcome.anti_dilution = self.apply_anti_dilution(
            terms.date,
            terms.class,
            outcome.price_per_share,
            outcome.new_shares,
            &terms.rounding,
        )?;
        Ok(outcome)
    }
}
