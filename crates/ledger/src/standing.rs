//! Which funding rounds stand, and what they raised: the rules every summary of the book
//! (the app's Overview, the board report, the round list, the exports) reads from here.
//!
//! A round stands on a date when it is dated on or before it and at least one of its share
//! issuances is not reversed by then. A round whose every issuance was reversed (recorded in
//! error, or rescinded) raised nothing: it is left out of the last round and the total raised,
//! and listed as reversed. A round with no issuances at all (terms recorded before any shares)
//! does not stand either.

use chrono::NaiveDate;

use crate::book::Book;
use crate::domain::{FundingRound, RoundId};
use crate::journal::Movement;
use crate::money::{Currency, Money};
use crate::Result;
use rustc_hash::FxHashSet;

impl Book {
    /// The rounds that stand on `as_of`, found in one pass over the journal.
    pub fn standing_round_ids(&self, as_of: NaiveDate) -> FxHashSet<RoundId> {
        self.entries()
            .iter()
            .filter(|e| e.effective <= as_of)
            .filter(|e| {
                self.reversal_of(e.id)
                    .and_then(|r| self.entry(r))
                    .is_none_or(|r| r.effective > as_of)
            })
            .filter_map(|e| match &e.movement {
                Movement::StockIssuance { round: Some(r), .. } => Some(*r),
                _ => None,
            })
            .collect()
    }

    /// True when some of the round's issuances are recorded and not reversed by `as_of`.
    pub fn round_stands(&self, round: RoundId, as_of: NaiveDate) -> bool {
        self.standing_round_ids(as_of).contains(&round)
    }

    /// The rounds that stand on `as_of`, in date order (then in the order recorded).
    pub fn standing_rounds(&self, as_of: NaiveDate) -> Vec<&FundingRound> {
        let standing = self.standing_round_ids(as_of);
        let mut rounds: Vec<&FundingRound> = self
            .rounds()
            .iter()
            .filter(|r| r.date <= as_of && standing.contains(&r.id))
            .collect();
        rounds.sort_by_key(|r| (r.date, r.id));
        rounds
    }

    /// The latest round that stands on `as_of`.
    pub fn last_round(&self, as_of: NaiveDate) -> Option<&FundingRound> {
        self.standing_rounds(as_of).last().copied()
    }

    /// What the standing rounds raised, exactly.
    pub fn total_raised(&self, as_of: NaiveDate) -> Result<Money> {
        raised(self.company.currency, &self.standing_rounds(as_of))
    }
}

/// What `rounds` raised together, exactly.
pub fn raised(currency: Currency, rounds: &[&FundingRound]) -> Result<Money> {
    let mut total = Money::zero(currency);
    for r in rounds {
        total = total.checked_add(r.amount_raised)?;
    }
    Ok(total)
}
