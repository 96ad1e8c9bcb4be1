//! Export a book, validate the package against the OCF v1.2.0 schemas, import it into a
//! new book: the cap table is the same, holder by holder and class by class.

mod common;

use chrono::{DateTime, NaiveDate};
use common::*;
use proptest::prelude::*;
use roundbook_ledger::example::{populate_xai, xai_company};
use roundbook_ledger::*;
use roundbook_ocf::{export_package, ExportOptions, Limits, Package};
use rust_decimal::Decimal;

fn options() -> ExportOptions {
    ExportOptions::new(DateTime::from_timestamp(1_716_681_600, 0).unwrap())
}

fn xai() -> Book {
    let mut book = Book::new(xai_company()).unwrap();
    populate_xai(&mut book).unwrap();
    book
}

fn assert_valid(pkg: &Package) {
    let mut errors = schema_errors(pkg.manifest());
    for f in pkg.files() {
        errors.extend(schema_errors(&f.json));
    }
    assert_eq!(errors, Vec::<String>::new());
}

/// Zip bytes -> package -> new book, as `roundbook import ocf` does.
fn through_zip(pkg: &Package) -> Book {
    let bytes = pkg.to_zip_bytes().unwrap();
    let read = Package::from_zip_bytes(&bytes, &Limits::default()).unwrap();
    import(&read).unwrap().0
}

fn same_cap_table(a: &Book, b: &Book, as_of: NaiveDate) {
    let ta = a.cap_table(as_of, &RoundingPolicy::default()).unwrap();
    let tb = b.cap_table(as_of, &RoundingPolicy::default()).unwrap();
    assert_eq!(holdings(&tb), holdings(&ta), "holdings on {as_of}");
    assert_eq!(holders(&tb), holders(&ta), "holders on {as_of}");
    assert_eq!(classes(&tb), classes(&ta), "classes on {as_of}");
    assert_eq!(tb.totals, ta.totals, "totals on {as_of}");
    let pct = |t: &CapTable| {
        t.holders
            .iter()
            .map(|h| (h.name.clone(), h.fully_diluted_pct))
            .collect::<Vec<_>>()
    };
    assert_eq!(pct(&tb), pct(&ta));
    let conv = |t: &CapTable| {
        t.convertibles
            .iter()
            .map(|c| (c.name.clone(), c.kind, c.amount, c.issued))
            .collect::<Vec<_>>()
    };
    assert_eq!(conv(&tb), conv(&ta));
}

#[test]
fn xai_example_exports_valid_ocf_and_imports_to_the_same_cap_table() {
    let book = xai();
    let pkg = export_package(&book, &options()).unwrap();
    assert_valid(&pkg);
    // The manifest's MD5s are those of the bytes written.
    for f in pkg.files() {
        let listed = pkg.manifest()[f.file_type.manifest_key()][0]["md5"]
            .as_str()
            .unwrap();
        assert_eq!(listed, roundbook_ocf::package::md5_hex(&f.bytes));
    }
    assert_eq!(pkg.manifest()["issuer"]["country_of_formation"], "US");
    assert_eq!(
        pkg.manifest()["issuer"]["country_subdivision_of_formation"],
        "NV"
    );
    assert_eq!(pkg.manifest()["as_of"], "2024-05-26");

    let back = through_zip(&pkg);
    for d in [
        "2023-07-12",
        "2023-09-01",
        "2023-12-05",
        "2024-05-25",
        "2024-05-26",
        "2030-01-01",
    ] {
        same_cap_table(&book, &back, date(d));
    }
    // The figures a user checks first (illustrative counts, from the example):
    // 900M + 60M founders, 120M pool, 120M Series A, 400M Series B = 1.6B fully diluted.
    let t = table(&back, "2024-05-26");
    assert_eq!(t.totals.fully_diluted, 1_600_000_000);
    // Labels survive: illustrative stays illustrative, public stays public.
    for (a, b) in book.stakeholders().iter().zip(back.stakeholders()) {
        assert_eq!(
            (&a.name, a.provenance, &a.relationships, &a.note),
            (&b.name, b.provenance, &b.relationships, &b.note)
        );
    }
    for (a, b) in book.classes().iter().zip(back.classes()) {
        assert_eq!(a.seniority, b.seniority, "{}", a.name);
        assert_eq!(a.anti_dilution, b.anti_dilution, "{}", a.name);
        // Exact decimal strings: $1.12500 stays "1.12500", not "1.125".
        let oip = |c: &ShareClass| c.original_issue_price.map(|p| p.amount.to_string());
        assert_eq!(oip(a), oip(b), "{}", a.name);
        assert_eq!(a.provenance, b.provenance, "{}", a.name);
        assert_eq!(a.authorized, b.authorized, "{}", a.name);
    }
    // Rounds leave as OCF financings naming their issuances.
    let fin = pkg
        .files()
        .iter()
        .find(|f| f.path == "Financings.ocf.json")
        .unwrap();
    let names: Vec<_> = fin
        .items()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Series A", "Series B"]);
    assert_eq!(fin.items()[1]["issuance_ids"].as_array().unwrap().len(), 6);
}

#[test]
fn export_and_import_of_a_zip_file_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("xai.ocf.zip");
    export_package(&xai(), &options())
        .unwrap()
        .write_zip(&path)
        .unwrap();
    let back = import(&Package::read(&path).unwrap()).unwrap().0;
    same_cap_table(&xai(), &back, date("2024-05-26"));
}

fn usd(s: &str) -> Money {
    Money::new(Decimal::from_str_exact(s).unwrap(), Currency::USD)
}

/// A small company whose history exercises every movement the exporter writes.
fn acme() -> Book {
    let mut b = Book::new(Company {
        name: "Acme".into(),
        legal_name: "Acme, Inc.".into(),
        founded: date("2020-01-15"),
        currency: Currency::USD,
        jurisdiction: "Delaware, United States".into(),
    })
    .unwrap();
    let person = |name: &str| NewStakeholder {
        name: name.into(),
        kind: StakeholderKind::Individual,
        relationships: vec![Relationship::Founder, Relationship::Board],
        provenance: Provenance::Recorded,
        note: None,
    };
    let ada = b.add_stakeholder(person("Ada")).unwrap();
    let bob = b.add_stakeholder(person("Bob")).unwrap();
    let fund = b.add_stakeholder(person("Seed Fund")).unwrap();
    let common = b
        .add_class(NewClass::common("Common", Some(10_000_000)))
        .unwrap();
    let mut seed = NewClass::for_round(&b, "Seed Preferred", Some(usd("1.25")), None);
    seed.participation = Participation::Capped {
        cap_multiple: Decimal::from(3),
    };
    seed.conversion_ratio = Decimal::from_str_exact("1.5").unwrap();
    let seed = b.add_class(seed).unwrap();
    let plan = b
        .add_plan(NewPlan {
            name: "2020 Plan".into(),
            class: common,
            adopted: date("2020-02-01"),
            reserved: 1_000_000,
            provenance: Provenance::Recorded,
        })
        .unwrap();
    let rec = |b: &mut Book, d: &str, m: Movement| {
        b.record(date(d), m, Some("memo".into()), Provenance::Recorded)
            .unwrap()
    };
    rec(
        &mut b,
        "2020-01-15",
        Movement::StockIssuance {
            holder: ada,
            class: common,
            shares: 4_000_000,
            price_per_share: Some(usd("0.0001")),
            round: None,
        },
    );
    rec(
        &mut b,
        "2020-01-16",
        Movement::StockIssuance {
            holder: ada,
            class: common,
            shares: 1_000_000,
            price_per_share: None,
            round: None,
        },
    );
    rec(
        &mut b,
        "2020-03-01",
        Movement::Transfer {
            from: ada,
            to: bob,
            class: common,
            shares: 4_500_000,
            price_per_share: None,
        },
    );
    rec(
        &mut b,
        "2020-04-01",
        Movement::StockCancellation {
            holder: bob,
            class: common,
            shares: 100_000,
        },
    );
    rec(
        &mut b,
        "2020-04-02",
        Movement::Repurchase {
            holder: ada,
            class: common,
            shares: 200_000,
            price_per_share: usd("0.01"),
        },
    );
    let grant = rec(
        &mut b,
        "2020-05-01",
        Movement::OptionGrant {
            holder: bob,
            plan,
            options: 300_000,
            exercise_price: usd("0.10"),
            expires: Some(date("2030-04-30")),
        },
    );
    rec(
        &mut b,
        "2021-05-01",
        Movement::Exercise {
            grant,
            options: 50_000,
        },
    );
    rec(
        &mut b,
        "2021-06-01",
        Movement::OptionCancellation {
            grant,
            options: 100_000,
        },
    );
    rec(
        &mut b,
        "2021-07-01",
        Movement::PoolIncrease {
            plan,
            shares: 500_000,
        },
    );
    let safe = rec(
        &mut b,
        "2021-08-01",
        Movement::ConvertibleIssuance {
            holder: fund,
            terms: ConvertibleTerms::Safe {
                investment: usd("500000"),
                timing: SafeTiming::PostMoney,
                valuation_cap: Some(usd("8000000")),
                discount: Some(Decimal::from_str_exact("0.20").unwrap()),
                mfn: false,
            },
        },
    );
    rec(
        &mut b,
        "2021-08-02",
        Movement::ConvertibleIssuance {
            holder: bob,
            terms: ConvertibleTerms::Note {
                principal: usd("100000"),
                interest_rate: Decimal::from_str_exact("0.08").unwrap(),
                compounding: Compounding::Compound,
                day_count: DayCount::Act365,
                maturity: date("2023-08-02"),
                valuation_cap: None,
                discount: None,
            },
        },
    );
    rec(
        &mut b,
        "2022-01-10",
        Movement::ConvertibleConversion {
            instrument: safe,
            class: seed,
            shares: 400_000,
        },
    );
    rec(
        &mut b,
        "2022-02-01",
        Movement::StockConversion {
            holder: fund,
            from_class: seed,
            shares: 100_000,
            to_class: common,
            resulting_shares: 150_000,
        },
    );
    rec(
        &mut b,
        "2022-03-01",
        Movement::ConversionRatioAdjustment {
            class: seed,
            new_ratio: Decimal::from_str_exact("1.6").unwrap(),
            reason: "broad-based weighted average".into(),
        },
    );
    let wrong = rec(
        &mut b,
        "2022-04-01",
        Movement::StockIssuance {
            holder: fund,
            class: common,
            shares: 7,
            price_per_share: None,
            round: None,
        },
    );
    b.record(
        date("2022-04-01"),
        Movement::Reversal {
            reverses: wrong,
            reason: "entered twice".into(),
        },
        None,
        Provenance::Recorded,
    )
    .unwrap();
    let later = rec(
        &mut b,
        "2022-05-01",
        Movement::StockIssuance {
            holder: fund,
            class: common,
            shares: 9,
            price_per_share: None,
            round: None,
        },
    );
    b.record(
        date("2022-06-01"),
        Movement::Reversal {
            reverses: later,
            reason: "rescinded".into(),
        },
        None,
        Provenance::Recorded,
    )
    .unwrap();
    b.check(Book::new(b.company.clone()).unwrap().mark())
        .unwrap();
    b
}

#[test]
fn every_movement_round_trips_on_every_date() {
    let book = acme();
    let pkg = export_package(&book, &options()).unwrap();
    assert_valid(&pkg);
    let back = through_zip(&pkg);
    for e in book.entries() {
        same_cap_table(&book, &back, e.effective);
        same_cap_table(&book, &back, e.effective.pred_opt().unwrap());
    }
    // Hand check on 2022-12-31: Ada 4M + 1M - 4.5M - 0.2M = 300,000 Common; Bob 4.5M - 0.1M +
    // 50,000 exercised = 4,450,000; Seed Fund 150,000 Common and 300,000 Seed at 1.6 = 480,000.
    let t = table(&back, "2022-12-31");
    assert_eq!(
        holdings(&t),
        vec![
            ("Ada".into(), "Common".into(), 300_000, 300_000),
            ("Bob".into(), "Common".into(), 4_450_000, 4_450_000),
            ("Seed Fund".into(), "Common".into(), 150_000, 150_000),
            (
                "Seed Fund".into(),
                "Seed Preferred".into(),
                300_000,
                480_000
            ),
        ]
    );
    // Options 300,000 - 50,000 - 100,000 = 150,000; pool 1.5M - 150,000 - 50,000 = 1,300,000.
    assert_eq!(
        (t.totals.options, t.totals.pool_available),
        (150_000, 1_300_000)
    );
    let seed = back
        .classes()
        .iter()
        .find(|c| c.name == "Seed Preferred")
        .unwrap();
    assert_eq!(
        seed.participation,
        Participation::Capped {
            cap_multiple: Decimal::from(3)
        }
    );
    assert_eq!(
        seed.conversion_ratio,
        Decimal::from_str_exact("1.5").unwrap()
    );
    // The note is still outstanding, with its terms.
    assert_eq!(t.convertibles.len(), 1);
    let note = back.entries().iter().find_map(|e| match &e.movement {
        Movement::ConvertibleIssuance {
            terms: t @ ConvertibleTerms::Note { .. },
            ..
        } => Some(t.clone()),
        _ => None,
    });
    assert_eq!(
        note,
        book.entries().iter().find_map(|e| match &e.movement {
            Movement::ConvertibleIssuance {
                terms: t @ ConvertibleTerms::Note { .. },
                ..
            } => Some(t.clone()),
            _ => None,
        })
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Random issuances, transfers, cancellations and grants: the cap table survives the trip.
    #[test]
    fn random_histories_round_trip(ops in proptest::collection::vec((0u8..5, 0usize..3, 0usize..3, 1u64..1000), 1..25)) {
        let mut b = Book::new(Company { name: "Prop".into(), legal_name: "Prop".into(), founded: date("2020-01-01"), currency: Currency::USD, jurisdiction: "US".into() }).unwrap();
        let people: Vec<_> = (0..3).map(|i| b.add_stakeholder(NewStakeholder { name: format!("H{i}"), kind: StakeholderKind::Individual, relationships: vec![], provenance: Provenance::Recorded, note: None }).unwrap()).collect();
        let common = b.add_class(NewClass::common("Common", None)).unwrap();
        let plan = b.add_plan(NewPlan { name: "Plan".into(), class: common, adopted: date("2020-01-01"), reserved: 100_000, provenance: Provenance::Recorded }).unwrap();
        let mut day = date("2020-01-02");
        let mut grants = vec![];
        for (op, a, c, n) in ops {
            day = day.succ_opt().unwrap();
            let m = b.mark();
            let mv = match op {
                0 => Movement::StockIssuance { holder: people[a], class: common, shares: n, price_per_share: None, round: None },
                1 => Movement::Transfer { from: people[a], to: people[c], class: common, shares: n, price_per_share: None },
                2 => Movement::StockCancellation { holder: people[a], class: common, shares: n },
                3 => Movement::OptionGrant { holder: people[a], plan, options: n, exercise_price: Money::zero(Currency::USD), expires: None },
                _ => match grants.get(c) { Some(&g) => Movement::Exercise { grant: g, options: n }, None => continue },
            };
            let Ok(id) = b.record(day, mv, None, Provenance::Recorded) else { continue };
            if b.check(m).is_err() {
                // The ledger refused the history: start over from what stood (a copy before).
                let mut copy = Book::new(b.company.clone()).unwrap();
                std::mem::swap(&mut copy, &mut b);
                b = Book::from_parts(copy.company.clone(), copy.stakeholders().to_vec(), copy.classes().to_vec(), copy.plans().to_vec(), copy.rounds().to_vec(), copy.valuations().to_vec(), copy.entries()[..copy.entries().len() - 1].to_vec());
                continue;
            }
            if op == 3 { grants.push(id); }
        }
        let pkg = export_package(&b, &options()).unwrap();
        let back = through_zip(&pkg);
        same_cap_table(&b, &back, day);
    }
}

/// A journal longer than one file's worth is written as several transaction files, in order.
#[test]
fn a_long_journal_spans_several_transaction_files() {
    let mut b = Book::new(Company {
        name: "Long".into(),
        legal_name: "Long".into(),
        founded: date("2020-01-01"),
        currency: Currency::USD,
        jurisdiction: "US".into(),
    })
    .unwrap();
    let h = b
        .add_stakeholder(NewStakeholder {
            name: "H".into(),
            kind: StakeholderKind::Individual,
            relationships: vec![],
            provenance: Provenance::Recorded,
            note: None,
        })
        .unwrap();
    let c = b.add_class(NewClass::common("Common", None)).unwrap();
    let n = roundbook_ocf::export::TRANSACTIONS_PER_FILE + 1;
    for _ in 0..n {
        b.record(
            date("2020-01-02"),
            Movement::StockIssuance {
                holder: h,
                class: c,
                shares: 1,
                price_per_share: None,
                round: None,
            },
            None,
            Provenance::Recorded,
        )
        .unwrap();
    }
    let pkg = export_package(&b, &options()).unwrap();
    let tx: Vec<_> = pkg
        .files()
        .iter()
        .filter(|f| f.file_type == roundbook_ocf::FileType::Transactions)
        .map(|f| (f.path.clone(), f.items().len()))
        .collect();
    assert_eq!(
        tx,
        vec![
            ("Transactions-1.ocf.json".to_string(), n - 1),
            ("Transactions-2.ocf.json".to_string(), 1)
        ]
    );
    let back = through_zip(&pkg);
    assert_eq!(table(&back, "2020-01-02").totals.outstanding, n as u64);
}

/// A 4:1 split of Common after the xAI example's Series B (Apple's 2020 ratio), then an
/// authorised-shares adjustment: the package validates, names both transactions, and imports
/// to the same cap table before and after the split.
#[test]
fn a_split_and_an_authorised_shares_adjustment_round_trip() {
    let mut book = xai();
    let common = book
        .classes()
        .iter()
        .find(|c| c.kind == ClassKind::Common)
        .unwrap()
        .id;
    let on = NaiveDate::from_ymd_opt(2024, 12, 2).unwrap();
    let mark = book.mark();
    book.record_split(on, common, 4, 1, None, Provenance::Recorded)
        .unwrap();
    let authorized = book
        .cap_table(on, &RoundingPolicy::default())
        .unwrap()
        .classes
        .iter()
        .find(|c| c.class == common)
        .and_then(|c| c.authorized)
        .map_or(10_000_000_000, |a| a + 1_000_000);
    book.record(
        on,
        Movement::AuthorizedSharesAdjustment {
            class: common,
            authorized,
        },
        None,
        Provenance::Recorded,
    )
    .unwrap();
    book.check(mark).unwrap();

    let pkg = export_package(&book, &options()).unwrap();
    assert_valid(&pkg);
    let kinds: Vec<String> = pkg
        .files()
        .iter()
        .flat_map(|f| f.items())
        .filter_map(|v| v["object_type"].as_str().map(str::to_string))
        .collect();
    assert!(kinds.iter().any(|k| k == "TX_STOCK_CLASS_SPLIT"));
    assert!(kinds
        .iter()
        .any(|k| k == "TX_STOCK_CLASS_AUTHORIZED_SHARES_ADJUSTMENT"));
    let back = through_zip(&pkg);
    same_cap_table(&book, &back, NaiveDate::from_ymd_opt(2024, 12, 1).unwrap());
    same_cap_table(&book, &back, on);
    let before = book
        .cap_table(
            NaiveDate::from_ymd_opt(2024, 12, 1).unwrap(),
            &RoundingPolicy::default(),
        )
        .unwrap();
    let after = back.cap_table(on, &RoundingPolicy::default()).unwrap();
    assert_eq!(after.totals.fully_diluted, before.totals.fully_diluted * 4);
}
