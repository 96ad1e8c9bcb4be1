//! From the book to the waterfall: the capitalisation on a date, with each class's terms,
//! each holding (and, for the invested preference basis, the cash paid for it), each
//! outstanding grant at its own strike, and each outstanding SAFE and note with what it is owed
//! and the shares it would convert into (docs/waterfall.md, "SAFEs and notes").
//!
//! Under `ConvertiblesAtExit::LeftOut` the SAFEs and notes are not in it and are returned apart,
//! as they were before the waterfall paid them.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::book::Book;
use crate::captable::{CapTable, ConvertibleRow};
use crate::domain::*;
use crate::error::{LedgerError, Result};
use crate::journal::{Entry, Movement};
use crate::model::ConversionBasis;
use crate::money::Money;
use crate::rounding::RoundingPolicy;
use crate::timeline::Timeline;
use crate::waterfall::{
    Capitalisation, ConvertibleKind, ConvertiblesAtExit, ExitConventions, NotesAtExit, OptionKind,
    PreferenceBasis, WaterfallClass, WaterfallConvertible, WaterfallHolding, WaterfallOption,
};

/// The cash paid for each holding, as the replay reaches each entry.
type Invested = HashMap<(StakeholderId, ClassId), Decimal>;

impl Book {
    /// The waterfall's inputs as of `as_of` under `conventions`, and the SAFEs and notes they
    /// leave out (all of them under `convertibles: left-out`, none otherwise).
    pub fn capitalisation(
        &self,
        as_of: NaiveDate,
        rounding: &RoundingPolicy,
        conventions: &ExitConventions,
    ) -> Result<(Capitalisation, Vec<ConvertibleRow>)> {
        rounding.validate()?;
        conventions.validate()?;
        let table = self.cap_table(as_of, rounding)?;
        // Grants, each at its strike, the ratios in force and, for the invested basis, the
        // cash paid for each holding: replay to the date.
        let by_investment = conventions.preference_basis == PreferenceBasis::Invested;
        let mut invested: Invested = HashMap::new();
        let mut failed: Option<LedgerError> = None;
        let t = self.replay_to(as_of, |t, e| {
            if by_investment && failed.is_none() {
                if let Err(err) = self.invested_step(t, e, rounding, &mut invested) {
                    failed = Some(err);
                }
            }
        })?;
        if let Some(err) = failed {
            return Err(err);
        }
        let mut classes = vec![];
        for c in self.classes() {
            classes.push(WaterfallClass {
                name: c.name.clone(),
                kind: c.kind,
                // After a split, the price per share of the shares as they are now.
                original_issue_price: t.original_issue_price(c.id).unwrap_or(Decimal::ZERO),
                preference_multiple: c.preference_multiple,
                participation: c.participation,
                seniority: c.seniority,
                conversion_ratio: t.ratio(c.id),
            });
        }
        let mut holdings = vec![];
        for h in &table.holders {
            for x in &h.holdings {
                holdings.push(WaterfallHolding {
                    holder: h.name.clone(),
                    class: x.class_name.clone(),
                    shares: x.shares,
                    invested: if by_investment {
                        invested.get(&(h.stakeholder, x.class)).copied()
                    } else {
                        None
                    },
                });
            }
        }
        let mut grants: Vec<(EntryId, i128)> = t
            .grants
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(g, n)| (*g, *n))
            .collect();
        grants.sort();
        let mut options = vec![];
        for (grant, n) in grants {
            let Some(Movement::OptionGrant {
                holder,
                plan,
                exercise_price,
                ..
            }) = self.entry(grant).map(|e| &e.movement)
            else {
                continue;
            };
            let class = self
                .plan(*plan)
                .map(|p| self.class_name(p.class).to_string())
                .unwrap_or_default();
            options.push(WaterfallOption {
                holder: self.stakeholder_name(*holder).to_string(),
                class,
                count: u64::try_from(n).map_err(|_| {
                    LedgerError::conflict("journal", "a grant's options cannot be shown")
                })?,
                strike: t.strike(grant).unwrap_or(exercise_price.amount),
                kind: OptionKind::Option,
            });
        }
        let (convertibles, left_out) = match conventions.convertibles {
            ConvertiblesAtExit::LeftOut => (vec![], table.convertibles.clone()),
            ConvertiblesAtExit::Paid => (
                self.convertibles_at_exit(as_of, &table, rounding, conventions)?,
                vec![],
            ),
        };
        Ok((
            Capitalisation {
                currency: self.company.currency,
                classes,
                holdings,
                options,
                convertibles,
                conventions: *conventions,
            },
            left_out,
        ))
    }

    /// Each SAFE and note outstanding on `as_of`: its claim and, when it can convert, its
    /// conversion shares at its cap over its Liquidity Capitalization.
    ///
    /// - A SAFE's claim is its Cash-Out Amount, the purchase amount. With a cap (its own, or
    ///   adopted by its MFN clause from a later SAFE, as a round does), its Conversion Amount is
    ///   paid on purchase amount / Liquidity Price shares, Liquidity Price = cap / Liquidity
    ///   Capitalization. Without a cap (discount only, MFN only with nothing to adopt) it takes
    ///   its Cash-Out Amount.
    /// - A note is owed its principal x the repayment multiple plus the interest accrued to
    ///   `as_of`; with a cap, and unless the notes are repaid, it converts its principal and
    ///   interest at cap / Liquidity Capitalization.
    /// - The Liquidity Capitalization of a pre-money SAFE and of a note: shares outstanding as
    ///   converted and options outstanding; not the unissued pool, not the SAFEs and notes. Of a
    ///   post-money SAFE: the same, plus every SAFE and note that can convert here, as
    ///   converted; the post-money SAFEs' own shares make it the solution of
    ///   C = (base + pre-money and note shares) / (1 - sum of purchase amount / cap).
    /// - Each Liquidity Price is rounded as the policy rounds a cap price, each share count by
    ///   its conversion rule.
    fn convertibles_at_exit(
        &self,
        as_of: NaiveDate,
        table: &CapTable,
        rounding: &RoundingPolicy,
        conventions: &ExitConventions,
    ) -> Result<Vec<WaterfallConvertible>> {
        let outstanding: Vec<EntryId> = table.convertibles.iter().map(|c| c.instrument).collect();
        let rule = rounding.conversion_price_rule(ConversionBasis::Cap);
        let base = Decimal::from(table.totals.outstanding) + Decimal::from(table.totals.options);
        let too_large = || LedgerError::invalid("valuation_cap", "too large to compute exactly");

        /// One instrument, resolved.
        struct Item {
            name: String,
            holder: String,
            kind: ConvertibleKind,
            claim: Option<Decimal>,
            /// What converts: a SAFE's purchase amount, a note's principal and interest.
            converting: Decimal,
            /// The cap it converts at, when it can convert here.
            cap: Option<Decimal>,
            post_money: bool,
            /// A discount-only SAFE's Conversion Amount.
            conversion_amount: Option<Decimal>,
        }
        let mut items = Vec::with_capacity(table.convertibles.len());
        for row in &table.convertibles {
            let id = row.instrument;
            let Some(e) = self.entry(id) else { continue };
            let Movement::ConvertibleIssuance { terms, .. } = &e.movement else {
                continue;
            };
            let issued = e.effective;
            let at = |err: LedgerError| err.at(&format!("{} #{id}", terms.label()));
            items.push(match terms {
                ConvertibleTerms::Safe {
                    investment,
                    timing,
                    valuation_cap,
                    discount,
                    mfn,
                } => {
                    let (mut cap, mut discount) = (valuation_cap.map(|c| c.amount), *discount);
                    if *mfn {
                        (cap, discount) = self.mfn_adopted(id, issued, cap, discount, &outstanding);
                    }
                    // Without a cap, YC's discount-only form values the conversion at the
                    // common's own value times the discount rate: purchase amount / (1 - d),
                    // rounded to the cent, whatever that value is.
                    let conversion_amount = match (cap, discount) {
                        (None, Some(d)) if d > Decimal::ZERO && d < Decimal::ONE => Some(
                            rounding
                                .round_cash(Money::new(
                                    investment
                                        .amount
                                        .checked_div(Decimal::ONE - d)
                                        .ok_or_else(too_large)?,
                                    investment.currency,
                                ))
                                .amount,
                        ),
                        _ => None,
                    };
                    Item {
                        name: format!("SAFE #{id}"),
                        holder: row.name.clone(),
                        kind: ConvertibleKind::Safe,
                        claim: Some(investment.amount),
                        converting: investment.amount,
                        cap,
                        post_money: *timing == SafeTiming::PostMoney,
                        conversion_amount,
                    }
                }
                ConvertibleTerms::Note {
                    principal,
                    valuation_cap,
                    ..
                } => {
                    let balance = crate::interest::note_balance(terms, issued, as_of)
                        .map_err(at)?
                        .amount;
                    let extra = principal
                        .amount
                        .checked_mul(conventions.note_repayment_multiple - Decimal::ONE)
                        .ok_or_else(too_large)?;
                    let repayment = balance.checked_add(extra).ok_or_else(too_large)?;
                    let cap = valuation_cap
                        .map(|c| c.amount)
                        .filter(|_| conventions.notes != NotesAtExit::Repay);
                    Item {
                        name: format!("Note #{id}"),
                        holder: row.name.clone(),
                        kind: ConvertibleKind::Note,
                        claim: match (conventions.notes, cap) {
                            (NotesAtExit::Convert, Some(_)) => None,
                            _ => Some(repayment),
                        },
                        converting: balance,
                        cap,
                        post_money: false,
                        conversion_amount: None,
                    }
                }
            });
        }

        // A price and a share count from a cap over a capitalisation.
        let convert = |item: &Item,
                       cap: Decimal,
                       capitalisation: Decimal|
         -> Result<(u64, Option<Decimal>)> {
            if !capitalisation.is_sign_positive()
                || capitalisation.is_zero()
                || !cap.is_sign_positive()
                || cap.is_zero()
            {
                // Nothing outstanding to convert against: it cannot convert.
                return Ok((0, None));
            }
            let price = rule.round(cap.checked_div(capitalisation).ok_or_else(too_large)?);
            if price.is_zero() {
                return Err(LedgerError::invalid(
                    "valuation_cap",
                    format!(
                        "{}: a cap of {cap} over {} shares rounds to a price of 0",
                        item.name,
                        capitalisation.round_dp(2)
                    ),
                ));
            }
            let shares = rounding
                .conversion
                .apply(item.converting.checked_div(price).ok_or_else(too_large)?)?;
            Ok((shares, Some(price)))
        };

        let mut out: Vec<Option<WaterfallConvertible>> = vec![None; items.len()];
        let make = |item: &Item, (shares, price): (u64, Option<Decimal>)| WaterfallConvertible {
            name: item.name.clone(),
            holder: item.holder.clone(),
            kind: item.kind,
            claim: item.claim,
            conversion_shares: shares,
            conversion_price: price,
            conversion_amount: item.conversion_amount,
        };
        // Pre-money SAFEs and notes first: their capitalisation is the base alone.
        let mut converting_shares = Decimal::ZERO;
        let mut post_fraction = Decimal::ZERO;
        for (n, item) in items.iter().enumerate() {
            match item.cap {
                Some(cap) if item.post_money => {
                    post_fraction += item.converting.checked_div(cap).ok_or_else(too_large)?;
                }
                Some(cap) => {
                    let c = convert(item, cap, base)?;
                    converting_shares += Decimal::from(c.0);
                    out[n] = Some(make(item, c));
                }
                None => out[n] = Some(make(item, (0, None))),
            }
        }
        // Then the post-money SAFEs, over a capitalisation that counts every instrument that
        // can convert, themselves included.
        if items.iter().any(|i| i.post_money && i.cap.is_some()) {
            if post_fraction >= Decimal::ONE {
                return Err(LedgerError::invalid(
                    "valuation_cap",
                    format!(
                        "the post-money SAFEs' purchase amounts are {}% of their caps together; \
                         their Liquidity Capitalization needs less than 100%",
                        (post_fraction * Decimal::ONE_HUNDRED)
                            .round_dp(4)
                            .normalize()
                    ),
                ));
            }
            let capitalisation = (base + converting_shares)
                .checked_div(Decimal::ONE - post_fraction)
                .ok_or_else(too_large)?;
            for (n, item) in items.iter().enumerate() {
                if let (Some(cap), true) = (item.cap, item.post_money) {
                    out[n] = Some(make(item, convert(item, cap, capitalisation)?));
                }
            }
        }
        Ok(out.into_iter().flatten().collect())
    }

    /// One entry's effect on the cash paid for each holding (the invested preference basis,
    /// docs/waterfall.md): an issuance adds its price x shares rounded to the cent (shares x
    /// the class's original issue price when it records no price), an exercise its strike x
    /// options, a SAFE's or note's conversion the amount converted; shares leaving a holding
    /// (a transfer, a cancellation, a repurchase, a conversion to another class) take the
    /// holding's cash per share with them, rounded to the cent; a split moves no cash; a
    /// reversal undoes its entry by the same rules. `t` is the replay just before `e`.
    fn invested_step(
        &self,
        t: &Timeline<'_>,
        e: &Entry,
        rounding: &RoundingPolicy,
        inv: &mut Invested,
    ) -> Result<()> {
        let (movement, effective, undo) = match &e.movement {
            Movement::Reversal { reverses, .. } => match self.entry(*reverses) {
                Some(original) => (&original.movement, original.effective, true),
                None => return Ok(()),
            },
            m => (m, e.effective, false),
        };
        let cur = self.company.currency;
        let cash = |d: Decimal| rounding.round_cash(Money::new(d, cur)).amount;
        let too_large = || LedgerError::invalid("invested", "too large to compute exactly");
        let held = |h: StakeholderId, c: ClassId| t.held.get(&(h, c)).copied().unwrap_or(0);
        // The cash that `shares` of a holding take with them.
        let share_of = |inv: &Invested, h: StakeholderId, c: ClassId, shares: u64| -> Decimal {
            let total = inv.get(&(h, c)).copied().unwrap_or(Decimal::ZERO);
            let n = held(h, c);
            if n <= 0 || i128::from(shares) >= n {
                return total;
            }
            cash(total * Decimal::from(shares) / Decimal::from(n as u64))
        };
        let add = |inv: &mut Invested, h: StakeholderId, c: ClassId, d: Decimal| {
            let v = inv.entry((h, c)).or_insert(Decimal::ZERO);
            *v = (*v + d).max(Decimal::ZERO);
        };
        // Cash in: an issuance, an exercise, a conversion (taken out again when undone).
        let paid_in = |inv: &mut Invested, h, c, d: Decimal| {
            add(inv, h, c, if undo { -d } else { d });
        };
        // Shares moved from one holding to another (back again when undone).
        let moved = |inv: &mut Invested,
                     from: (StakeholderId, ClassId),
                     to: (StakeholderId, ClassId),
                     out: u64,
                     into: u64| {
            let (from, to, shares) = if undo {
                (to, from, into)
            } else {
                (from, to, out)
            };
            let d = share_of(inv, from.0, from.1, shares);
            add(inv, from.0, from.1, -d);
            add(inv, to.0, to.1, d);
        };
        match movement {
            Movement::StockIssuance {
                holder,
                class,
                shares,
                price_per_share,
                ..
            } => {
                let price = price_per_share
                    .map(|p| p.amount)
                    .or_else(|| t.original_issue_price(*class))
                    .unwrap_or(Decimal::ZERO);
                let d = price
                    .checked_mul(Decimal::from(*shares))
                    .ok_or_else(too_large)?;
                paid_in(inv, *holder, *class, cash(d));
            }
            Movement::Exercise { grant, options } => {
                if let (Some((holder, plan)), Some(strike)) = (t.grant(*grant), t.strike(*grant)) {
                    if let Some(p) = self.plan(plan) {
                        let d = strike
                            .checked_mul(Decimal::from(*options))
                            .ok_or_else(too_large)?;
                        paid_in(inv, holder, p.class, cash(d));
                    }
                }
            }
            Movement::ConvertibleConversion {
                instrument, class, ..
            } => {
                if let Some(issue) = self.entry(*instrument) {
                    if let Movement::ConvertibleIssuance { holder, terms } = &issue.movement {
                        let d = match terms {
                            ConvertibleTerms::Safe { investment, .. } => investment.amount,
                            ConvertibleTerms::Note { .. } => {
                                crate::interest::note_balance(terms, issue.effective, effective)?
                                    .amount
                            }
                        };
                        paid_in(inv, *holder, *class, d);
                    }
                }
            }
            Movement::Transfer {
                from,
                to,
                class,
                shares,
                ..
            } => moved(inv, (*from, *class), (*to, *class), *shares, *shares),
            Movement::StockConversion {
                holder,
                from_class,
                shares,
                to_class,
                resulting_shares,
            } => moved(
                inv,
                (*holder, *from_class),
                (*holder, *to_class),
                *shares,
                *resulting_shares,
            ),
            Movement::StockCancellation {
                holder,
                class,
                shares,
            }
            | Movement::Repurchase {
                holder,
                class,
                shares,
                ..
            } => {
                if undo {
                    // The shares come back with the cash per share the holding has now, or at
                    // the original issue price when it holds none.
                    let n = held(*holder, *class);
                    let d = if n > 0 {
                        let total = inv.get(&(*holder, *class)).copied().unwrap_or_default();
                        cash(total * Decimal::from(*shares) / Decimal::from(n as u64))
                    } else {
                        cash(
                            t.original_issue_price(*class).unwrap_or(Decimal::ZERO)
                                * Decimal::from(*shares),
                        )
                    };
                    add(inv, *holder, *class, d);
                } else {
                    let d = share_of(inv, *holder, *class, *shares);
                    add(inv, *holder, *class, -d);
                }
            }
            _ => {}
        }
        Ok(())
    }
}
