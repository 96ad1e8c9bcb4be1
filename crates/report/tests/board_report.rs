//! The board report read as a reader reads it: the xAI example book built as `roundbook demo`
//! builds it (through the store), its compute plan, and a small Monte Carlo run stored in the
//! book and read back; the PDF goes through poppler's pdftotext, pdftoppm, pdfinfo and pdffonts.
//!
//! Public figures checked (assets/xai/SOURCES.md): xAI's Series B, announced 2024-05-26, raised
//! $6B at an $18B pre-money valuation, $24B post-money.
//!
//! Needs poppler-utils. Set ROUNDBOOK_REPORT_OUT=DIR to keep the generated PDF for a look.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;

use roundbook_compute::{projection, Projection};
use roundbook_ledger::example::{populate_xai, xai_company, xai_series_b_date};
use roundbook_ledger::waterfall::{waterfall, ExitTerms};
use roundbook_ledger::{Book, Movement, Provenance};
use roundbook_report::{
    board_report, layout_for_tests, ComputeInput, ExitValues, MonteCarloRun, ReportError,
    ReportInput, RunSummary,
};
use roundbook_sim::cpu;
use roundbook_sim::kernel::Params;
use roundbook_sim::scenario::Scenario;
use roundbook_store::runs::NewRun;
use roundbook_store::Store;
use rust_decimal::Decimal;

struct Demo {
    _dir: tempfile::TempDir,
    book: Book,
    plan: roundbook_compute::Plan,
    projection: Projection,
    run: MonteCarloRun,
}

fn scenario_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/scenarios/xai-series-b.toml")
}

/// The demo book, as `roundbook demo` makes it, with a 2,000-path run stored in it.
fn demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("xai.roundbook");
    let mut store = Store::create(&path, &xai_company()).unwrap();
    let outcome = store
        .transact(|b| Ok::<_, roundbook_store::StoreError>(populate_xai(b)?))
        .unwrap();
    let plan = roundbook_compute::example::xai_compute_plan(Some(outcome.round));
    store.record_compute_plan(plan.orders, plan.terms).unwrap();

    let text = std::fs::read_to_string(scenario_path()).unwrap();
    let mut scenario = Scenario::parse(&text).unwrap();
    scenario.simulation.paths = 2_000;
    let samplers = scenario.validate().unwrap();
    let params = Params::new(&scenario, samplers).unwrap();
    let summary = cpu::run(&params, 2_000, Some(2), &AtomicBool::new(false), &|_| {}).unwrap();
    let id = store
        .record_run(&NewRun {
            scenario_text: &text,
            scenario_sha256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            seed: scenario.simulation.seed,
            paths: 2_000,
            horizon_months: scenario.simulation.horizon_months,
            backend: "cpu",
            adapter: None,
            engine_version: "test",
            seconds: 0.1,
            summary_json: &serde_json::to_string(&summary).unwrap(),
        })
        .unwrap();

    // Read back what the CLI would read: the book, the plan, the stored run.
    let book = store.load().unwrap();
    let plan = store.load_compute().unwrap().plan;
    let projection = projection(&plan, None, 36).unwrap();
    let stored = store.runs().unwrap().pop().unwrap();
    assert_eq!(stored.id, id);
    let run = MonteCarloRun {
        id: Some(stored.id),
        scenario_sha256: stored.scenario_sha256,
        seed: stored.seed,
        backend: stored.backend,
        engine_version: stored.engine_version,
        summary: RunSummary::from_json(&stored.summary).unwrap(),
    };
    Demo {
        _dir: dir,
        book,
        plan,
        projection,
        run,
    }
}

fn input(d: &Demo) -> ReportInput<'_> {
    let mut input = ReportInput::new(&d.book, xai_series_b_date());
    input.compute = Some(ComputeInput {
        plan: &d.plan,
        projection: &d.projection,
    });
    input.run = Some(&d.run);
    input
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("{name} (poppler-utils) is needed by this test and could not run: {e}")
    });
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn write_pdf(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    if let Some(keep) = std::env::var_os("ROUNDBOOK_REPORT_OUT") {
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::write(Path::new(&keep).join(name), bytes).unwrap();
    }
    path
}

fn page_count(pdf: &Path) -> usize {
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// Text of the whole PDF with runs of spaces collapsed, as a reader scans it.
fn text_of(pdf: &Path) -> String {
    let raw = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    raw.split('\n')
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_demo_report_shows_the_books_figures_on_every_page() {
    let d = demo();
    let dir = tempfile::tempdir().unwrap();
    let bytes = board_report(&input(&d)).unwrap();
    let pdf = write_pdf(dir.path(), "xai-board-report.pdf", &bytes);
    let pages = page_count(&pdf);
    assert!(pages >= 8, "{pages} pages");
    let text = text_of(&pdf);

    // Cover.
    assert!(text.contains("xAI"));
    assert!(text.contains("As of 2024-05-26"));
    assert!(text.contains("Contains illustrative figures"));
    // Public Series B terms, exact in the rounds table and short on the cover and chart.
    for figure in [
        "$18,000,000,000.00",
        "$6,000,000,000.00",
        "$24,000,000,000.00",
        "$24.0B",
    ] {
        assert!(text.contains(figure), "{figure} missing");
    }
    assert!(text.contains("Series B 2024-05-26"), "rounds table row");
    // The fully diluted count as the ledger computes it (illustrative share counts).
    let table = d
        .book
        .cap_table(xai_series_b_date(), &d.book.default_rounding())
        .unwrap();
    assert_eq!(table.totals.fully_diluted, 1_600_000_000);
    // By class, the read model's table (as `roundbook captable --by class --fully-diluted`).
    assert!(text.contains(
        "Total 1,480,000,000 1,480,000,000 100.0000% 40,000,000 80,000,000 1,600,000,000 100.0000%"
    ));
    // The largest holders, and the rest in one row.
    assert!(text.contains("Largest holders (10 of 11 rows)"));
    assert!(text.contains("Other holders (1) 40,000,000 0 0.0000% 40,000,000 2.5000%"));
    // Valor's 100,000,000 Series B shares at $15.00 (illustrative) = $1.5B, and the lead.
    assert!(text.contains(
        "6 Valor Equity Partners 100,000,000 $15.00000 $1,500,000,000.00 25.0000% lead illustrative"
    ));

    // The waterfall at 3x the post-money ($72B): every class converts and the 40,000,000
    // options exercise at $0.10, so 1,520,000,000 common-equivalent shares share
    // $72,000,000,000 + $4,000,000 of strikes. Series B: 400/1520 of it.
    let exact = Decimal::from(72_004_000_000u64) * Decimal::from(400) / Decimal::from(1520);
    let cap = d
        .book
        .capitalisation(
            xai_series_b_date(),
            &d.book.default_rounding(),
            &Default::default(),
        )
        .unwrap()
        .0;
    let at_3x = waterfall(
        &cap,
        &ExitTerms::new(Decimal::from(72_000_000_000u64)),
        &d.book.default_rounding(),
    )
    .unwrap();
    let b = at_3x
        .classes
        .iter()
        .find(|c| c.name == "Series B Preferred")
        .unwrap();
    assert!((b.total.amount - exact).abs() < Decimal::new(1, 2));
    let shown = roundbook_report::format::exact_money(b.total);
    assert!(text.contains(&shown), "{shown} missing");
    assert!(
        text.contains("$72,004,000,000.00"),
        "total distributed at 3x"
    );
    // At 0.5x ($12B) Series B takes its $6B preference rather than convert.
    assert!(text.contains(
        "Series B Preferred takes preference 400,000,000 $6,000,000,000.00 $6,000,000,000.00 $0.00 \
         $6,000,000,000.00"
    ));

    // Compute plan: 100,000 H100 at $30,000 (illustrative price) = $3B of GPU capex.
    assert!(text.contains("$30,000.00 $3,000,000,000.00"));
    let first = &d.projection.rows[0];
    assert!(text.contains(&roundbook_report::format::exact_money(first.closing_cash)));

    // Monte Carlo: the stored run's probabilities.
    let s = &d.run.summary;
    assert!(text.contains(&format!("Run #{}", d.run.id.unwrap())));
    assert!(text.contains(&format!(
        "P(fail by month 48) {}",
        roundbook_report::format::probability(s.p_fail)
    )));
    assert!(text.contains("P(a raise within 12 months)"));

    // Page numbers on every page, and the contents list on the cover.
    for n in 1..=pages {
        assert!(text.contains(&format!("Page {n} of {pages}")), "page {n}");
    }
    assert!(text.contains("Monte Carlo simulation"));

    // Every page renders.
    let png = dir.path().join("page");
    tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "30",
            pdf.to_str().unwrap(),
            png.to_str().unwrap(),
        ],
    );
    let rendered = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "png")
        })
        .count();
    assert_eq!(rendered, pages);
}

#[test]
fn fonts_are_embedded_subsets() {
    let d = demo();
    let dir = tempfile::tempdir().unwrap();
    let pdf = write_pdf(dir.path(), "fonts.pdf", &board_report(&input(&d)).unwrap());
    let listing = tool("pdffonts", &[pdf.to_str().unwrap()]);
    let fonts: Vec<&str> = listing.lines().skip(2).collect();
    assert_eq!(fonts.len(), 2, "{listing}");
    for line in fonts {
        let cols: Vec<&str> = line.split_whitespace().collect();
        // name type encoding emb sub uni object ID
        assert!(cols[0].contains("+LiberationSans"), "{line}");
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            &["yes", "yes", "yes"],
            "emb sub uni: {line}"
        );
    }
    // Subsets keep the file small: two faces of 400 KB each are not embedded whole.
    assert!(std::fs::metadata(&pdf).unwrap().len() < 400_000);
}

#[test]
fn the_demo_layout_fits_its_pages() {
    let d = demo();
    let l = layout_for_tests(&input(&d)).unwrap();
    assert!(l.shortened.is_empty(), "shortened: {:?}", l.shortened);
    assert!(l.outside_page.is_empty(), "outside: {:?}", l.outside_page);
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let d = demo();
    assert_eq!(
        board_report(&input(&d)).unwrap(),
        board_report(&input(&d)).unwrap()
    );
}

#[test]
fn chosen_exit_values_are_shown() {
    let d = demo();
    let mut i = input(&d);
    i.exit_values = ExitValues::Amounts([
        Decimal::from(1_000_000_000u64),
        Decimal::from(10_000_000_000u64),
        Decimal::from(100_000_000_000u64),
    ]);
    i.run = None;
    let dir = tempfile::tempdir().unwrap();
    let pdf = write_pdf(dir.path(), "chosen.pdf", &board_report(&i).unwrap());
    let text = text_of(&pdf);
    for v in [
        "$1.00B ($1,000,000,000.00, chosen)",
        "By class at $10.0B (chosen)",
        "By class at $100B (chosen)",
    ] {
        assert!(text.contains(v), "{v} missing");
    }
    assert!(
        !text.contains("Monte Carlo simulation"),
        "no run, no section"
    );
}

#[test]
fn a_book_without_rounds_or_plan_still_reports() {
    let mut book = Book::new(roundbook_ledger::Company {
        name: "Acme".into(),
        legal_name: "Acme, Inc.".into(),
        founded: chrono::NaiveDate::from_ymd_opt(2020, 1, 15).unwrap(),
        currency: roundbook_ledger::Currency::USD,
        jurisdiction: "Delaware, United States".into(),
    })
    .unwrap();
    let ada = book
        .add_stakeholder(roundbook_ledger::NewStakeholder {
            name: "Ada Founder".into(),
            kind: roundbook_ledger::StakeholderKind::Individual,
            relationships: vec![roundbook_ledger::Relationship::Founder],
            provenance: Provenance::Recorded,
            note: None,
        })
        .unwrap();
    let common = book
        .add_class(roundbook_ledger::NewClass::common(
            "Common",
            Some(10_000_000),
        ))
        .unwrap();
    book.record(
        chrono::NaiveDate::from_ymd_opt(2020, 1, 15).unwrap(),
        Movement::StockIssuance {
            holder: ada,
            class: common,
            shares: 8_000_000,
            price_per_share: None,
            round: None,
        },
        None,
        Provenance::Recorded,
    )
    .unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = write_pdf(
        dir.path(),
        "acme.pdf",
        &board_report(&ReportInput::new(&book, as_of)).unwrap(),
    );
    let text = text_of(&pdf);
    assert!(text.contains("Ada Founder"));
    assert!(text.contains("8,000,000"));
    assert!(text.contains("No priced round on or before 2021-01-01"));
    assert!(
        !text.contains("illustrative figures"),
        "nothing illustrative in this book"
    );
    let pages = page_count(&pdf);
    assert_eq!(
        pages, 3,
        "cover, cap table, rounds: no last round and no waterfall to show"
    );
    assert!(text.contains(&format!("Page {pages} of {pages}")));
    assert!(!text.contains("Exit waterfall"));

    // Chosen exit amounts bring the waterfall back: all common, so Ada takes the whole exit.
    let mut input = ReportInput::new(&book, as_of);
    input.exit_values = ExitValues::Amounts([
        Decimal::from(1_000_000),
        Decimal::from(5_000_000),
        Decimal::from(20_000_000),
    ]);
    let pdf = write_pdf(dir.path(), "acme-exits.pdf", &board_report(&input).unwrap());
    let text = text_of(&pdf);
    // A row per exit value: the exit, the net proceeds, and Common's payout, all the same.
    for v in ["$1,000,000.00", "$5,000,000.00", "$20,000,000.00"] {
        assert!(text.contains(&format!("{v} {v} {v}")), "{v}");
    }
    assert!(text.contains("Ada Founder 8,000,000 $0.00 $0.00 $5,000,000.00 $5,000,000.00"));
}

#[test]
fn bad_input_is_refused_naming_the_field() {
    let d = demo();
    let mut i = input(&d);
    i.as_of = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
    let e = board_report(&i).unwrap_err();
    assert!(
        matches!(&e, ReportError::Input { field, .. } if field == "as_of"),
        "{e}"
    );

    let mut i = input(&d);
    i.exit_values =
        ExitValues::MultiplesOfLastPostMoney([Decimal::ONE, Decimal::NEGATIVE_ONE, Decimal::TWO]);
    let e = board_report(&i).unwrap_err();
    assert_eq!(e.to_string(), "exit_values.multiples[1]: -1 is negative");

    let mut other = d.plan.clone();
    other.currency = "EUR".parse().unwrap();
    let mut i = input(&d);
    i.compute = Some(ComputeInput {
        plan: &other,
        projection: &d.projection,
    });
    let e = board_report(&i).unwrap_err();
    assert!(e.to_string().starts_with("compute.plan.currency:"), "{e}");

    let mut i = input(&d);
    i.top_holders = 0;
    assert!(board_report(&i)
        .unwrap_err()
        .to_string()
        .starts_with("top_holders:"));
}

#[test]
fn the_fans_read_the_engines_measures() {
    // The report takes fans[0] as cash and fans[1] as the valuation mark, in the engine's order.
    assert_eq!(cpu::MEASURE_NAMES[roundbook_report::CASH], "cash");
    assert_eq!(cpu::MEASURE_NAMES[roundbook_report::MARK], "mark");
}
