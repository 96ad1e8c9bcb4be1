//! How long the exit waterfall takes: 20 share classes (common and 19 preferred of every kind:
//! non-participating, participating, capped; stacked and pari passu; some conversion ratios
//! other than 1), 10 holders per class, 100 option grants at various strikes, over 1,000 exit
//! values. Not a test: it prints the elapsed time.
//!
//! cargo run --release -p roundbook-ledger --example bench_waterfall

use std::hint::black_box;
use std::time::Instant;

use roundbook_ledger::waterfall::*;
use roundbook_ledger::{Currency, Participation, RoundingPolicy};
use rust_decimal::Decimal;

const CLASSES: usize = 20;
const HOLDERS_PER_CLASS: usize = 10;
const GRANTS: usize = 100;
const EXITS: u32 = 1_000;

fn capitalisation() -> Capitalisation {
    let mut classes = vec![WaterfallClass::common("Common")];
    for i in 1..CLASSES {
        let participation = match i % 3 {
            0 => Participation::None,
            1 => Participation::Full,
            _ => Participation::Capped {
                cap_multiple: Decimal::from(2 + i % 3),
            },
        };
        let mut c = WaterfallClass::preferred(
            &format!("Series {i}"),
            Decimal::new(50 * i as i64 + 7, 2), // $0.57, $1.07, ...
            Decimal::new(10 + 5 * (i % 3) as i64, 1), // 1x, 1.5x, 2x
            participation,
            (i / 2) as i32, // pairs of rounds pari passu, later rounds senior
        );
        if i % 4 == 0 {
            c.conversion_ratio = Decimal::new(105, 2);
        }
        classes.push(c);
    }
    let mut holdings = Vec::new();
    for (i, c) in classes.iter().enumerate() {
        for h in 0..HOLDERS_PER_CLASS {
            holdings.push(WaterfallHolding {
                holder: format!("Holder {}", (i * 7 + h) % 60),
                class: c.name.clone(),
                shares: 100_000 + (i as u64 * 37_171 + h as u64 * 9_973) % 900_000,
                invested: None,
            });
        }
    }
    let options = (0..GRANTS)
        .map(|g| WaterfallOption {
            holder: format!("Employee {g}"),
            class: "Common".into(),
            count: 10_000 + (g as u64 * 7_919) % 90_000,
            strike: Decimal::new(5 + 13 * g as i64, 2),
            kind: if g % 10 == 0 {
                OptionKind::Warrant
            } else {
                OptionKind::Option
            },
        })
        .collect();
    Capitalisation {
        currency: Currency::USD,
        classes,
        holdings,
        options,
        convertibles: vec![],
        conventions: ExitConventions::default(),
    }
}

fn main() {
    let cap = capitalisation();
    let rounding = RoundingPolicy::default();
    let top = Decimal::from(2_000_000_000u64);
    let exits: Vec<Decimal> = (1..=EXITS)
        .map(|i| (top * Decimal::from(i) / Decimal::from(EXITS)).round_dp(2))
        .collect();

    let start = Instant::now();
    let mut distributed = Decimal::ZERO;
    for &x in &exits {
        let o = waterfall(&cap, &ExitTerms::new(x), &rounding).expect("a waterfall");
        distributed += black_box(o).total_distributed.amount;
    }
    let each = start.elapsed();

    let start = Instant::now();
    let range = waterfall_range(
        &cap,
        Decimal::ZERO,
        top,
        EXITS - 1,
        Decimal::ZERO,
        Decimal::ZERO,
        &rounding,
    )
    .expect("a range");
    let ranged = start.elapsed();

    let start = Instant::now();
    let bps = breakpoints(&cap, &ExitTerms::new(Decimal::ZERO), &rounding).expect("breakpoints");
    let bp_time = start.elapsed();

    println!(
        "waterfall: {} classes, {} holdings, {} option grants",
        cap.classes.len(),
        cap.holdings.len(),
        cap.options.len()
    );
    println!(
        "  {EXITS} calls of waterfall():        {:>10.2?}  ({:.1?} per exit value)",
        each,
        each / EXITS
    );
    println!(
        "  waterfall_range() over {} values: {:>10.2?}",
        range.len(),
        ranged
    );
    println!(
        "  breakpoints():                    {:>10.2?}  ({} breakpoints)",
        bp_time,
        bps.len()
    );
    println!("  (checksum: {distributed} distributed over all exits)");
}
