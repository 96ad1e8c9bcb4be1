//! The replay's head: every account the invariants read (timeline.rs), as they stand after the
//! last entry in effective order. An entry dated on or after that entry is checked against the
//! head alone, so recording it costs what it touches rather than the whole journal.
//!
//! Invariants:
//! - A head is only ever produced by a replay (`Book::check_head`) or by applying appended
//!   entries to a head that was (`Book::check_appended`): never edited by hand.
//! - `check_appended` only *accepts*. Whatever it cannot decide alone (an entry dated before
//!   the head, a split, a ratio or authorised-share adjustment, a reversal, an entry added with
//!   a new stakeholder, class, plan or round, or any violation) answers `None`, and the caller
//!   replays the whole journal, which gives the refusal its words. So an append accepted from
//!   the head is exactly one the full replay accepts (the property tests compare them).
//! - A slice of a head (the accounts one append touches) answers for the keys it holds;
//!   a key it lacks is zero, so the caller must load every key `Book::accounts_touched` names.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::domain::{ClassId, EntryId, PlanId, StakeholderId};

/// One grant's account in the head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrantAccount {
    pub holder: StakeholderId,
    pub plan: PlanId,
    /// The last day its options can be exercised (they lapse the day after).
    pub expires: Option<NaiveDate>,
    /// Options neither exercised, cancelled nor lapsed.
    pub outstanding: i128,
}

/// One plan's pool in the head.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanAccount {
    pub reserved: i128,
    pub granted: i128,
    pub exercised: i128,
    pub lapsed: i128,
}

/// The accounts after the last entry, or a slice of them (see the module's invariants).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Head {
    /// The effective date of the last entry replayed; None for an empty journal.
    pub last_effective: Option<NaiveDate>,
    /// Shares held, per holder and class.
    pub held: BTreeMap<(StakeholderId, ClassId), i128>,
    pub grants: BTreeMap<EntryId, GrantAccount>,
    pub plans: BTreeMap<PlanId, PlanAccount>,
    /// Per class: outstanding shares plus what its plans still reserve.
    pub claimed: BTreeMap<ClassId, i128>,
    /// Per class whose authorised shares an entry set or split: what is in force (None: no limit).
    /// A class not listed has the authorised shares it was created with.
    pub authorized: BTreeMap<ClassId, Option<u64>>,
    /// Per SAFE or note: 1 outstanding, 0 converted.
    pub convertibles: BTreeMap<EntryId, i128>,
}

/// The keys of the head an append reads and writes: what a store loads for a slice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touched {
    pub held: Vec<(StakeholderId, ClassId)>,
    pub grants: Vec<EntryId>,
    pub convertibles: Vec<EntryId>,
    /// Appended entries are dated up to this day: grants that expire before it lapse first,
    /// so a slice holds every grant with options outstanding that expires before it.
    pub lapse_before: Option<NaiveDate>,
}
