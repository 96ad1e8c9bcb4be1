//! The library on the xAI example book (assets/xai/SOURCES.md: the Series B of 2024-05-26,
//! $6B raised at $18B pre-money, $24B post-money; share counts illustrative).

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::OnceLock;

use proptest::prelude::*;
use roundbook_runs::{
    capitalisation_from_book, holders::holder_results, prepare, record, run, CapitalisationSource,
    FinishedRun, Holder, Overrides, RunOptions, RunsError, OPTIONS_CLASS,
};
use roundbook_sim::scenario::Backend;
use roundbook_store::Store;

const SHIPPED: &str = include_str!("../../../assets/scenarios/xai-series-b.toml");

/// The shipped scenario without its [[start.classes]]: the capitalisation is the book's.
fn from_book_text() -> String {
    let start = SHIPPED.find("[[start.classes]]").unwrap();
    let end = SHIPPED.find("[compute]").unwrap();
    format!("{}{}", &SHIPPED[..start], &SHIPPED[end..])
}

fn example_book() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("xai.roundbook");
    Store::create_example(&book).unwrap();
    (dir, book)
}

fn cpu(paths: u64) -> Overrides {
    Overrides {
        paths: Some(paths),
        seed: Some(11),
        backend: Some(Backend::Cpu),
    }
}

fn run_quietly(p: &roundbook_runs::PreparedRun) -> FinishedRun {
    let cancel = AtomicBool::new(false);
    run(
        p,
        &RunOptions {
            threads: Some(2),
            batch: None,
            cancel: &cancel,
            progress: &|_| {},
        },
    )
    .unwrap()
}

#[test]
fn the_books_capitalisation_is_its_cap_table_on_the_start_date() {
    let (_dir, book) = example_book();
    let cap = capitalisation_from_book(&book, "2024-05-26").unwrap();
    let b = Store::open(&book).unwrap().load().unwrap();
    let day = "2024-05-26".parse().unwrap();
    let table = b
        .cap_table(day, &roundbook_ledger::RoundingPolicy::default())
        .unwrap();
    let class_shares: f64 = cap.classes.iter().map(|c| c.shares).sum();
    // Every as-converted share and every option is in exactly one class.
    let as_converted: u64 = table.classes.iter().map(|c| c.as_converted).sum();
    assert_eq!(class_shares, (as_converted + table.totals.options) as f64);
    assert_eq!(cap.pool_available, table.totals.pool_available as f64);
    assert!(cap.classes.iter().any(|c| c.name == OPTIONS_CLASS));
    // The Series B's 1x preference is what it raised: the public $6B (to the share's rounding).
    let b_pref = cap
        .classes
        .iter()
        .find(|c| c.name == "Series B Preferred")
        .unwrap()
        .preference;
    assert!((b_pref - 6.0e9).abs() < 1.0e-6 * 6.0e9, "{b_pref}");
    // Each class's parts add up to the whole class.
    for (i, c) in cap.classes.iter().enumerate() {
        let parts: f64 = cap
            .holders
            .iter()
            .flat_map(|h| h.parts.iter().filter(|(k, _)| *k == i).map(|(_, p)| p))
            .sum();
        assert!((parts - 1.0).abs() < 1e-12, "{}: {parts}", c.name);
    }
}

#[test]
fn a_book_capitalised_run_equals_one_with_the_same_classes_inline() {
    let (_dir, book) = example_book();
    let text = from_book_text();
    let from_book = prepare(&text, &cpu(6000), &book).unwrap();
    assert_eq!(
        from_book.capitalisation,
        CapitalisationSource::Book {
            as_of: "2024-05-26".into()
        }
    );
    assert!(!from_book.holders.is_empty());
    // The same classes written into the scenario itself (JSON is a scenario format too).
    let inline_text = serde_json::to_string(&from_book.scenario).unwrap();
    let inline = prepare(&inline_text, &cpu(6000), &book).unwrap();
    assert_eq!(inline.capitalisation, CapitalisationSource::Scenario);
    assert!(
        inline.holders.is_empty(),
        "inline classes have no book holders"
    );
    assert_eq!(inline.scenario.start, from_book.scenario.start);
    assert_eq!(inline.class_names, from_book.class_names);
    let a = run_quietly(&from_book);
    let b = run_quietly(&inline);
    assert_eq!(a.summary, b.summary);
    assert_eq!(a.final_names, b.final_names);
    assert!(b.holders.is_empty());
    // Holders' mean payouts add up to the starting classes' (every share has a holder).
    let by_holders: f64 = a.holders.iter().map(|h| h.exit_payout_mean).sum();
    let by_classes: f64 = a.summary.payout_mean[..from_book.class_names.len()]
        .iter()
        .sum();
    assert!((by_holders - by_classes).abs() <= 1e-9 * by_classes);
}

#[test]
fn a_recorded_run_is_listed_with_its_scenario_hash() {
    let (_dir, book) = example_book();
    let p = prepare(SHIPPED, &cpu(4096), &book).unwrap();
    let f = run_quietly(&p);
    let id = record(&book, SHIPPED, &p, &f).unwrap();
    let runs = Store::open(&book).unwrap().runs().unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].id, id);
    assert_eq!(
        runs[0].scenario_sha256,
        roundbook_runs::scenario_sha256(SHIPPED)
    );
    assert_eq!(runs[0].seed, 11);
    assert_eq!(runs[0].paths, 4096);
    assert_eq!(runs[0].summary, serde_json::to_string(&f.summary).unwrap());
}

#[test]
fn bad_input_names_its_field_and_reads_no_book_it_does_not_need() {
    let (dir, book) = example_book();
    let missing = dir.path().join("missing.roundbook");
    // Inline classes never touch the book: a missing one is fine.
    assert!(prepare(SHIPPED, &cpu(10), &missing).is_ok());
    let field = |r: Result<_, RunsError>| match r {
        Err(RunsError::Scenario(e)) => e.path,
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("accepted"),
    };
    assert_eq!(field(prepare(SHIPPED, &cpu(0), &book)), "simulation.paths");
    let bad = SHIPPED.replace("max = 1.58 }", "max = 1.0 }");
    assert_eq!(field(prepare(&bad, &cpu(10), &book)), "compute.pue.max");
    // Before the company's first share, the book has nothing to simulate.
    let early = from_book_text().replacen("date = \"2024-05-26\"", "date = \"2000-01-01\"", 1);
    assert_ne!(early, from_book_text());
    assert_eq!(field(prepare(&early, &cpu(10), &book)), "start.classes");
    // Without classes and without a book: the store names the file.
    match prepare(&from_book_text(), &cpu(10), &missing) {
        Err(RunsError::Store(e)) => assert_eq!(e.code().as_str(), "book-not-found"),
        other => panic!("{:?}", other.map(|p| p.class_names)),
    }
}

/// One small run on the book, shared by the property tests below.
fn shared_run() -> &'static FinishedRun {
    static RUN: OnceLock<FinishedRun> = OnceLock::new();
    RUN.get_or_init(|| {
        let (_dir, book) = example_book();
        let p = prepare(&from_book_text(), &cpu(4096), &book).unwrap();
        run_quietly(&p)
    })
}

fn holders_of(splits: &[Vec<u32>], fully_diluted: &[u64]) -> Vec<Holder> {
    // splits[c][h]: holder h's shares of class c; each holder's part is its share of the class.
    let holders = fully_diluted.len();
    (0..holders)
        .map(|h| Holder {
            name: format!("H{h}"),
            fully_diluted: fully_diluted[h],
            parts: splits
                .iter()
                .enumerate()
                .filter_map(|(c, split)| {
                    let total: u32 = split.iter().sum();
                    (split[h] > 0).then(|| (c, f64::from(split[h]) / f64::from(total)))
                })
                .collect(),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// However a class is split among holders, their mean payouts add up to the class's, and a
    /// holder's ownership percentiles are in order and scale with its shares.
    #[test]
    fn holder_results_add_up_to_the_classes(
        splits in proptest::collection::vec(proptest::collection::vec(1u32..1_000_000, 3), 1..4),
        fd in proptest::collection::vec(1u64..1_000_000_000, 3),
    ) {
        let f = shared_run();
        let classes = splits.len();
        let holders = holders_of(&splits, &fd);
        let results = holder_results(&holders, &f.summary, 48);
        let by_holders: f64 = results.iter().map(|r| r.exit_payout_mean).sum();
        let by_classes: f64 = f.summary.payout_mean[..classes].iter().sum();
        prop_assert!((by_holders - by_classes).abs() <= 1e-9 * by_classes.max(1.0));
        let fd_p50 = f.summary.fans[3][47].percentiles[2];
        for (r, shares) in results.iter().zip(&fd) {
            let o = r.ownership_at_horizon;
            prop_assert!(o.p5 <= o.p50 && o.p50 <= o.p95, "{o:?}");
            prop_assert_eq!(o.p50, *shares as f64 / fd_p50);
            // Every holder here has a part of every class: with several, only the mean adds up.
            prop_assert_eq!(r.exit_payout_percentiles.is_some(), classes == 1);
        }
    }
}

#[test]
fn a_holder_in_one_class_gets_that_part_of_its_percentiles() {
    let f = shared_run();
    let holders = [Holder {
        name: "Only common".into(),
        fully_diluted: 1,
        parts: vec![(0, 0.25)],
    }];
    let r = &holder_results(&holders, &f.summary, 48)[0];
    let class = f.summary.finals[4].percentiles;
    assert_eq!(r.exit_payout_percentiles, Some(class.map(|q| q * 0.25)));
    assert_eq!(r.exit_payout_mean, 0.25 * f.summary.payout_mean[0]);
}
