//! Helpers shared by the ledger's integration tests. Each test binary uses a
//! different subset, hence the `dead_code` allowance.
#![allow(dead_code)]

use chrono::NaiveDate;
use roundbook_ledger::captable::CapTable;
use roundbook_ledger::*;
use rust_decimal::Decimal;

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid test date")
}

pub fn usd(amount: Decimal) -> Money {
    Money::new(amount, Currency::USD)
}

pub fn eur(amount: Decimal) -> Money {
    Money::new(amount, "EUR".parse().expect("EUR is a currency code"))
}

pub fn company(founded: NaiveDate) -> Company {
    Company {
        name: "Acme Robotics".to_string(),
        legal_name: "Acme Robotics, Inc.".to_string(),
        founded,
        currency: Currency::USD,
        jurisdiction: "Delaware".to_string(),
    }
}

/// The founding date of the test company.
pub fn founded() -> NaiveDate {
    date(2020, 1, 1)
}

pub fn new_book() -> Book {
    Book::new(company(founded())).expect("a valid company")
}

pub fn person(book: &mut Book, name: &str, rel: Relationship) -> StakeholderId {
    book.add_stakeholder(NewStakeholder {
        name: name.to_string(),
        kind: StakeholderKind::Individual,
        relationships: vec![rel],
        provenance: Provenance::Recorded,
        note: None,
    })
    .expect("a new stakeholder")
}

pub fn preferred(name: &str, authorized: Option<u64>, oip: Decimal, ratio: Decimal) -> NewClass {
    NewClass {
        name: name.to_string(),
        kind: ClassKind::Preferred,
        original_issue_price: Some(usd(oip)),
        preference_multiple: Decimal::ONE,
        participation: Participation::None,
        seniority: 1,
        conversion_ratio: ratio,
        anti_dilution: AntiDilution::BroadBasedWeightedAverage,
        authorized,
        provenance: Provenance::Recorded,
    }
}

pub fn plan(
    book: &mut Book,
    name: &str,
    class: ClassId,
    adopted: NaiveDate,
    reserved: u64,
) -> PlanId {
    book.add_plan(NewPlan {
        name: name.to_string(),
        class,
        adopted,
        reserved,
        provenance: Provenance::Recorded,
    })
    .expect("a new plan")
}

/// Records one movement and checks the whole history, as the CLI does.
pub fn try_rec(book: &mut Book, on: NaiveDate, m: Movement) -> Result<EntryId> {
    let mark = book.mark();
    let id = book.record(on, m, None, Provenance::Recorded)?;
    book.check(mark)?;
    Ok(id)
}

/// Records one movement that must be accepted.
pub fn rec(book: &mut Book, on: NaiveDate, m: Movement) -> EntryId {
    match try_rec(book, on, m.clone()) {
        Ok(id) => id,
        Err(e) => panic!("{m:?} on {on} was refused: {e}"),
    }
}

pub fn issue(holder: StakeholderId, class: ClassId, shares: u64) -> Movement {
    Movement::StockIssuance {
        holder,
        class,
        shares,
        price_per_share: None,
        round: None,
    }
}

pub fn grant(holder: StakeholderId, plan: PlanId, options: u64) -> Movement {
    Movement::OptionGrant {
        holder,
        plan,
        options,
        exercise_price: usd(Decimal::new(10, 2)),
        expires: None,
    }
}

pub fn transfer(from: StakeholderId, to: StakeholderId, class: ClassId, shares: u64) -> Movement {
    Movement::Transfer {
        from,
        to,
        class,
        shares,
        price_per_share: None,
    }
}

pub fn reversal(reverses: EntryId) -> Movement {
    Movement::Reversal {
        reverses,
        reason: "entered in error".to_string(),
    }
}

pub fn table(book: &Book, as_of: NaiveDate) -> CapTable {
    book.cap_table(as_of, &RoundingPolicy::default())
        .expect("a cap table")
}

pub fn holder_row(ct: &CapTable, id: StakeholderId) -> &roundbook_ledger::captable::HolderRow {
    ct.holders
        .iter()
        .find(|h| h.stakeholder == id)
        .unwrap_or_else(|| panic!("holder #{id} is not on the table"))
}

pub fn class_row(ct: &CapTable, id: ClassId) -> &roundbook_ledger::captable::ClassRow {
    ct.classes
        .iter()
        .find(|c| c.class == id)
        .unwrap_or_else(|| panic!("class #{id} is not on the table"))
}

pub fn plan_row(ct: &CapTable, id: PlanId) -> &roundbook_ledger::captable::PlanRow {
    ct.plans
        .iter()
        .find(|p| p.plan == id)
        .unwrap_or_else(|| panic!("plan #{id} is not on the table"))
}

/// Shares of one class a holder holds, 0 when none.
pub fn held(ct: &CapTable, id: StakeholderId, class: ClassId) -> u64 {
    ct.holders
        .iter()
        .filter(|h| h.stakeholder == id)
        .flat_map(|h| h.holdings.iter())
        .filter(|h| h.class == class)
        .map(|h| h.shares)
        .sum()
}

/// The tie-outs every cap table must satisfy.
pub fn assert_ties_out(ct: &CapTable) {
    let t = &ct.totals;
    let holder_fd: u64 = ct.holders.iter().map(|h| h.fully_diluted).sum();
    let holder_out: u64 = ct.holders.iter().map(|h| h.outstanding).sum();
    let holder_opts: u64 = ct.holders.iter().map(|h| h.options).sum();
    let plan_avail: u64 = ct.plans.iter().map(|p| p.available).sum();
    let class_fd: u64 = ct.classes.iter().map(|c| c.fully_diluted).sum();
    let class_conv: u64 = ct.classes.iter().map(|c| c.as_converted).sum();
    let class_opts: u64 = ct.classes.iter().map(|c| c.options).sum();
    let class_pool: u64 = ct.classes.iter().map(|c| c.pool_available).sum();
    assert_eq!(
        holder_fd + plan_avail,
        t.fully_diluted,
        "holders' FD + pool available vs total FD"
    );
    assert_eq!(class_fd, t.fully_diluted, "classes' FD vs total FD");
    assert_eq!(holder_out, t.outstanding, "holders' outstanding vs total");
    assert_eq!(holder_opts, t.options, "holders' options vs total");
    assert_eq!(plan_avail, t.pool_available, "plans' available vs total");
    assert_eq!(
        class_conv, t.outstanding,
        "classes' as-converted vs total outstanding"
    );
    assert_eq!(class_opts, t.options, "classes' options vs total");
    assert_eq!(class_pool, t.pool_available, "classes' pool vs total");
    assert_eq!(
        t.outstanding + t.options + t.pool_available,
        t.fully_diluted
    );
    for h in &ct.holders {
        assert_eq!(
            h.outstanding,
            h.holdings.iter().map(|x| x.as_converted).sum::<u64>(),
            "{}",
            h.name
        );
        assert_eq!(h.fully_diluted, h.outstanding + h.options, "{}", h.name);
    }
    for p in &ct.plans {
        assert_eq!(
            p.available + p.granted_outstanding + p.exercised,
            p.reserved,
            "plan {}",
            p.name
        );
    }
    for c in &ct.classes {
        if let Some(a) = c.authorized {
            assert!(
                c.shares <= a,
                "class {} has {} shares of {a} authorised",
                c.name,
                c.shares
            );
        }
    }
}

/// Ownership percentages sum to 100 (within 1e-8) on each basis that has shares.
pub fn assert_percentages_sum(ct: &CapTable) {
    let tolerance = Decimal::new(1, 8);
    let hundred = Decimal::ONE_HUNDRED;
    let close = |x: Decimal| (x - hundred).abs() <= tolerance;
    if ct.totals.outstanding > 0 {
        let s: Decimal = ct.holders.iter().map(|h| h.outstanding_pct).sum();
        assert!(close(s), "holders' outstanding % sum to {s}");
        let s: Decimal = ct.classes.iter().map(|c| c.outstanding_pct).sum();
        assert!(close(s), "classes' outstanding % sum to {s}");
    }
    if ct.totals.fully_diluted > 0 {
        let s: Decimal = ct
            .holders
            .iter()
            .map(|h| h.fully_diluted_pct)
            .sum::<Decimal>()
            + ct.plans.iter().map(|p| p.available_pct).sum::<Decimal>();
        assert!(close(s), "holders' FD % + pool % sum to {s}");
        let s: Decimal = ct.classes.iter().map(|c| c.fully_diluted_pct).sum();
        assert!(close(s), "classes' FD % sum to {s}");
    }
}
