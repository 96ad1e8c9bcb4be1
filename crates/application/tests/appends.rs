//! Entries checked against the replay's head (`Form::submit` through
//! `Store::transact_appending`) agree with entries checked by a full replay (`Store::transact`):
//! the same acceptances, the same refusals word for word, the same journal, and a stored head
//! equal to the one a replay of the whole journal gives. Histories are random on the xAI
//! example book: issues, transfers, grants that expire, exercises, cancellations, pool
//! increases and reversals (which always replay, so the head goes stale and is rebuilt), dated
//! forwards and now and then backdated.

use std::path::Path;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use roundbook_application::forms::*;
use roundbook_ledger::{Book, Entry, Movement};
use roundbook_store::Store;

#[derive(Debug, Clone)]
enum Op {
    Issue {
        holder: usize,
        class: usize,
        shares: u64,
    },
    Transfer {
        from: usize,
        to: usize,
        class: usize,
        shares: u64,
    },
    Grant {
        holder: usize,
        options: u64,
        lasts: Option<u64>,
    },
    Exercise {
        grant: usize,
        options: u64,
    },
    CancelOptions {
        grant: usize,
        options: u64,
    },
    CancelShares {
        holder: usize,
        class: usize,
        shares: u64,
    },
    Pool {
        shares: u64,
    },
    Reverse {
        entry: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let h = 0..4usize;
    let c = 0..2usize;
    let n = 1..2_000_000u64;
    prop_oneof![
        4 => (h.clone(), c.clone(), n.clone()).prop_map(|(holder, class, shares)| Op::Issue { holder, class, shares }),
        3 => (h.clone(), h.clone(), c.clone(), n.clone())
            .prop_map(|(from, to, class, shares)| Op::Transfer { from, to, class, shares }),
        3 => (h.clone(), n.clone(), prop::option::of(1..200u64))
            .prop_map(|(holder, options, lasts)| Op::Grant { holder, options, lasts }),
        3 => (0..8usize, n.clone()).prop_map(|(grant, options)| Op::Exercise { grant, options }),
        1 => (0..8usize, n.clone()).prop_map(|(grant, options)| Op::CancelOptions { grant, options }),
        1 => (h.clone(), c.clone(), n.clone()).prop_map(|(holder, class, shares)| Op::CancelShares { holder, class, shares }),
        1 => (1..50_000_000u64).prop_map(|shares| Op::Pool { shares }),
        1 => (0..64usize).prop_map(|entry| Op::Reverse { entry }),
    ]
}

/// A form for an op, on `day`, against the book as it stands.
fn form(op: &Op, day: NaiveDate, book: &Book) -> Option<Box<dyn Submit>> {
    let holders: Vec<String> = book.stakeholders().iter().map(|s| s.name.clone()).collect();
    let holder = |i: usize| holders[i % holders.len()].clone();
    let class = |i: usize| ["Common", "Series B Preferred"][i].to_string();
    let date = day.to_string();
    let grants: Vec<u64> = book
        .entries()
        .iter()
        .filter(|e| matches!(e.movement, Movement::OptionGrant { .. }))
        .map(|e| e.id.0 as u64)
        .collect();
    let pick = |i: usize| (!grants.is_empty()).then(|| grants[i % grants.len()].to_string());
    Some(match op {
        Op::Issue {
            holder: h,
            class: c,
            shares,
        } => Box::new(IssueForm {
            holder: holder(*h),
            class: class(*c),
            shares: shares.to_string(),
            date,
            ..Default::default()
        }),
        Op::Transfer {
            from,
            to,
            class: c,
            shares,
        } => Box::new(TransferForm {
            from: holder(*from),
            to: holder(*to),
            class: class(*c),
            shares: shares.to_string(),
            date,
            ..Default::default()
        }),
        Op::Grant {
            holder: h,
            options,
            lasts,
        } => Box::new(GrantForm {
            holder: holder(*h),
            plan: "2023 Equity Incentive Plan".into(),
            options: options.to_string(),
            exercise_price: "1.00".into(),
            expires: lasts
                .map(|d| (day + Days::new(d)).to_string())
                .unwrap_or_default(),
            date,
            ..Default::default()
        }),
        Op::Exercise { grant, options } => Box::new(ExerciseForm {
            grant: pick(*grant)?,
            options: options.to_string(),
            date,
            ..Default::default()
        }),
        Op::CancelOptions { grant, options } => Box::new(CancelForm {
            what: CancelWhat::Options,
            grant: pick(*grant)?,
            options: options.to_string(),
            date,
            ..Default::default()
        }),
        Op::CancelShares {
            holder: h,
            class: c,
            shares,
        } => Box::new(CancelForm {
            what: CancelWhat::Shares,
            holder: holder(*h),
            class: class(*c),
            shares: shares.to_string(),
            date,
            ..Default::default()
        }),
        Op::Pool { shares } => Box::new(PoolIncreaseForm {
            plan: "2023 Equity Incentive Plan".into(),
            shares: shares.to_string(),
            date,
            ..Default::default()
        }),
        Op::Reverse { entry } => {
            let entries = book.entries();
            Box::new(ReversalForm {
                entry: entries[entry % entries.len()].id.to_string(),
                reason: "entered in error".into(),
                date,
            })
        }
    })
}

/// A form submitted both ways.
trait Submit {
    fn submit_to(&self, store: &mut Store) -> Result<Entry, String>;
    fn replayed_in(&self, store: &mut Store) -> Result<Entry, String>;
}

impl<F: Form<Output = Entry>> Submit for F {
    fn submit_to(&self, store: &mut Store) -> Result<Entry, String> {
        self.submit(store).map_err(|e| e.to_string())
    }
    fn replayed_in(&self, store: &mut Store) -> Result<Entry, String> {
        store.transact(|b| self.apply(b)).map_err(|e| e.to_string())
    }
}

fn journal(store: &Store) -> Vec<(i64, NaiveDate, Movement)> {
    let book = store.load().unwrap();
    book.entries()
        .iter()
        .map(|e| (e.id.0, e.effective, e.movement.clone()))
        .collect()
}

fn copy(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn appending_from_the_head_matches_a_full_replay(
        steps in prop::collection::vec((op(), 0..30u64, prop::bool::weighted(0.15)), 1..30),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("head.roundbook"), dir.path().join("replay.roundbook"));
        Store::create_example(&a).unwrap();
        copy(&a, &b);
        let (mut head, mut replay) = (Store::open(&a).unwrap(), Store::open(&b).unwrap());
        let mut day = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
        for (op, forward, backdate) in &steps {
            // Mostly forward in time; now and then backdated before the last entry.
            let on = if *backdate { day - Days::new(40 + forward) } else { day + Days::new(*forward) };
            let book = replay.load().unwrap();
            let Some(f) = form(op, on, &book) else { continue };
            let fast = f.submit_to(&mut head);
            let full = f.replayed_in(&mut replay);
            match (&fast, &full) {
                (Ok(x), Ok(y)) => {
                    prop_assert_eq!((x.id, x.effective, &x.movement), (y.id, y.effective, &y.movement));
                    day = day.max(on);
                }
                (Err(x), Err(y)) => prop_assert_eq!(x, y),
                _ => prop_assert!(false, "{:?} on {}: {:?} from the head, {:?} replayed", op, on, fast, full),
            }
        }
        prop_assert_eq!(journal(&head), journal(&replay));
        let book = head.load().unwrap();
        let replayed = book.check_head(book.mark()).unwrap();
        if let Some(stored) = head.stored_head().unwrap() {
            prop_assert_eq!(stored, replayed);
        }
        prop_assert!(head.verify_chain().unwrap().is_ok());
    }
}

/// The head is used, not only rebuilt: after the first entry rebuilds it, entries dated on or
/// after the last one leave it current, and an entry recorded through a full replay (a split
/// here) makes it stale until the next append rebuilds it.
#[test]
fn the_head_follows_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("xai.roundbook");
    Store::create_example(&path).unwrap();
    let mut store = Store::open(&path).unwrap();
    assert!(
        store.stored_head().unwrap().is_none(),
        "a new book has no head yet"
    );
    let issue = |day: &str| IssueForm {
        holder: "Elon Musk".into(),
        class: "Common".into(),
        shares: "1000".into(),
        date: day.into(),
        ..Default::default()
    };
    issue("2024-06-01").submit(&mut store).unwrap();
    let first = store
        .stored_head()
        .unwrap()
        .expect("rebuilt by the first append");
    issue("2024-06-02").submit(&mut store).unwrap();
    let second = store
        .stored_head()
        .unwrap()
        .expect("kept current by an append");
    assert_eq!(second.last_effective, NaiveDate::from_ymd_opt(2024, 6, 2));
    let musk = store
        .load()
        .unwrap()
        .find_stakeholder("holder", "Elon Musk")
        .unwrap();
    let common = store.load().unwrap().find_class("class", "Common").unwrap();
    assert_eq!(
        second.held[&(musk, common)],
        first.held[&(musk, common)] + 1000
    );
    let book = store.load().unwrap();
    assert_eq!(second, book.check_head(book.mark()).unwrap());

    SplitForm {
        class: "Common".into(),
        ratio: "2:1".into(),
        date: "2024-06-03".into(),
        ..Default::default()
    }
    .submit(&mut store)
    .unwrap();
    assert!(
        store.stored_head().unwrap().is_none(),
        "a split replays; the head is stale"
    );
    issue("2024-06-04").submit(&mut store).unwrap();
    let rebuilt = store
        .stored_head()
        .unwrap()
        .expect("rebuilt by the next append");
    let book = store.load().unwrap();
    assert_eq!(rebuilt, book.check_head(book.mark()).unwrap());
    assert_eq!(
        rebuilt.held[&(musk, common)],
        2 * second.held[&(musk, common)] + 1000
    );
}

/// The quick check trusts the stored head and reads nothing else of the journal: with the
/// head's count for a holder raised outside Roundbook, a cancellation the journal cannot
/// support is accepted (which a full replay would refuse). This is why `roundbook check`
/// compares the head with a replay and discards one that differs.
#[test]
fn an_entry_on_or_after_the_last_is_checked_against_the_head_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("xai.roundbook");
    Store::create_example(&path).unwrap();
    let mut store = Store::open(&path).unwrap();
    let issue = IssueForm {
        holder: "Elon Musk".into(),
        class: "Common".into(),
        shares: "1".into(),
        date: "2024-06-01".into(),
        ..Default::default()
    };
    issue.submit(&mut store).unwrap();
    let cancel = CancelForm {
        what: CancelWhat::Shares,
        holder: "Elon Musk".into(),
        class: "Common".into(),
        shares: "999999999999".into(),
        date: "2024-06-02".into(),
        ..Default::default()
    };
    let refused = cancel.submit(&mut store).unwrap_err();
    assert!(refused.message.contains("Elon Musk holds"), "{refused}");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute("UPDATE head_held SET shares = 1000000000000000", [])
        .unwrap();
    cancel.submit(&mut store).unwrap();
    let book = store.load().unwrap();
    assert!(book.check(roundbook_ledger::Mark::default()).is_err());
}
