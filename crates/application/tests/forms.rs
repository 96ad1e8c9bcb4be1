//! The forms on the xAI example book (crates/ledger/src/example.rs: Elon Musk and the founding
//! team hold Common, Valor Equity Partners holds Series B Preferred, options under the "2023
//! Equity Incentive Plan"): every required field left empty is refused by its own name and the
//! file is unchanged; good forms record exactly one entry.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use roundbook_application::forms::*;
use roundbook_application::ErrorCode;
use roundbook_store::Store;

const DAY: &str = "2024-12-01";

fn example() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("xai.roundbook");
    Store::create_example(&book).unwrap();
    (dir, book)
}

fn bytes(book: &Path) -> Vec<u8> {
    std::fs::read(book).unwrap()
}

/// Submits `form` with `field` blanked by `blank`, and checks the refusal.
fn refused_when_blank<F: Form>(book: &Path, mut form: F, field: &str, blank: impl Fn(&mut F)) {
    blank(&mut form);
    let before = bytes(book);
    let e = match form.submit(&mut Store::open(book).unwrap()) {
        Ok(_) => panic!("{field}: an empty field was accepted"),
        Err(e) => e,
    };
    assert_eq!(e.code, ErrorCode::Invalid, "{field}: {e}");
    assert_eq!(e.field.as_deref(), Some(field), "{e}");
    assert!(e.message.starts_with(&format!("{field}: ")), "{e}");
    assert_eq!(bytes(book), before, "{field}: the file changed");
}

fn issue() -> IssueForm {
    IssueForm {
        holder: "Elon Musk".into(),
        class: "Common".into(),
        shares: "1000".into(),
        date: DAY.into(),
        price_per_share: "0.10".into(),
        memo: String::new(),
    }
}

/// An illustrative Series C on the example book: $1B from Valor at a $40B pre-money.
fn series_c() -> RoundForm {
    RoundForm {
        name: "Series C".into(),
        date: DAY.into(),
        class: "Series C Preferred".into(),
        class_choice: ClassChoice::New,
        pre_money: "40000000000".into(),
        investments: vec![InvestmentForm {
            investor: "Valor Equity Partners".into(),
            amount: "1000000000".into(),
        }],
        ..Default::default()
    }
}

fn grant() -> GrantForm {
    GrantForm {
        holder: "Elon Musk".into(),
        plan: "2023 Equity Incentive Plan".into(),
        options: "1000".into(),
        exercise_price: "1.00".into(),
        date: DAY.into(),
        ..Default::default()
    }
}

#[test]
fn every_required_field_left_empty_is_named() {
    let (_d, book) = example();
    refused_when_blank(&book, issue(), "holder", |f| f.holder.clear());
    refused_when_blank(&book, issue(), "class", |f| f.class.clear());
    refused_when_blank(&book, issue(), "shares", |f| f.shares.clear());
    refused_when_blank(&book, issue(), "date", |f| f.date.clear());
    refused_when_blank(&book, grant(), "plan", |f| f.plan.clear());
    refused_when_blank(&book, grant(), "options", |f| f.options.clear());
    refused_when_blank(&book, grant(), "exercise_price", |f| {
        f.exercise_price = "  ".into()
    });
    let transfer = TransferForm {
        from: "Elon Musk".into(),
        to: "Valor Equity Partners".into(),
        class: "Common".into(),
        shares: "10".into(),
        date: DAY.into(),
        ..Default::default()
    };
    refused_when_blank(&book, transfer.clone(), "from", |f| f.from.clear());
    refused_when_blank(&book, transfer, "to", |f| f.to.clear());
    let safe = SafeForm {
        holder: "Valor Equity Partners".into(),
        investment: "1000000".into(),
        date: DAY.into(),
        ..Default::default()
    };
    refused_when_blank(&book, safe, "investment", |f| f.investment.clear());
    let reversal = ReversalForm {
        entry: "1".into(),
        reason: "typo".into(),
        date: String::new(),
    };
    refused_when_blank(&book, reversal, "reason", |f| f.reason.clear());
    let round = series_c();
    refused_when_blank(&book, round.clone(), "investments.0.amount", |f| {
        f.investments[0].amount.clear()
    });
    refused_when_blank(&book, round, "investments.0.investor", |f| {
        f.investments[0].investor.clear()
    });
}

/// The round form's pool: a target or a share count, not both (refused on `pool_shares`, the
/// file unchanged); a count is added exactly, in the plan named.
#[test]
fn a_round_pool_is_a_target_or_a_share_count() {
    let (_d, book) = example();
    let round = RoundForm {
        pool_plan: "2023 Equity Incentive Plan".into(),
        pool_shares: "25000000".into(),
        ..series_c()
    };
    let mut both = round.clone();
    both.pool_target = "0.10".into();
    let before = bytes(&book);
    let e = both.submit(&mut Store::open(&book).unwrap()).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("pool_shares"), "{e}");
    assert_eq!(bytes(&book), before);
    let mut store = Store::open(&book).unwrap();
    let preview = round.preview(&store).unwrap();
    assert_eq!(preview.outcome.pool_increase, 25_000_000);
    assert_eq!(
        preview.outcome.pool.as_ref().map(|p| p.size),
        Some(roundbook_ledger::PoolSize::Shares(25_000_000))
    );
    let committed = round.submit(&mut store).unwrap();
    assert_eq!(
        committed.outcome, preview.outcome,
        "what the preview showed is recorded"
    );
}

#[test]
fn a_good_form_records_one_entry_and_names_it() {
    let (_d, book) = example();
    let mut store = Store::open(&book).unwrap();
    let before = store.load().unwrap().entries().len();
    let entry = issue().submit(&mut store).unwrap();
    let after = store.load().unwrap();
    assert_eq!(after.entries().len(), before + 1);
    assert_eq!(after.entries().last().unwrap(), &entry);
    assert_eq!(
        roundbook_application::words::entry(&after, &entry.movement),
        "Issued 1,000 Common to Elon Musk at $0.10"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any text in a share count is either a whole number that is recorded as typed, or
    /// refused on `shares` with nothing written.
    #[test]
    fn a_share_count_is_digits_or_refused_by_name(text in "[ 0-9a-z.,-]{0,8}") {
        let (_d, book) = example();
        let before = bytes(&book);
        let form = IssueForm { shares: text.clone(), ..issue() };
        match form.submit(&mut Store::open(&book).unwrap()) {
            Ok(entry) => {
                let digits: u64 = text.trim().parse().unwrap();
                let recorded = match entry.movement {
                    roundbook_ledger::Movement::StockIssuance { shares, .. } => shares,
                    _ => unreachable!(),
                };
                prop_assert_eq!(recorded, digits);
            }
            Err(e) => {
                prop_assert_eq!(e.field.as_deref(), Some("shares"), "{}", e);
                prop_assert_eq!(bytes(&book), before);
            }
        }
    }
}
