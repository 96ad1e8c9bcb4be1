//! `roundbook bench`: speed measured, never asserted. Builds a large book
//! deterministically, then times what a user waits for.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use roundbook_application::forms::{Form, IssueForm};
use roundbook_ledger::*;
use roundbook_store::Store;

use crate::args::{BenchArgs, BenchWhat};
use crate::{CliError, CliResult};

/// A small deterministic generator (SplitMix64), so every run builds the same book.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

pub fn run(args: BenchArgs) -> CliResult {
    match args.what {
        BenchWhat::Captable {
            stakeholders,
            transactions,
            runs,
            keep,
        } => captable(stakeholders, transactions, runs, keep),
        BenchWhat::Append {
            stakeholders,
            transactions,
            appends,
        } => append(stakeholders, transactions, appends),
        BenchWhat::Round { safes, runs } => round(safes, runs),
    }
}

fn founded() -> NaiveDate {
    NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default()
}

/// Fills a book with `n` stakeholders and `m` journal entries that form a valid history.
pub fn generate(b: &mut Book, n: u64, m: u64) -> Result<NaiveDate, LedgerError> {
    let mut rng = Rng(42);
    let common = b.add_class(NewClass::common("Common", None))?;
    let mut pref = NewClass::common("Series Seed Preferred", None);
    pref.kind = ClassKind::Preferred;
    pref.original_issue_price = Some(Money::new(1.into(), b.company.currency));
    pref.preference_multiple = 1.into();
    let preferred = b.add_class(pref)?;
    let mut ids = Vec::with_capacity(n as usize);
    for i in 0..n {
        ids.push(b.add_stakeholder(NewStakeholder {
            name: format!("Holder {i:06}"),
            kind: StakeholderKind::Individual,
            relationships: vec![],
            provenance: Provenance::Illustrative,
            note: None,
        })?);
    }
    let start = founded();
    let plan = b.add_plan(NewPlan {
        name: "Plan".into(),
        class: common,
        adopted: start,
        reserved: 1_000_000_000_000,
        provenance: Provenance::Illustrative,
    })?;
    let price = Money::new(rust_decimal::Decimal::new(125, 2), b.company.currency);
    let mut common_held = vec![0u64; n as usize];
    // (grant, index of its holder, options left)
    let mut grants: Vec<(EntryId, usize, u64)> = vec![];
    let days = 3650u64;
    let mut last = start;
    for i in 0..m.saturating_sub(1) {
        let day = start + Days::new(i * days / m.max(1));
        last = day;
        let h = rng.below(n) as usize;
        let roll = rng.below(100);
        let movement = if roll < 20 && common_held[h] > 1 {
            let to = rng.below(n) as usize;
            if to == h {
                issue_common(&mut common_held, h, &mut rng, ids[h], common)
            } else {
                let k = 1 + rng.below(common_held[h] / 2);
                common_held[h] -= k;
                common_held[to] += k;
                Movement::Transfer {
                    from: ids[h],
                    to: ids[to],
                    class: common,
                    shares: k,
                    price_per_share: None,
                }
            }
        } else if roll < 35 {
            let options = 1 + rng.below(1000);
            Movement::OptionGrant {
                holder: ids[h],
                plan,
                options,
                exercise_price: price,
                expires: None,
            }
        } else if roll < 42 && !grants.is_empty() {
            let g = rng.below(grants.len() as u64) as usize;
            let (grant, holder, left) = grants[g];
            if left == 0 {
                issue_common(&mut common_held, h, &mut rng, ids[h], common)
            } else {
                let k = 1 + rng.below(left);
                grants[g].2 -= k;
                if roll < 39 {
                    common_held[holder] += k;
                    Movement::Exercise { grant, options: k }
                } else {
                    Movement::OptionCancellation { grant, options: k }
                }
            }
        } else if roll < 60 {
            Movement::StockIssuance {
                holder: ids[h],
                class: preferred,
                shares: 1 + rng.below(10_000),
                price_per_share: Some(price),
                round: None,
            }
        } else {
            issue_common(&mut common_held, h, &mut rng, ids[h], common)
        };
        let granted = match movement {
            Movement::OptionGrant { options, .. } => Some(options),
            _ => None,
        };
        let id = b.record(day, movement, None, Provenance::Illustrative)?;
        if let Some(options) = granted {
            grants.push((id, h, options));
        }
    }
    Ok(last)
}

fn issue_common(
    held: &mut [u64],
    h: usize,
    rng: &mut Rng,
    holder: StakeholderId,
    class: ClassId,
) -> Movement {
    let k = 1 + rng.below(10_000);
    held[h] += k;
    Movement::StockIssuance {
        holder,
        class,
        shares: k,
        price_per_share: None,
        round: None,
    }
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Builds the benchmark book of `n` stakeholders and `m` transactions at `path`; the date of its
/// last entry.
fn build(path: &std::path::Path, n: u64, m: u64) -> CliResult<NaiveDate> {
    if path.exists() {
        return Err(CliError::invalid(
            "keep",
            format!("{} already exists", path.display()),
        ));
    }
    // Pre-pooled plan entry counts as one of the m transactions.
    let company = Company {
        name: "Bench Co".into(),
        legal_name: "Bench Co".into(),
        founded: founded(),
        currency: Currency::USD,
        jurisdiction: String::new(),
    };
    eprintln!(
        "building a book of {n} stakeholders and {m} transactions at {} ...",
        path.display()
    );
    let t0 = Instant::now();
    let mut store = Store::create(path, &company)?;
    let as_of = store.transact(|b| CliResult::Ok(generate(b, n, m)?))?;
    eprintln!("built in {:.1} s", t0.elapsed().as_secs_f64());
    Ok(as_of)
}

fn median_ms(v: &mut [Duration]) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1000.0
}

/// One more entry into a large book, as a user records it (`roundbook issue`: the issue form
/// submitted to the store): dated on the last entry's day, `appends` times, each checked against
/// the replay's head; then one backdated to the middle of the history, which replays the
/// journal. The first entry after the book is built replays it too, and writes the head.
fn append(n: u64, m: u64, appends: u32) -> CliResult {
    let dir = std::env::temp_dir().join(format!("roundbook-bench-{}", std::process::id()));
    let path = dir.join("append.roundbook");
    let last = build(&path, n, m)?;
    let mut store = Store::open(&path)?;
    let mut issue = |day: NaiveDate| -> CliResult<Duration> {
        let form = IssueForm {
            holder: "Holder 000000".into(),
            class: "Common".into(),
            shares: "1".into(),
            date: day.to_string(),
            ..IssueForm::default()
        };
        let t = Instant::now();
        form.submit(&mut store)?;
        Ok(t.elapsed())
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let first = issue(last)?;
    let mut times = vec![];
    for _ in 0..appends.max(1) {
        times.push(issue(last)?);
    }
    let middle = founded() + Days::new((last - founded()).num_days() as u64 / 2);
    let backdated = issue(middle)?;
    let best = times.iter().min().copied().unwrap_or_default();
    let count = times.len();
    println!("one more entry into a book of {n} stakeholders and {m} transactions");
    println!(
        "  the first, which replays the journal and writes the replay's head: {:.0} ms",
        ms(first)
    );
    println!(
        "  dated on the last day, {count} times: median {:.1} ms, best {:.1} ms",
        median_ms(&mut times),
        ms(best)
    );
    println!(
        "  one backdated to {middle} (replays the journal, rewrites the head): {:.0} ms",
        ms(backdated)
    );
    if let Some(mib) = peak_rss_mib() {
        println!("  peak resident memory: {mib:.0} MiB");
    }
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn captable(n: u64, m: u64, runs: u32, keep: Option<PathBuf>) -> CliResult {
    let dir = std::env::temp_dir().join(format!("roundbook-bench-{}", std::process::id()));
    let path = keep.clone().unwrap_or_else(|| dir.join("bench.roundbook"));
    let as_of = build(&path, n, m)?;

    let mut load = vec![];
    let mut compute = vec![];
    let mut total = vec![];
    let mut fd = 0;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let store = Store::open(&path)?;
        let book = store.load_as_of(as_of)?;
        let loaded = t.elapsed();
        let ct = book.cap_table(as_of, &RoundingPolicy::default())?;
        let all = t.elapsed();
        fd = ct.totals.fully_diluted;
        load.push(loaded);
        compute.push(all - loaded);
        total.push(all);
    }
    let (ml, mc) = (median_ms(&mut load), median_ms(&mut compute));
    let mt = median_ms(&mut total);
    println!(
        "cap table as of {as_of} from the file: {n} stakeholders, {m} transactions, {} runs",
        runs.max(1)
    );
    println!("  median total {mt:.0} ms  (open + load {ml:.0} ms, replay + table {mc:.0} ms); best {:.0} ms", total[0].as_secs_f64() * 1000.0);
    println!("  fully diluted shares: {fd}");
    if let Some(mib) = peak_rss_mib() {
        println!("  peak resident memory: {mib:.0} MiB");
    }
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(())
}

/// A seed company with `n` SAFEs and notes, then a Series A that converts them all.
fn round(n: u32, runs: u32) -> CliResult {
    let currency = Currency::USD;
    let usd = |units: i64| Money::new(rust_decimal::Decimal::from(units), currency);
    let mut b = Book::new(Company {
        name: "Bench Co".into(),
        legal_name: "Bench Co".into(),
        founded: founded(),
        currency,
        jurisdiction: String::new(),
    })?;
    let common = b.add_class(NewClass::common("Common", None))?;
    let mut series = NewClass::common("Series A", None);
    series.kind = ClassKind::Preferred;
    let series = b.add_class(series)?;
    let plan = b.add_plan(NewPlan {
        name: "Plan".into(),
        class: common,
        adopted: founded(),
        reserved: 1_000_000,
        provenance: Provenance::Illustrative,
    })?;
    let founder = b.add_stakeholder(NewStakeholder {
        name: "Founder".into(),
        kind: StakeholderKind::Individual,
        relationships: vec![],
        provenance: Provenance::Illustrative,
        note: None,
    })?;
    b.record(
        founded(),
        Movement::StockIssuance {
            holder: founder,
            class: common,
            shares: 10_000_000,
            price_per_share: None,
            round: None,
        },
        None,
        Provenance::Illustrative,
    )?;
    let mut rng = Rng(7);
    for k in 0..n {
        let holder = b.add_stakeholder(NewStakeholder {
            name: format!("Investor {k:03}"),
            kind: StakeholderKind::Institution,
            relationships: vec![],
            provenance: Provenance::Illustrative,
            note: None,
        })?;
        let day = founded() + Days::new(30 + u64::from(k));
        let cap = Some(usd(8_000_000 + 1_000_000 * rng.below(20) as i64));
        let discount =
            (rng.below(3) > 0).then(|| rust_decimal::Decimal::new(10 + 5 * rng.below(3) as i64, 2));
        let terms = if k % 5 == 4 {
            ConvertibleTerms::Note {
                principal: usd(50_000 + 10_000 * rng.below(10) as i64),
                interest_rate: rust_decimal::Decimal::new(6, 2),
                compounding: Compounding::Simple,
                day_count: DayCount::Act365,
                maturity: day + Days::new(730),
                valuation_cap: cap,
                discount,
            }
        } else {
            ConvertibleTerms::Safe {
                investment: usd(25_000 + 25_000 * rng.below(8) as i64),
                timing: if k % 3 == 0 {
                    SafeTiming::PreMoney
                } else {
                    SafeTiming::PostMoney
                },
                valuation_cap: if k % 7 == 6 { None } else { cap },
                discount,
                mfn: k % 7 == 6,
            }
        };
        b.record(
            day,
            Movement::ConvertibleIssuance { holder, terms },
            None,
            Provenance::Illustrative,
        )?;
    }
    let lead = b.add_stakeholder(NewStakeholder {
        name: "Lead".into(),
        kind: StakeholderKind::Institution,
        relationships: vec![],
        provenance: Provenance::Illustrative,
        note: None,
    })?;
    b.check(Mark::default())?;
    let model = RoundModel {
        pool: Some(PoolTopUp {
            plan,
            size: PoolSize::Target(rust_decimal::Decimal::new(10, 2)),
            timing: PoolTiming::PreMoney,
        }),
        ..RoundModel::new(
            "Series A",
            founded() + Days::new(400),
            series,
            RoundValuation::PreMoney(usd(30_000_000)),
            vec![Investment {
                investor: lead,
                amount: usd(8_000_000),
            }],
        )
    };
    let mut times = vec![];
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let o = b.model_round(&model)?;
        times.push(t.elapsed());
        last = Some(o);
    }
    times.sort();
    let o = last.ok_or_else(|| CliError::invalid("runs", "at least one run"))?;
    println!("round model with {n} SAFEs and notes converting (pool top-up, mixed caps and discounts), {} runs", runs.max(1));
    println!(
        "  median {:.2} ms, best {:.2} ms",
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3
    );
    println!(
        "  price {}, conversion shares {}, pool top-up {}",
        o.price_per_share, o.conversion_shares, o.pool_increase
    );
    Ok(())
}
