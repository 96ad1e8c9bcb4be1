//! From the book to the waterfall: the capitalisation on a date, with each class's terms,
//! each holding, and each outstanding grant at its own strike.
//!
//! SAFEs and notes still outstanding are not in it: their payout at a liquidity event is set
//! by their own terms (a SAFE's cash-out amount or conversion), which the waterfall does not
//! model yet; `Capitalisation` users are told which instruments were left out.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::book::Book;
use crate::captable::ConvertibleRow;
use crate::domain::*;
use crate::error::{LedgerError, Result};
use crate::journal::Movement;
use crate::rounding::RoundingPolicy;
use crate::waterfall::{
    Capitalisation, OptionKind, WaterfallClass, WaterfallHolding, WaterfallOption,
};

impl Book {
    /// The waterfall's inputs as of `as_of`, and the SAFEs and notes they leave out.
    pub fn capitalisation(
        &self,
        as_of: NaiveDate,
        rounding: &RoundingPolicy,
    ) -> Result<(Capitalisation, Vec<ConvertibleRow>)> {
        let table = self.cap_table(as_of, rounding)?;
        // Grants, each at its strike, and the ratios in force: replay to the date.
        let t = self.replay_to(as_of, |_, _| {})?;
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
        Ok((
            Capitalisation {
                currency: self.company.currency,
                classes,
                holdings,
                options,
            },
            table.convertibles,
        ))
    }
}
