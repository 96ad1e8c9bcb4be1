//! Journal entries: issue, grant, exercise, transfer, cancel, repurchase, convert, SAFE, note,
//! pool increase, split and reversal. Each form records one movement and returns the entry.

use chrono::NaiveDate;
use roundbook_ledger::{
    parse_split_ratio, Book, Compounding, ConvertibleTerms, DayCount, Entry, EntryId, LedgerError,
    Movement, Provenance, SafeTiming,
};
use rust_decimal::Decimal;
use serde::Deserialize;
use ts_rs::TS;

use roundbook_store::Reads;

use super::Form;
use crate::parse::*;
use crate::Result;

/// Records one movement as the user's own entry and hands back the entry as recorded.
fn record(
    book: &mut Book,
    date: NaiveDate,
    movement: Movement,
    memo: Option<String>,
) -> Result<Entry> {
    let id = book.record(date, movement, memo, Provenance::Recorded)?;
    entry(book, id)
}

/// What a one-entry form reads: the stakeholders it names, the entries it refers to.
fn naming(stakeholders: &[&str], entries: &[&str]) -> Reads {
    Reads {
        stakeholders: stakeholders.iter().map(|s| s.to_string()).collect(),
        entries: entries
            .iter()
            .filter_map(|e| entry_id("entry", e).ok())
            .collect(),
    }
}

fn entry(book: &Book, id: EntryId) -> Result<Entry> {
    Ok(book
        .entry(id)
        .cloned()
        .ok_or_else(|| LedgerError::unknown("entry", format!("no journal entry #{id}")))?)
}

/// Shares issued to a holder: `roundbook issue`, the Record view's "Issue shares".
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct IssueForm {
    pub holder: String,
    pub class: String,
    pub shares: String,
    pub date: String,
    /// Empty: no price stated (shares for services, a gift). Zero is a stated price of $0.
    pub price_per_share: String,
    pub memo: String,
}

impl IssueForm {
    /// The movement alone, for a batch that records many in one transaction.
    pub fn movement(&self, book: &Book) -> Result<(NaiveDate, Movement, Option<String>)> {
        let movement = Movement::StockIssuance {
            holder: stakeholder(book, "holder", &self.holder)?,
            class: class(book, "class", &self.class)?,
            shares: count("shares", &self.shares)?,
            price_per_share: optional_money(book, "price_per_share", &self.price_per_share)?,
            round: None,
        };
        Ok((date("date", &self.date)?, movement, memo(&self.memo)))
    }
}

impl Form for IssueForm {
    type Output = Entry;
    fn reads(&self) -> Option<Reads> {
        Some(naming(&[&self.holder], &[]))
    }
    fn apply(&self, book: &mut Book) -> Result<Entry> {
        let (day, movement, memo) = self.movement(book)?;
        record(book, day, movement, memo)
    }
}

/// Options granted from a plan: `roundbook grant`, "Grant options".
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct GrantForm {
    pub holder: String,
    pub plan: String,
    pub options: String,
    pub exercise_price: String,
    pub date: String,
    /// Empty: the grant does not expire in the book.
    pub expires: String,
    pub memo: String,
}

impl Form for GrantForm {
    type Output = Entry;
    fn reads(&self) -> Option<Reads> {
        Some(naming(&[&self.holder], &[]))
    }
    fn apply(&self, book: &mut Book) -> Result<Entry> {
        let movement = Movement::OptionGrant {
            holder: stakeholder(book, "holder", &self.holder)?,
            plan: plan(book, "plan", &self.plan)?,
            options: count("options", &self.options)?,
            exercise_price: money(book, "exercise_price", &self.exercise_price)?,
            expires: optional_date("expires", &self.expires)?,
        };
        record(book, date("date", &self.date)?, movement, memo(&self.memo))
    }
}

/// Options of a grant exercised for cash: `roundbook exercise`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct ExerciseForm {
    /// The grant's journal entry number.
    pub grant: String,
    pub options: String,
    pub date: String,
    pub memo: String,
}

impl Form for ExerciseForm {
    type Output = Entry;
    fn reads(&self) -> Option<Reads> {
        Some(naming(&[], &[&self.grant]))
    }
    fn apply(&self, book: &mut Book) -> Result<Entry> {
        let movement = Movement::Exercise {
            grant: entry_id("grant", &self.grant)?,
            options: count("options", &self.options)?,
        };
        record(book, date("date", &self.date)?, movement, memo(&self.memo))
    }
}

/// Shares moved from one holder to another: `roundbook transfer`, "Transfer shares".
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct TransferForm {
    pub from: String,
    pub to: String,
    pub class: String,
    pub shares: String,
    pub date: String,
    pub price_per_share: String,
    pub memo: String,
}

impl Form for TransferForm {
    type Output = Entry;
    fn reads(&self) -> Option<Reads> {
        Some(naming(&[&self.from, &self.to], &[]))
    }
    fn apply(&self, book: &mut Book) -> Result<Entry> {
        let movement = Movement::Transfer {
            from: stakeholder(book, "from", &self.from)?,
            to: stakeholder(book, "to", &self.to)?,
            class: class(book, "class", &self.class)?,
            shares: count("shares", &self.shares)?,
            price_per_share: optional_money(book, "price_per_share", &self.price_per_share)?,
        };
        record(book, date("date", &self.date)?, movement, memo(&self.memo))
    }
}

/// What a cancellation cancels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum CancelWhat {
    /// A holder's shares of a class (holder, class, shares).
    #[default]
    Shares,
    /// Options of a grant (grant, options).
    Options,
}

/// Shares or options cancelled: `roundbook cancel`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct CancelForm {
    pub what: CancelWhat,
    pub holder: String,
    pub class: String,
    pub shares: String,
    pub grant: String,
    pub options: String,
    pub date: String,
    pub memo: String,
}

impl Form for CancelForm {
    type Output = Entry;
    fn reads(&self) -> Option<Reads> {
        Some(naming(&[&self.holder], &[&self.grant]))
    }
    fn apply(&self, book: &mut Book) -> Result<Entry> {
        let movement = match self.what {
            CancelWhat::Options => Movement::OptionCancellation {
                grant: entry_id("grant", &self.grant)?,
                options: count("options", &self.options)?,
            },
            CancelWhat::Shares => Movement::StockCancellation {
                holder: stakeholder(book, "holder", &self.holder)?,
                class: class(book, "class", &self.class)?,
                shares: count("shares", &self.shares)?,
            },
        };
        record(book, date("date", &self.date)?, movement, memo(&self.memo))
    }
}

/// Shares bought back by the company: `roundbook repurchase`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct RepurchaseForm {
    pub holder: String,
    pub class: String,
    pub shares: String,
    pub price_per_share: String,
    pub date: String,
    pub memo: String,
}

impl Form for RepurchaseForm {
    type Output = Entry;
    fn reads(&self) -> Option<Reads> {
        Some(naming(&[&self.holder], &[]))
    }
    fn apply(&self, book: &mut Book) -> Result<Entry> {
        let movement = Movement::Repurchase {
            holder: stakeholder(book, "holder", &self.holder)?,
            class: class(book, "class", &self.class)?,
            shares: count("shares", &self.shares)?,
            price_per_share: money(book, "price_per_share", &self.price_per_share)?,
        };
        record(book, date("date", &self.date)?, movement, memo(&self.memo))
    }
}

/// What a conversion converts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ConvertWhat {
    /// A holder's shares from one class to another (preferred to common).
    #[default]
    Shares,
    /// A SAFE or note into shares of a class.
    Instrument,
}

/// A conversion: `roundbook convert`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct ConvertForm {
    pub what: ConvertWhat,
    pub to_class: String,
    /// The SAFE's or note's journal entry number.
    pub instrument: String,
    pub holder: String,
    pub from_class: String,
    pub shares: String,
    /// Shares received. For shares, empty means: by the conversion ratio in force that day,
    /// rounded by the book's conversion rule.
    pub resulting: String,
    pub date: String,
    pub memo: String,
}

impl Form for ConvertForm {
    type Output = Entry;
    fn apply(&self, book: &mut Book) -> Result<Entry> {
        let day = date("date", &self.date)?;
        let to_class = class(book, "to_class", &self.to_class)?;
        let movement = match self.what {
            ConvertWhat::Instrument => Movement::ConvertibleConversion {
                instrument: entry_id("instrument", &self.instrument)?,
                class: to_class,
                shares: count("resulting", &self.resulting)?,
            },
            ConvertWhat::Shares => {
                let from_class = class(book, "from_class", &self.from_class)?;
                let shares = count("shares", &self.shares)?;
                let resulting = match optional_count("resulting", &self.resulting)? {
                    Some(n) => n,
                    // The ratio in force on the conversion's date (anti-dilution may have moved it).
                    None => {
                        let ratio = book.conversion_ratio(from_class, day)?;
                        book.default_rounding()
                            .conversion
                            .apply(Decimal::from(shares) * ratio)?
                    }
                };
                Movement::StockConversion {
                    holder: stakeholder(book, "holder", &self.holder)?,
                    from_class,
                    shares,
                    to_class,
                    resulting_shares: resulting,
                }
            }
        };
        record(book, day, movement, memo(&self.memo))
    }
}

/// A SAFE: `roundbook safe`, "Record a SAFE". Y Combinator's post-money SAFE is the default.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(default)]
pub struct SafeForm {
    pub holder: String,
    /// The purchase amount.
    pub investment: String,
    pub date: String,
    pub valuation_cap: String,
    /// A fraction off the round's price: "0.20" for 20%.
    pub discount: String,
    pub timing: SafeTiming,
    pub mfn: bool,
    pub memo: String,
}

impl Default for SafeForm {
    fn default() -> Self {
        SafeForm {
            holder: String::new(),
            investment: String::new(),
            date: String::new(),
            valuation_cap: String::new(),
            discount: String::new(),
            timing: SafeTiming::PostMoney,
            mfn: false,
            memo: String::new(),
        }
    }
}

impl Form for SafeForm {
    type Output = Entry;
    fn reads(&self) -> Option<Reads> {
        Some(naming(&[&self.holder], &[]))
    }
    fn apply(&self, book: &mut Book) -> Result<Entry> {
        let movement = Movement::ConvertibleIssuance {
            holder: stakeholder(book, "holder", &self.holder)?,
            terms: ConvertibleTerms::Safe {
                investment: money(book, "investment", &self.investment)?,
                timing: self.timing,
                valuation_cap: optional_money(book, "valuation_cap", &self.valuation_cap)?,
                discount: optional_decimal("discount", &self.discount)?,
                mfn: self.mfn,
            },
        };
        record(book, date("date", &self.date)?, movement, memo(&self.memo))
    }
}

/// A convertible note: `roundbook note`.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(default)]
pub struct NoteForm {
    pub holder: String,
    pub principal: String,
    /// A yearly rate as a fraction: "0.05" for 5%.
    pub interest_rate: String,
    pub compounding: Compounding,
    pub day_count: DayCount,
    pub date: String,
    pub maturity: String,
    pub valuation_cap: String,
    pub discount: String,
    pub memo: String,
}

impl Default for NoteForm {
    fn default() -> Self {
        NoteForm {
            holder: String::new(),
            principal: String::new(),
            interest_rate: String::new(),
            compounding: Compounding::Simple,
            day_count: DayCount::Act365,
            date: String::new(),
            maturity: String::new(),
            valuation_cap: String::new(),
            discount: String::new(),
            memo: String::new(),
        }
    }
}

impl Form for NoteForm {
    type Output = Entry;
    fn reads(&self) -> Option<Reads> {
        Some(naming(&[&self.holder], &[]))
    }
    fn apply(&self, book: &mut Book) -> Result<Entry> {
        let movement = Movement::ConvertibleIssuance {
            holder: stakeholder(book, "holder", &self.holder)?,
            terms: ConvertibleTerms::Note {
                principal: money(book, "principal", &self.principal)?,
                interest_rate: decimal("interest_rate", &self.interest_rate)?,
                compounding: self.compounding,
                day_count: self.day_count,
                maturity: date("maturity", &self.maturity)?,
                valuation_cap: optional_money(book, "valuation_cap", &self.valuation_cap)?,
                discount: optional_decimal("discount", &self.discount)?,
            },
        };
        record(book, date("date", &self.date)?, movement, memo(&self.memo))
    }
}

/// More shares reserved in an equity plan: `roundbook pool increase`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct PoolIncreaseForm {
    pub plan: String,
    pub shares: String,
    pub date: String,
    pub memo: String,
}

impl Form for PoolIncreaseForm {
    type Output = Entry;
    fn reads(&self) -> Option<Reads> {
        Some(naming(&[], &[]))
    }
    fn apply(&self, book: &mut Book) -> Result<Entry> {
        let movement = Movement::PoolIncrease {
            plan: plan(book, "plan", &self.plan)?,
            shares: count("shares", &self.shares)?,
        };
        record(book, date("date", &self.date)?, movement, memo(&self.memo))
    }
}

/// A stock split of one class: `roundbook split`, "Stock split".
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct SplitForm {
    pub class: String,
    pub date: String,
    /// As a board resolution writes it: "2:1", "1:10", "3-for-2".
    pub ratio: String,
    pub memo: String,
}

impl Form for SplitForm {
    type Output = Entry;
    fn apply(&self, book: &mut Book) -> Result<Entry> {
        let day = date("date", &self.date)?;
        let class = class(book, "class", &self.class)?;
        let (numerator, denominator) = parse_split_ratio(required("ratio", &self.ratio)?)
            .map_err(|e| crate::Error::from(e).on_field("ratio"))?;
        let id = book.record_split(
            day,
            class,
            numerator,
            denominator,
            memo(&self.memo),
            Provenance::Recorded,
        )?;
        entry(book, id)
    }
}

/// A correction: the entry undone, with why. Nothing recorded is changed or deleted.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct ReversalForm {
    /// The journal entry number to reverse.
    pub entry: String,
    pub reason: String,
    /// Empty: the reversed entry's own date, "as if it never happened"; a later date is a
    /// rescission on that day.
    pub date: String,
}

impl Form for ReversalForm {
    type Output = Entry;
    fn apply(&self, book: &mut Book) -> Result<Entry> {
        let target = entry_id("entry", &self.entry)?;
        let reason = required("reason", &self.reason)?.to_string();
        let original = book
            .entry(target)
            .ok_or_else(|| LedgerError::unknown("entry", format!("no journal entry #{target}")))?;
        let day = optional_date("date", &self.date)?.unwrap_or(original.effective);
        let movement = Movement::Reversal {
            reverses: target,
            reason,
        };
        record(book, day, movement, None)
    }
}
