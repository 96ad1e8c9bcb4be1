//! The book: everything recorded for one company, and the rules for adding to it.
//!
//! Adding never changes what is there. Each `add_*`/`record` checks the new
//! item on its own (fields, references, dates); `check` then replays the whole
//! journal in effective-date order and refuses any history in which a holder,
//! a grant or a pool goes below zero or a class exceeds its authorised shares.
//! Callers write to storage only after `check` passes, so bad input changes nothing.
//!
//! The replay itself is `crate::timeline`'s, over the records the book lends it
//! (`Book::records`); the book runs it and words its violations. The book's split commands
//! and checks are in `splits`.

use rustc_hash::FxHashMap as HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::domain::*;
use crate::error::{LedgerError, Result};
use crate::head::{Head, Touched};
use crate::journal::{Entry, Movement};
use crate::money::Money;
use crate::rounding::RoundingPolicy;
use crate::timeline::{Ratios, Records, Timeline, Violation, ViolationKind};

mod splits;

#[derive(Debug, Clone)]
pub struct Book {
    pub company: Company,
    stakeholders: Vec<Stakeholder>,
    classes: Vec<ShareClass>,
    plans: Vec<EquityPlan>,
    rounds: Vec<FundingRound>,
    valuations: Vec<Valuation>,
    entries: Vec<Entry>,
    /// Every default rounding policy the book has had; the last one is in force.
    rounding_history: Vec<RoundingPolicy>,
    stakeholder_ix: HashMap<StakeholderId, usize>,
    /// ASCII-lowercased name -> id (names are unique case-insensitively, as in the store).
    stakeholder_names: HashMap<String, StakeholderId>,
    /// original entry -> the entry that reverses it
    reversed_by: HashMap<EntryId, EntryId>,
    /// The time stamped on entries recorded now. The caller reads the clock
    /// (see `set_clock`); the ledger itself never does.
    clock: DateTime<Utc>,
}

/// How much of each list existed at a point; what came after is what a command added.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mark {
    stakeholders: usize,
    classes: usize,
    plans: usize,
    rounds: usize,
    valuations: usize,
    entries: usize,
    rounding: usize,
}

/// Everything added since a `Mark`: what the store must write.
#[derive(Debug, Clone, Copy)]
pub struct Added<'a> {
    pub stakeholders: &'a [Stakeholder],
    pub classes: &'a [ShareClass],
    pub plans: &'a [EquityPlan],
    pub rounds: &'a [FundingRound],
    pub valuations: &'a [Valuation],
    pub entries: &'a [Entry],
    /// New default rounding policies, in the order set.
    pub rounding: &'a [RoundingPolicy],
}

impl Added<'_> {
    pub fn is_empty(&self) -> bool {
        self.stakeholders.is_empty()
            && self.classes.is_empty()
            && self.plans.is_empty()
            && self.rounds.is_empty()
            && self.valuations.is_empty()
            && self.entries.is_empty()
            && self.rounding.is_empty()
    }
}

pub struct NewStakeholder {
    pub name: String,
    pub kind: StakeholderKind,
    pub relationships: Vec<Relationship>,
    pub provenance: Provenance,
    pub note: Option<String>,
}

pub struct NewClass {
    pub name: String,
    pub kind: ClassKind,
    pub original_issue_price: Option<Money>,
    pub preference_multiple: Decimal,
    pub participation: Participation,
    pub seniority: i32,
    pub conversion_ratio: Decimal,
    pub anti_dilution: AntiDilution,
    pub authorized: Option<u64>,
    pub provenance: Provenance,
}

impl NewClass {
    /// The class a priced round creates: preferred, 1x non-participating, senior to every
    /// class in the book, its original issue price the round's price (no preference until
    /// the price is known).
    pub fn for_round(
        book: &Book,
        name: &str,
        price: Option<Money>,
        authorized: Option<u64>,
    ) -> NewClass {
        NewClass {
            name: name.to_string(),
            kind: ClassKind::Preferred,
            original_issue_price: price,
            preference_multiple: if price.is_some() {
                Decimal::ONE
            } else {
                Decimal::ZERO
            },
            participation: Participation::None,
            seniority: book
                .classes()
                .iter()
                .map(|c| c.seniority)
                .max()
                .unwrap_or(0)
                + 1,
            conversion_ratio: Decimal::ONE,
            anti_dilution: AntiDilution::None,
            authorized,
            provenance: Provenance::Recorded,
        }
    }

    /// Plain common stock: no preference, converts 1:1, lowest seniority.
    pub fn common(name: &str, authorized: Option<u64>) -> NewClass {
        NewClass {
            name: name.to_string(),
            kind: ClassKind::Common,
            original_issue_price: None,
            preference_multiple: Decimal::ZERO,
            participation: Participation::None,
            seniority: 0,
            conversion_ratio: Decimal::ONE,
            anti_dilution: AntiDilution::None,
            authorized,
            provenance: Provenance::Recorded,
        }
    }
}

pub struct NewPlan {
    pub name: String,
    pub class: ClassId,
    pub adopted: NaiveDate,
    pub reserved: u64,
    pub provenance: Provenance,
}

pub struct NewValuation {
    pub kind: ValuationKind,
    pub effective: NaiveDate,
    pub class: ClassId,
    pub price_per_share: Money,
    pub company_value: Option<Money>,
    pub provider: Option<String>,
    pub round: Option<RoundId>,
    pub provenance: Provenance,
}

impl Book {
    pub fn new(company: Company) -> Result<Book> {
        if company.name.trim().is_empty() {
            return Err(LedgerError::invalid("name", "the company needs a name"));
        }
        Ok(Book::from_parts(
            company,
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
            vec![],
        ))
    }

    /// Rebuilds a book from stored parts (already validated when they were written).
    pub fn from_parts(
        company: Company,
        stakeholders: Vec<Stakeholder>,
        classes: Vec<ShareClass>,
        plans: Vec<EquityPlan>,
        rounds: Vec<FundingRound>,
        valuations: Vec<Valuation>,
        entries: Vec<Entry>,
    ) -> Book {
        let stakeholder_ix = stakeholders
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id, i))
            .collect();
        let stakeholder_names = stakeholders
            .iter()
            .map(|s| (s.name.to_ascii_lowercase(), s.id))
            .collect();
        let reversed_by = entries
            .iter()
            .filter_map(|e| match e.movement {
                Movement::Reversal { reverses, .. } => Some((reverses, e.id)),
                _ => None,
            })
            .collect();
        Book {
            company,
            stakeholders,
            classes,
            plans,
            rounds,
            valuations,
            entries,
            rounding_history: vec![],
            stakeholder_ix,
            stakeholder_names,
            reversed_by,
            clock: DateTime::UNIX_EPOCH,
        }
    }

    /// Restores the stored history of the book's default rounding policy.
    pub fn with_rounding_history(mut self, history: Vec<RoundingPolicy>) -> Book {
        self.rounding_history = history;
        self
    }

    /// The rounding policy the book uses when a command names none: the last one set,
    /// or `RoundingPolicy::default()` (see docs/rounding.md).
    pub fn default_rounding(&self) -> RoundingPolicy {
        self.rounding_history.last().cloned().unwrap_or_default()
    }

    /// Sets the book's default rounding policy from now on. Rounds already recorded keep the
    /// policy they were priced with.
    pub fn set_default_rounding(&mut self, policy: RoundingPolicy) -> Result<()> {
        policy.validate()?;
        self.rounding_history.push(policy);
        Ok(())
    }

    /// Sets the time stamped as `recorded_at` on entries recorded from now on.
    pub fn set_clock(&mut self, now: DateTime<Utc>) {
        self.clock = now;
    }

    // ---- reading -------------------------------------------------------

    pub fn stakeholders(&self) -> &[Stakeholder] {
        &self.stakeholders
    }
    pub fn classes(&self) -> &[ShareClass] {
        &self.classes
    }
    pub fn plans(&self) -> &[EquityPlan] {
        &self.plans
    }
    pub fn rounds(&self) -> &[FundingRound] {
        &self.rounds
    }
    pub fn valuations(&self) -> &[Valuation] {
        &self.valuations
    }
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn stakeholder(&self, id: StakeholderId) -> Option<&Stakeholder> {
        self.stakeholder_ix.get(&id).map(|&i| &self.stakeholders[i])
    }
    pub fn class(&self, id: ClassId) -> Option<&ShareClass> {
        self.records().class(id)
    }
    pub fn plan(&self, id: PlanId) -> Option<&EquityPlan> {
        self.plans.iter().find(|p| p.id == id)
    }
    pub fn round(&self, id: RoundId) -> Option<&FundingRound> {
        self.rounds.iter().find(|r| r.id == id)
    }
    pub fn entry(&self, id: EntryId) -> Option<&Entry> {
        self.records().entry(id)
    }
    /// The reversal that undid an entry, if one did.
    pub fn reversal_of(&self, id: EntryId) -> Option<EntryId> {
        self.records().reversal_of(id)
    }
    /// What a replay of the journal reads from the book.
    pub(crate) fn records(&self) -> Records<'_> {
        Records {
            classes: &self.classes,
            plans: &self.plans,
            entries: &self.entries,
            reversed_by: &self.reversed_by,
        }
    }

    /// The conversion ratio (common shares per share) of a class in force on `as_of`: its
    /// `conversion_ratio` as created, or the last `ConversionRatioAdjustment` effective on or
    /// before `as_of` that is not reversed by then.
    pub fn conversion_ratio(&self, class: ClassId, as_of: NaiveDate) -> Result<Decimal> {
        self.need_class("class", class)?;
        Ok(self.ratios_at(as_of).ratio(self.records(), class))
    }

    /// Every class's conversion ratio in force on `as_of`, in the book's class order: one pass
    /// over the journal for all of them.
    pub fn conversion_ratios(&self, as_of: NaiveDate) -> Vec<(ClassId, Decimal)> {
        let ratios = self.ratios_at(as_of);
        self.classes
            .iter()
            .map(|c| (c.id, ratios.ratio(self.records(), c.id)))
            .collect()
    }

    fn ratios_at(&self, as_of: NaiveDate) -> Ratios {
        let mut ratios = Ratios::default();
        for e in self.in_effective_order(Some(as_of)).filter(|e| {
            matches!(
                e.movement,
                Movement::ConversionRatioAdjustment { .. }
                    | Movement::StockSplit { .. }
                    | Movement::Reversal { .. }
            )
        }) {
            ratios.apply(self.records(), e);
        }
        ratios
    }

    /// Finds a stakeholder by exact name (case-insensitive) or by `#id`.
    pub fn find_stakeholder(&self, field: &'static str, key: &str) -> Result<StakeholderId> {
        let by_name = self
            .stakeholder_names
            .get(&key.trim().to_ascii_lowercase())
            .copied();
        if let Some(id) = parse_hash_id(key) {
            if self.stakeholder_ix.contains_key(&StakeholderId(id)) {
                return match by_name {
                    Some(other) if other != StakeholderId(id) => {
                        Err(ambiguous(field, key, other.0))
                    }
                    _ => Ok(StakeholderId(id)),
                };
            }
        }
        by_name.ok_or_else(|| not_found(field, "stakeholder", key, "stakeholder list"))
    }

    pub fn find_class(&self, field: &'static str, key: &str) -> Result<ClassId> {
        find_named(field, &self.classes, key, |c| (c.id.0, &c.name))?
            .map(|c| c.id)
            .ok_or_else(|| not_found(field, "share class", key, "class list"))
    }

    pub fn find_plan(&self, field: &'static str, key: &str) -> Result<PlanId> {
        find_named(field, &self.plans, key, |p| (p.id.0, &p.name))?
            .map(|p| p.id)
            .ok_or_else(|| not_found(field, "equity plan", key, "plan list"))
    }

    pub fn find_round(&self, field: &'static str, key: &str) -> Result<RoundId> {
        find_named(field, &self.rounds, key, |r| (r.id.0, &r.name))?
            .map(|r| r.id)
            .ok_or_else(|| not_found(field, "round", key, "round list"))
    }

    pub fn stakeholder_name(&self, id: StakeholderId) -> &str {
        self.stakeholder(id).map_or("?", |s| s.name.as_str())
    }
    pub fn class_name(&self, id: ClassId) -> &str {
        self.class(id).map_or("?", |c| c.name.as_str())
    }
    pub fn plan_name(&self, id: PlanId) -> &str {
        self.plan(id).map_or("?", |p| p.name.as_str())
    }

    // ---- adding ----------------------------------------------------------

    pub fn mark(&self) -> Mark {
        Mark {
            stakeholders: self.stakeholders.len(),
            classes: self.classes.len(),
            plans: self.plans.len(),
            rounds: self.rounds.len(),
            valuations: self.valuations.len(),
            entries: self.entries.len(),
            rounding: self.rounding_history.len(),
        }
    }

    pub fn added_since(&self, m: Mark) -> Added<'_> {
        Added {
            stakeholders: &self.stakeholders[m.stakeholders..],
            classes: &self.classes[m.classes..],
            plans: &self.plans[m.plans..],
            rounds: &self.rounds[m.rounds..],
            valuations: &self.valuations[m.valuations..],
            entries: &self.entries[m.entries..],
            rounding: &self.rounding_history[m.rounding..],
        }
    }

    pub fn add_stakeholder(&mut self, new: NewStakeholder) -> Result<StakeholderId> {
        let name = clean_name("name", &new.name)?;
        if self
            .stakeholder_names
            .contains_key(&name.to_ascii_lowercase())
        {
            return Err(LedgerError::conflict(
                "name",
                format!("a stakeholder named '{name}' already exists"),
            ));
        }
        let id = StakeholderId(self.stakeholders.last().map_or(1, |s| s.id.0 + 1));
        let mut relationships = new.relationships;
        relationships.sort();
        relationships.dedup();
        self.stakeholder_ix.insert(id, self.stakeholders.len());
        self.stakeholder_names.insert(name.to_ascii_lowercase(), id);
        self.stakeholders.push(Stakeholder {
            id,
            name,
            kind: new.kind,
            relationships,
            provenance: new.provenance,
            note: new.note,
        });
        Ok(id)
    }

    pub fn add_class(&mut self, new: NewClass) -> Result<ClassId> {
        let name = clean_name("name", &new.name)?;
        if self
            .classes
            .iter()
            .any(|c| c.name.eq_ignore_ascii_case(&name))
        {
            return Err(LedgerError::conflict(
                "name",
                format!("a share class named '{name}' already exists"),
            ));
        }
        if let Some(oip) = &new.original_issue_price {
            self.check_currency("original_issue_price", oip)?;
            if !oip.is_positive() {
                return Err(LedgerError::invalid(
                    "original_issue_price",
                    "must be greater than zero",
                ));
            }
        }
        if new.preference_multiple < Decimal::ZERO {
            return Err(LedgerError::invalid(
                "preference_multiple",
                "cannot be negative",
            ));
        }
        if new.kind == ClassKind::Common && !new.preference_multiple.is_zero() {
            return Err(LedgerError::invalid(
                "preference_multiple",
                "common stock has no liquidation preference",
            ));
        }
        if new.kind == ClassKind::Preferred
            && new.original_issue_price.is_none()
            && !new.preference_multiple.is_zero()
        {
            return Err(LedgerError::invalid(
                "original_issue_price",
                "a preferred class with a preference needs its original issue price",
            ));
        }
        if let Participation::Capped { cap_multiple } = new.participation {
            if cap_multiple <= new.preference_multiple {
                return Err(LedgerError::invalid(
                    "participation_cap",
                    "the cap multiple must exceed the preference multiple",
                ));
            }
        }
        if new.conversion_ratio <= Decimal::ZERO {
            return Err(LedgerError::invalid(
                "conversion_ratio",
                "must be greater than zero",
            ));
        }
        if let Some(n) = new.authorized {
            // Zero, or past the book's bound (which the file's 64-bit integers also hold).
            positive("authorized", n)?;
        }
        let id = ClassId(self.classes.last().map_or(1, |c| c.id.0 + 1));
        self.classes.push(ShareClass {
            id,
            name,
            kind: new.kind,
            original_issue_price: new.original_issue_price,
            preference_multiple: new.preference_multiple,
            participation: new.participation,
            seniority: new.seniority,
            conversion_ratio: new.conversion_ratio,
            anti_dilution: new.anti_dilution,
            authorized: new.authorized,
            provenance: new.provenance,
        });
        Ok(id)
    }

    /// Adopts an equity plan; its initial reserve is recorded as a pool increase on the adoption date.
    pub fn add_plan(&mut self, new: NewPlan) -> Result<PlanId> {
        let name = clean_name("name", &new.name)?;
        if new.reserved > 0 {
            // Named as the form names it, before the pool increase it becomes.
            positive("reserved", new.reserved)?;
        }
        if self
            .plans
            .iter()
            .any(|p| p.name.eq_ignore_ascii_case(&name))
        {
            return Err(LedgerError::conflict(
                "name",
                format!("an equity plan named '{name}' already exists"),
            ));
        }
        self.class(new.class)
            .ok_or_else(|| LedgerError::unknown("class", "no such share class"))?;
        self.check_date("date", new.adopted)?;
        let id = PlanId(self.plans.last().map_or(1, |p| p.id.0 + 1));
        self.plans.push(EquityPlan {
            id,
            name,
            class: new.class,
            adopted: new.adopted,
            provenance: new.provenance,
        });
        if new.reserved > 0 {
            self.record(
                new.adopted,
                Movement::PoolIncrease {
                    plan: id,
                    shares: new.reserved,
                },
                None,
                new.provenance,
            )?;
        }
        Ok(id)
    }

    pub fn add_valuation(&mut self, new: NewValuation) -> Result<ValuationId> {
        self.check_date("date", new.effective)?;
        self.class(new.class)
            .ok_or_else(|| LedgerError::unknown("class", "no such share class"))?;
        self.check_currency("price_per_share", &new.price_per_share)?;
        if !new.price_per_share.is_positive() {
            return Err(LedgerError::invalid(
                "price_per_share",
                "must be greater than zero",
            ));
        }
        if let Some(v) = &new.company_value {
            self.check_currency("company_value", v)?;
            if !v.is_positive() {
                return Err(LedgerError::invalid(
                    "company_value",
                    "must be greater than zero",
                ));
            }
        }
        let id = ValuationId(self.valuations.last().map_or(1, |v| v.id.0 + 1));
        self.valuations.push(Valuation {
            id,
            kind: new.kind,
            effective: new.effective,
            class: new.class,
            price_per_share: new.price_per_share,
            company_value: new.company_value,
            provider: new.provider,
            round: new.round,
            provenance: new.provenance,
        });
        Ok(id)
    }

    pub(crate) fn push_round(&mut self, round: FundingRound) {
        self.rounds.push(round);
    }

    pub(crate) fn next_round_id(&self) -> RoundId {
        RoundId(self.rounds.last().map_or(1, |r| r.id.0 + 1))
    }

    /// Adds one journal entry after checking it on its own. The history as a
    /// whole is checked by `check`.
    pub fn record(
        &mut self,
        effective: NaiveDate,
        movement: Movement,
        memo: Option<String>,
        provenance: Provenance,
    ) -> Result<EntryId> {
        self.record_at(effective, movement, memo, provenance, self.clock)
    }

    pub fn record_at(
        &mut self,
        effective: NaiveDate,
        movement: Movement,
        memo: Option<String>,
        provenance: Provenance,
        recorded_at: DateTime<Utc>,
    ) -> Result<EntryId> {
        self.check_date("date", effective)?;
        if let Some(m) = &memo {
            free_text("memo", m)?;
        }
        if let Movement::Reversal { reason, .. }
        | Movement::ConversionRatioAdjustment { reason, .. } = &movement
        {
            free_text("reason", reason)?;
        }
        self.check_movement(effective, &movement)?;
        let id = EntryId(self.entries.last().map_or(1, |e| e.id.0 + 1));
        if let Movement::Reversal { reverses, .. } = movement {
            self.reversed_by.insert(reverses, id);
        }
        self.entries.push(Entry {
            id,
            effective,
            recorded_at,
            movement,
            memo,
            provenance,
        });
        Ok(id)
    }

    fn check_movement(&self, effective: NaiveDate, m: &Movement) -> Result<()> {
        match m {
            Movement::StockIssuance {
                holder,
                class,
                shares,
                price_per_share,
                round,
            } => {
                self.need_stakeholder("holder", *holder)?;
                self.need_class("class", *class)?;
                positive("shares", *shares)?;
                if let Some(p) = price_per_share {
                    self.check_currency("price_per_share", p)?;
                    not_negative("price_per_share", p)?;
                }
                if let Some(r) = round {
                    self.round(*r)
                        .ok_or_else(|| LedgerError::unknown("round", format!("no round #{r}")))?;
                }
            }
            Movement::OptionGrant {
                holder,
                plan,
                options,
                exercise_price,
                expires,
            } => {
                self.need_stakeholder("holder", *holder)?;
                let p = self
                    .plan(*plan)
                    .ok_or_else(|| LedgerError::unknown("plan", format!("no plan #{plan}")))?;
                positive("options", *options)?;
                self.check_currency("exercise_price", exercise_price)?;
                not_negative("exercise_price", exercise_price)?;
                if effective < p.adopted {
                    return Err(LedgerError::invalid(
                        "date",
                        format!(
                            "{effective} is before the plan '{}' was adopted ({})",
                            p.name, p.adopted
                        ),
                    ));
                }
                if let Some(x) = expires {
                    if *x <= effective {
                        return Err(LedgerError::invalid(
                            "expires",
                            "the grant must expire after it is granted",
                        ));
                    }
                }
            }
            Movement::Exercise { grant, options } => {
                positive("options", *options)?;
                let g = self.need_entry("grant", *grant)?;
                let Movement::OptionGrant { expires, .. } = g.movement else {
                    return Err(LedgerError::invalid(
                        "grant",
                        format!("entry #{grant} is not an option grant"),
                    ));
                };
                after("date", effective, g, "the grant")?;
                if let Some(x) = expires.filter(|x| effective > *x) {
                    return Err(LedgerError::invalid(
                        "date",
                        format!(
                            "grant #{grant} could be exercised until {x}; its options lapsed after that day"
                        ),
                    ));
                }
            }
            Movement::Transfer {
                from,
                to,
                class,
                shares,
                price_per_share,
            } => {
                self.need_stakeholder("from", *from)?;
                self.need_stakeholder("to", *to)?;
                self.need_class("class", *class)?;
                positive("shares", *shares)?;
                if from == to {
                    return Err(LedgerError::invalid(
                        "to",
                        "a holder cannot transfer shares to themself",
                    ));
                }
                if let Some(p) = price_per_share {
                    self.check_currency("price_per_share", p)?;
                    not_negative("price_per_share", p)?;
                }
            }
            Movement::StockCancellation {
                holder,
                class,
                shares,
            } => {
                self.need_stakeholder("holder", *holder)?;
                self.need_class("class", *class)?;
                positive("shares", *shares)?;
            }
            Movement::OptionCancellation { grant, options } => {
                positive("options", *options)?;
                let g = self.need_entry("grant", *grant)?;
                if !matches!(g.movement, Movement::OptionGrant { .. }) {
                    return Err(LedgerError::invalid(
                        "grant",
                        format!("entry #{grant} is not an option grant"),
                    ));
                }
                after("date", effective, g, "the grant")?;
            }
            Movement::Repurchase {
                holder,
                class,
                shares,
                price_per_share,
            } => {
                self.need_stakeholder("holder", *holder)?;
                self.need_class("class", *class)?;
                positive("shares", *shares)?;
                self.check_currency("price_per_share", price_per_share)?;
                not_negative("price_per_share", price_per_share)?;
            }
            Movement::PoolIncrease { plan, shares } => {
                let p = self
                    .plan(*plan)
                    .ok_or_else(|| LedgerError::unknown("plan", format!("no plan #{plan}")))?;
                positive("shares", *shares)?;
                if effective < p.adopted {
                    return Err(LedgerError::invalid(
                        "date",
                        format!("{effective} is before the plan was adopted"),
                    ));
                }
            }
            Movement::StockConversion {
                holder,
                from_class,
                shares,
                to_class,
                resulting_shares,
            } => {
                self.need_stakeholder("holder", *holder)?;
                self.need_class("from_class", *from_class)?;
                self.need_class("to_class", *to_class)?;
                positive("shares", *shares)?;
                positive("resulting_shares", *resulting_shares)?;
                if from_class == to_class {
                    return Err(LedgerError::invalid(
                        "to_class",
                        "a conversion must change the class",
                    ));
                }
            }
            Movement::ConvertibleIssuance { holder, terms } => {
                self.need_stakeholder("holder", *holder)?;
                self.check_terms(effective, terms)?;
            }
            Movement::ConvertibleConversion {
                instrument,
                class,
                shares,
            } => {
                positive("shares", *shares)?;
                self.need_class("class", *class)?;
                let i = self.need_entry("instrument", *instrument)?;
                if !matches!(i.movement, Movement::ConvertibleIssuance { .. }) {
                    return Err(LedgerError::invalid(
                        "instrument",
                        format!("entry #{instrument} is not a SAFE or note"),
                    ));
                }
                after("date", effective, i, "the instrument's issue")?;
            }
            Movement::ConversionRatioAdjustment {
                class,
                new_ratio,
                reason,
            } => {
                self.need_class("class", *class)?;
                if *new_ratio <= Decimal::ZERO {
                    return Err(LedgerError::invalid(
                        "new_ratio",
                        "must be greater than zero",
                    ));
                }
                if reason.trim().is_empty() {
                    return Err(LedgerError::invalid(
                        "reason",
                        "a conversion ratio adjustment needs a reason (the anti-dilution clause, the round)",
                    ));
                }
            }
            Movement::StockSplit {
                class,
                numerator,
                denominator,
                converting_classes,
                rounding,
            } => {
                rounding.validate()?;
                self.check_split(
                    effective,
                    *class,
                    *numerator,
                    *denominator,
                    converting_classes,
                )?;
            }
            Movement::AuthorizedSharesAdjustment { class, authorized } => {
                self.need_class("class", *class)?;
                positive("authorized", *authorized)?;
            }
            Movement::Reversal { reverses, reason } => {
                if reason.trim().is_empty() {
                    return Err(LedgerError::invalid("reason", "a reversal needs a reason"));
                }
                let target = self.need_entry("entry", *reverses)?;
                if matches!(target.movement, Movement::Reversal { .. }) {
                    return Err(LedgerError::invalid(
                        "entry",
                        format!("entry #{reverses} is itself a reversal; record the original movement again instead"),
                    ));
                }
                if let Some(by) = self.reversal_of(*reverses) {
                    return Err(LedgerError::conflict(
                        "entry",
                        format!("entry #{reverses} was already reversed by entry #{by}"),
                    ));
                }
                after("date", effective, target, "the entry it reverses")?;
                self.check_reversal_across_splits(effective, target)?;
            }
        }
        Ok(())
    }

    fn check_terms(&self, effective: NaiveDate, terms: &ConvertibleTerms) -> Result<()> {
        let (amount_field, amount, cap, discount) = match terms {
            ConvertibleTerms::Safe {
                investment,
                valuation_cap,
                discount,
                ..
            } => ("investment", investment, valuation_cap, discount),
            ConvertibleTerms::Note {
                principal,
                interest_rate,
                maturity,
                valuation_cap,
                discount,
                ..
            } => {
                if *interest_rate < Decimal::ZERO {
                    return Err(LedgerError::invalid("interest_rate", "cannot be negative"));
                }
                if *maturity <= effective {
                    return Err(LedgerError::invalid(
                        "maturity",
                        "a note must mature after it is issued",
                    ));
                }
                ("principal", principal, valuation_cap, discount)
            }
        };
        self.check_currency(amount_field, amount)?;
        if !amount.is_positive() {
            return Err(LedgerError::invalid(
                amount_field,
                "must be greater than zero",
            ));
        }
        if let Some(c) = cap {
            self.check_currency("valuation_cap", c)?;
            if !c.is_positive() {
                return Err(LedgerError::invalid(
                    "valuation_cap",
                    "must be greater than zero",
                ));
            }
        }
        if let Some(d) = discount {
            if *d < Decimal::ZERO || *d >= Decimal::ONE {
                return Err(LedgerError::invalid(
                    "discount",
                    format!("{d} is outside [0, 1) (write 0.20 for 20%)"),
                ));
            }
        }
        Ok(())
    }

    pub fn check_currency(&self, field: &'static str, m: &Money) -> Result<()> {
        if m.currency != self.company.currency {
            return Err(LedgerError::invalid(
                field,
                format!(
                    "the book keeps {}; this amount is in {}",
                    self.company.currency, m.currency
                ),
            ));
        }
        Ok(())
    }

    pub fn check_date(&self, field: &'static str, date: NaiveDate) -> Result<()> {
        if date < self.company.founded {
            return Err(LedgerError::invalid(
                field,
                format!(
                    "{date} is before {} was founded ({})",
                    self.company.name, self.company.founded
                ),
            ));
        }
        Ok(())
    }

    fn need_stakeholder(&self, field: &'static str, id: StakeholderId) -> Result<()> {
        self.stakeholder(id)
            .map(|_| ())
            .ok_or_else(|| LedgerError::unknown(field, format!("no stakeholder #{id}")))
    }
    fn need_class(&self, field: &'static str, id: ClassId) -> Result<()> {
        self.class(id)
            .map(|_| ())
            .ok_or_else(|| LedgerError::unknown(field, format!("no share class #{id}")))
    }
    fn need_entry(&self, field: &'static str, id: EntryId) -> Result<&Entry> {
        self.entry(id)
            .ok_or_else(|| LedgerError::unknown(field, format!("no journal entry #{id}")))
    }

    // ---- the history as a whole -----------------------------------------

    /// Replays every entry in effective order and refuses a history that breaks an invariant.
    /// Entries added since `since` are the ones blamed when an older entry can no longer stand.
    pub fn check(&self, since: Mark) -> Result<()> {
        self.check_entries(since).map_err(|(_, e)| e)
    }

    /// As `check`, also naming the entry added since `since` that is at fault, when
    /// the violation is at one of them (a batch maps it back to its input line).
    pub fn check_entries(
        &self,
        since: Mark,
    ) -> std::result::Result<(), (Option<EntryId>, LedgerError)> {
        self.replay_all(since).map(|_| ())
    }

    /// As `check`, handing back the replay's head (crate::head): what `check_appended` checks
    /// the next entries against.
    pub fn check_head(&self, since: Mark) -> Result<Head> {
        let t = self.replay_all(since).map_err(|(_, e)| e)?;
        Ok(t.head(self.entries.iter().map(|e| e.effective).max()))
    }

    fn replay_all(
        &self,
        since: Mark,
    ) -> std::result::Result<Timeline<'_>, (Option<EntryId>, LedgerError)> {
        let mut t = Timeline::new(self.records());
        for e in self.in_effective_order(None) {
            if let Err(v) = t.apply(e) {
                let new = self.entries[since.entries..].iter().any(|n| n.id == e.id);
                return Err((new.then_some(e.id), self.blame(e, v, since)));
            }
        }
        Ok(t)
    }

    /// The head accounts the entries added since `since` move: what a store loads into the slice
    /// it hands `check_appended`. The referenced grants and instruments must be in the book.
    pub fn accounts_touched(&self, since: Mark) -> Touched {
        let t = Timeline::new(self.records());
        let mut touched = Touched::default();
        for e in &self.entries[since.entries..] {
            t.touches(e, &mut touched);
            touched.lapse_before = touched.lapse_before.max(Some(e.effective));
        }
        touched
    }

    /// Checks the entries added since `since` against `head`, a slice of the replay's head
    /// holding every account `accounts_touched` names, every plan and every class: the slice
    /// as they leave it, or None when only a full replay (`check`) can decide. See crate::head.
    pub fn check_appended(&self, since: Mark, head: &Head) -> Option<Head> {
        let added = self.added_since(since);
        let only_entries = added.stakeholders.is_empty()
            && added.classes.is_empty()
            && added.plans.is_empty()
            && added.rounds.is_empty()
            && added.valuations.is_empty();
        if !only_entries {
            return None;
        }
        let mut t = Timeline::resume(self.records(), head);
        let mut last = head.last_effective;
        for e in added.entries {
            let local = !matches!(
                e.movement,
                Movement::StockSplit { .. }
                    | Movement::ConversionRatioAdjustment { .. }
                    | Movement::AuthorizedSharesAdjustment { .. }
                    | Movement::Reversal { .. }
            );
            if !local || last.is_some_and(|d| e.effective < d) {
                return None;
            }
            t.apply(e).ok()?;
            last = Some(e.effective);
        }
        Some(t.head(last))
    }

    /// Entries effective on or before `as_of` (all when None), by date then by the order recorded.
    pub(crate) fn in_effective_order(
        &self,
        as_of: Option<NaiveDate>,
    ) -> impl Iterator<Item = &Entry> {
        let mut order: Vec<&Entry> = match as_of {
            Some(d) => self.entries.iter().filter(|e| e.effective <= d).collect(),
            None => self.entries.iter().collect(),
        };
        // Ids grow in recording order, so a stable sort by date keeps recording order within a day.
        order.sort_by_key(|e| e.effective);
        order.into_iter()
    }

    fn blame(&self, at: &Entry, v: Violation, since: Mark) -> LedgerError {
        let is_new = self.entries[since.entries..].iter().any(|e| e.id == at.id);
        let what = self.describe_violation(&v);
        if is_new {
            let field = match &at.movement {
                Movement::Reversal { .. } => "entry",
                _ => v.field,
            };
            let text = format!(
                "{} on {}: {what}",
                describe_kind(&at.movement),
                at.effective
            );
            LedgerError::conflict(field, text)
        } else {
            // The new entry is at fault: a reversal by the entry it names, anything else by its date.
            let new_reversal = self.entries[since.entries..]
                .iter()
                .any(|e| matches!(e.movement, Movement::Reversal { .. }));
            LedgerError::conflict(
                if new_reversal { "entry" } else { "date" },
                format!(
                    "this would make the later entry #{} ({} on {}) impossible: {what}",
                    at.id,
                    describe_kind(&at.movement),
                    at.effective
                ),
            )
        }
    }

    /// The positions after every entry effective on or before `as_of` (expired options lapsed),
    /// calling `visit` with the positions just before each entry is applied. The journal was
    /// checked when written, so a violation here means the stored journal is damaged.
    pub(crate) fn replay_to(
        &self,
        as_of: NaiveDate,
        mut visit: impl FnMut(&Timeline<'_>, &Entry),
    ) -> Result<Timeline<'_>> {
        let mut t = Timeline::new(self.records());
        for e in self.in_effective_order(Some(as_of)) {
            visit(&t, e);
            t.apply(e).map_err(|v| {
                LedgerError::conflict(
                    "journal",
                    format!(
                        "the stored journal breaks an invariant at entry #{}: {}",
                        e.id,
                        self.describe_violation(&v)
                    ),
                )
            })?;
        }
        t.lapse_before(as_of);
        Ok(t)
    }

    /// A violation of the journal's invariants in words, naming the holder, class or plan.
    pub(crate) fn describe_violation(&self, v: &Violation) -> String {
        match &v.kind {
            ViolationKind::Held { holder, class, before, change } => format!(
                "{} holds {} shares of {} then, and this needs {}",
                self.stakeholder_name(*holder),
                before,
                self.class_name(*class),
                -change
            ),
            ViolationKind::Grant { grant, before, change } => {
                format!("grant #{grant} has {before} options outstanding then, and this needs {}", -change)
            }
            ViolationKind::Available { plan, available, change } => format!(
                "plan '{}' has {} options available then, and this needs {}",
                self.plan_name(*plan),
                available,
                -change
            ),
            ViolationKind::Authorized { class, claimed, authorized } => format!(
                "{} would have {claimed} shares outstanding or reserved, more than the {authorized} authorised",
                self.class_name(*class)
            ),
            ViolationKind::Convertible { instrument, state } => {
                if *state < 0 {
                    format!("instrument #{instrument} is not outstanding then (converted or reversed)")
                } else {
                    format!("instrument #{instrument} would be outstanding twice")
                }
            }
            ViolationKind::TooLarge => "a share count grows beyond what a book can hold".to_string(),
        }
    }
}

fn describe_kind(m: &Movement) -> String {
    m.kind().replace('-', " ")
}

/// The item a user named, by its name (any case) or by `#id`. A book made before names like
/// `#1` were refused may hold one: when `#1` is both an id and another item's name, the user is
/// asked which.
fn find_named<'a, T>(
    field: &'static str,
    items: &'a [T],
    key: &str,
    id_name: impl Fn(&T) -> (i64, &str),
) -> Result<Option<&'a T>> {
    let by_id = parse_hash_id(key).and_then(|n| items.iter().find(|i| id_name(i).0 == n));
    let by_name = items
        .iter()
        .find(|i| id_name(i).1.eq_ignore_ascii_case(key.trim()));
    match (by_id, by_name) {
        (Some(a), Some(b)) if id_name(a).0 != id_name(b).0 => {
            Err(ambiguous(field, key, id_name(b).0))
        }
        (Some(a), _) => Ok(Some(a)),
        (None, b) => Ok(b),
    }
}

fn ambiguous(field: &'static str, key: &str, named: i64) -> LedgerError {
    LedgerError::conflict(
        field,
        format!(
            "'{}' is both an id and the name of #{named}: write #{named} for that one",
            key.trim()
        ),
    )
}

fn not_found(field: &'static str, what: &str, key: &str, list: &str) -> LedgerError {
    LedgerError::unknown(field, format!("no {what} named '{key}' (see `{list}`)"))
}

pub(crate) fn parse_hash_id(key: &str) -> Option<i64> {
    key.trim().strip_prefix('#').and_then(|n| n.parse().ok())
}

fn clean_name(field: &'static str, name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(LedgerError::invalid(field, "cannot be empty"));
    }
    if parse_hash_id(name).is_some() {
        // `#1` is how a user writes an id everywhere a name is asked for.
        return Err(LedgerError::invalid(
            field,
            format!("'{name}' reads as an id (#1 names item 1): choose another name"),
        ));
    }
    if name.len() > 200 {
        return Err(LedgerError::invalid(field, "is longer than 200 characters"));
    }
    if name.chars().any(char::is_control) {
        return Err(LedgerError::invalid(field, "contains a control character"));
    }
    // Two names that look the same must be the same name: no character that is invisible or
    // that reorders how the text around it is shown.
    if let Some(c) = name.chars().find(|&c| invisible(c) || bidi_control(c)) {
        return Err(LedgerError::invalid(
            field,
            format!(
                "contains U+{:04X}, an invisible or text-direction character",
                u32::from(c)
            ),
        ));
    }
    Ok(name.to_string())
}

/// Zero-width spaces, joiners and marks, the word joiner and the byte-order mark.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// The embeddings, overrides and isolates that reorder displayed text ("Trojan Source").
fn bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A memo or a reason: free text on any number of lines, at most 4,000 characters, with no
/// control character a terminal acts on (ESC, BEL, NUL...) and no text-direction override.
fn free_text(field: &'static str, text: &str) -> Result<()> {
    if text.chars().count() > 4000 {
        return Err(LedgerError::invalid(
            field,
            "is longer than 4,000 characters",
        ));
    }
    if let Some(c) = text
        .chars()
        .find(|&c| (c.is_control() && c != '\n' && c != '\t') || bidi_control(c))
    {
        return Err(LedgerError::invalid(
            field,
            format!(
                "contains U+{:04X}, a control or text-direction character",
                u32::from(c)
            ),
        ));
    }
    Ok(())
}

fn positive(field: &'static str, n: u64) -> Result<()> {
    if n == 0 {
        Err(LedgerError::invalid(field, "must be greater than zero"))
    } else if n > crate::MAX_SHARES {
        Err(LedgerError::invalid(
            field,
            format!("{n} is more than the {} a book can hold", crate::MAX_SHARES),
        ))
    } else {
        Ok(())
    }
}

fn not_negative(field: &'static str, m: &Money) -> Result<()> {
    if m.amount < Decimal::ZERO {
        Err(LedgerError::invalid(field, "cannot be negative"))
    } else {
        Ok(())
    }
}

fn after(field: &'static str, date: NaiveDate, earlier: &Entry, what: &str) -> Result<()> {
    if date < earlier.effective {
        Err(LedgerError::invalid(
            field,
            format!(
                "{date} is before {what} (entry #{}, {})",
                earlier.id, earlier.effective
            ),
        ))
    } else {
        Ok(())
    }
}
