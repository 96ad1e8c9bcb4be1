//! `roundbook simulate`: a scenario file in, a Monte Carlo run on the GPU or the CPU, its
//! summary out.
//! The start capitalisation is the scenario's own, or the book's on the scenario's start date.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use roundbook_ledger::{Participation, RoundingPolicy};
use roundbook_sim::backend::{self, RunError, RunRequest};
use roundbook_sim::cpu::{self, MEASURE_NAMES};
use roundbook_sim::kernel::Params;
use roundbook_sim::scenario::{Backend, Scenario, StartClass};
use roundbook_store::Store;
use rust_decimal::prelude::ToPrimitive;
use sha2::{Digest, Sha256};

use crate::args::SimulateArgs;
use crate::{CliError, CliResult};

static CANCEL: AtomicBool = AtomicBool::new(false);

fn invalid(file: &Path, path: &str, message: &str) -> CliError {
    CliError {
        code: "invalid",
        field: None,
        message: format!("{}: {path}: {message}", file.display()),
    }
}

/// A holder of the book: its fully diluted shares, and its part of each class (by index).
struct Holder {
    name: String,
    fully_diluted: u64,
    parts: Vec<(usize, f64)>,
}

/// The book's capitalisation on a date, as MODEL.md's classes: options count as a
/// common-equivalent class (v1 ignores strikes), the unallocated pool apart; and its holders.
fn classes_from_book(book: &Path, date: &str) -> CliResult<(Vec<StartClass>, f64, Vec<Holder>)> {
    let day = crate::write::date("start.date", date)?;
    let store = Store::open(book)?;
    let b = store.load_as_of(day)?;
    let table = b.cap_table(day, &RoundingPolicy::default())?;
    let mut classes = vec![];
    for row in table.classes.iter().filter(|r| r.shares > 0) {
        let Some(c) = b.class(row.class) else {
            continue;
        };
        let oip = c
            .original_issue_price
            .map_or(0.0, |p| p.amount.to_f64().unwrap_or(0.0));
        classes.push(StartClass {
            name: c.name.clone(),
            shares: row.as_converted as f64,
            preference: c.preference_multiple.to_f64().unwrap_or(0.0) * oip * row.shares as f64,
            participating: !matches!(c.participation, Participation::None),
            seniority: c.seniority,
        });
    }
    let index_of = |name: &str, classes: &[StartClass]| classes.iter().position(|c| c.name == name);
    let mut holders: Vec<Holder> = table
        .holders
        .iter()
        .map(|h| Holder {
            name: h.name.clone(),
            fully_diluted: h.fully_diluted,
            parts: h
                .holdings
                .iter()
                .filter_map(|x| {
                    let i = index_of(&x.class_name, &classes)?;
                    Some((i, x.as_converted as f64 / classes[i].shares))
                })
                .collect(),
        })
        .collect();
    if table.totals.options > 0 {
        let i = classes.len();
        for (h, row) in holders.iter_mut().zip(&table.holders) {
            if row.options > 0 {
                h.parts
                    .push((i, row.options as f64 / table.totals.options as f64));
            }
        }
        classes.push(StartClass {
            name: "Options (common-equivalent)".into(),
            shares: table.totals.options as f64,
            preference: 0.0,
            participating: false,
            seniority: 0,
        });
    }
    Ok((classes, table.totals.pool_available as f64, holders))
}

pub fn run(book: &Path, a: SimulateArgs, json: bool, out: &mut String) -> CliResult {
    let file = a.scenario.as_path();
    let text = std::fs::read_to_string(file).map_err(|e| CliError::io(file, e))?;
    let mut s = Scenario::parse(&text).map_err(|e| invalid(file, &e.path, &e.message))?;
    if let Some(p) = a.paths {
        s.simulation.paths = p;
    }
    if let Some(seed) = a.seed {
        s.simulation.seed = seed;
    }
    if let Some(b) = &a.backend {
        s.simulation.backend = match b.as_str() {
            "auto" => Backend::Auto,
            "cpu" => Backend::Cpu,
            "gpu" => Backend::Gpu,
            other => {
                return Err(CliError::usage(
                    "backend",
                    format!("'{other}' is not auto, cpu or gpu"),
                ))
            }
        };
    }
    let samplers = s
        .validate()
        .map_err(|e| invalid(file, &e.path, &e.message))?;
    let mut holders = vec![];
    if s.start.classes.is_none() {
        let (classes, pool, from_book) = classes_from_book(book, &s.start.date)?;
        holders = from_book;
        if classes.is_empty() {
            return Err(invalid(
                file,
                "start.classes",
                "the book holds no shares on the start date",
            ));
        }
        s.start.classes = Some(classes);
        s.start.pool_available = pool;
    }
    let params =
        Params::new(&s, samplers).ok_or_else(|| invalid(file, "start.classes", "no classes"))?;
    let class_names: Vec<String> = s
        .start
        .classes
        .iter()
        .flatten()
        .map(|c| c.name.clone())
        .collect();

    // Ctrl-C sets the flag; the run stops at its next chunk of paths and returns nothing.
    CANCEL.store(false, Ordering::SeqCst);
    let _ = ctrlc::set_handler(|| CANCEL.store(true, Ordering::SeqCst));
    let paths = s.simulation.paths;
    let started = Instant::now();
    let last = Mutex::new(Instant::now());
    let progress = |done: u64| {
        let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
        if last.elapsed().as_millis() >= 200 || done == paths {
            *last = Instant::now();
            let pct = done * 100 / paths.max(1);
            let bar: String = (0..40)
                .map(|i| if i * 100 / 40 < pct { '#' } else { ' ' })
                .collect();
            eprint!("\rsimulating [{bar}] {pct:>3}% {done}/{paths} paths");
        }
    };
    if a.batch == Some(0) {
        return Err(CliError::usage("batch", "must be at least 1 path"));
    }
    let request = RunRequest {
        backend: s.simulation.backend,
        paths,
        threads: a.threads,
        batch: a.batch,
        cancel: &CANCEL,
        progress: &progress,
    };
    let (summary, ran) = backend::run(&params, &request).map_err(|e| {
        eprintln!();
        match e {
            RunError::Cancelled => CliError {
                code: "cancelled",
                field: None,
                message: "cancelled: the run stopped and no result was written".into(),
            },
            RunError::Gpu(e) => CliError {
                code: "gpu",
                field: Some("backend"),
                message: format!("backend: {e} (--backend auto falls back to the CPU)"),
            },
        }
    })?;
    eprintln!();
    if let Some(notice) = &ran.notice {
        eprintln!("roundbook: {notice}");
    }
    let secs = started.elapsed().as_secs_f64();
    let hash: String = Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let meta = serde_json::json!({
        "scenario": file.display().to_string(),
        "scenario_sha256": hash,
        "seed": s.simulation.seed,
        "paths": paths,
        "horizon_months": s.simulation.horizon_months,
        "backend": ran.backend,
        "adapter": ran.adapter,
        "engine_version": env!("CARGO_PKG_VERSION"),
        "seconds": secs,
        "classes": class_names,
    });
    // Per holder (MODEL.md: ownership = shares / F; payout = the class's times its part of it).
    let h_last = s.simulation.horizon_months as usize - 1;
    let fd = &summary.fans[3][h_last];
    let holder_rows: Vec<serde_json::Value> = holders
        .iter()
        .map(|x| {
            let own = |f: f64| if f > 0.0 { x.fully_diluted as f64 / f } else { f64::NAN };
            let payout: f64 = x.parts.iter().map(|(i, part)| part * summary.payout_mean.get(*i).copied().unwrap_or(0.0)).sum();
            let se_bound: f64 = x.parts.iter().map(|(i, part)| part * summary.payout_se.get(*i).copied().unwrap_or(0.0)).sum();
            // A holder in one class gets a fixed part of that class's payout: its distribution
            // scales. For a holder in several classes only the mean adds up.
            let percentiles = match x.parts.as_slice() {
                [(i, part)] => summary.finals.get(4 + i).map(|f| f.percentiles.map(|q| q * part)),
                _ => None,
            };
            serde_json::json!({
                "holder": x.name,
                "exit_payout_percentiles": percentiles,
                "fully_diluted_shares": x.fully_diluted,
                // More shares outstanding means a smaller stake: P5 of ownership is shares / P95 of F.
                "ownership_at_horizon": { "p5": own(fd.percentiles[4]), "p50": own(fd.percentiles[2]), "p95": own(fd.percentiles[0]) },
                "exit_payout_mean": payout,
                "exit_payout_se_bound": se_bound,
            })
        })
        .collect();
    let names = cpu::final_names(&class_names, s.funding.max_rounds);
    let finals: Vec<serde_json::Value> = names
        .iter()
        .zip(&summary.finals)
        .map(|(name, fan)| serde_json::json!({ "name": name, "fan": fan }))
        .collect();
    let mut result = serde_json::json!({ "run": meta, "summary": summary, "holders": holder_rows, "finals": finals });
    // Stored in the book when there is one: the scenario text once, the run with its summary.
    if book.exists() {
        let mut store = Store::open(book)?;
        let summary_json = serde_json::to_string(&result["summary"]).unwrap_or_default();
        let id = store.record_run(&roundbook_store::runs::NewRun {
            scenario_text: &text,
            scenario_sha256: result["run"]["scenario_sha256"]
                .as_str()
                .unwrap_or_default(),
            seed: s.simulation.seed,
            paths,
            horizon_months: s.simulation.horizon_months,
            backend: ran.backend,
            adapter: ran.adapter.as_deref(),
            engine_version: env!("CARGO_PKG_VERSION"),
            seconds: secs,
            summary_json: &summary_json,
        })?;
        result["run"]["id"] = serde_json::json!(id);
        eprintln!("roundbook: stored as run #{id} in {}", book.display());
    }
    if let Some(path) = &a.out {
        let text = serde_json::to_string_pretty(&result).unwrap_or_default();
        std::fs::write(path, text).map_err(|e| CliError::io(path, e))?;
    }
    if json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&result).unwrap_or_default()
        );
        return Ok(());
    }
    let h = s.simulation.horizon_months as usize;
    let _ = writeln!(
        out,
        "{paths} paths x {h} months, seed {}, {}: {secs:.2} s ({:.1}M path-months/s)",
        s.simulation.seed,
        match &ran.adapter {
            Some(adapter) => format!("GPU {adapter}"),
            None => "CPU".to_string(),
        },
        paths as f64 * h as f64 / secs / 1e6
    );
    let _ = writeln!(
        out,
        "P(fail by month {h}) = {:.4} (unpriceable rounds: {})",
        summary.p_fail, summary.unpriceable
    );
    let _ = writeln!(
        out,
        "P(a raise within 6 / 12 / 24 months) = {:.4} / {:.4} / {:.4}; mean rounds {:.2}",
        summary.p_raise_within[0],
        summary.p_raise_within[1],
        summary.p_raise_within[2],
        summary.mean_rounds
    );
    for (k, name) in MEASURE_NAMES.iter().enumerate() {
        let _ = writeln!(out, "\n{name} (alive paths)          P5            P50            P95           mean    alive");
        for m in [1usize, 6, 12, 24, 36, 48, h]
            .into_iter()
            .filter(|m| *m <= h)
            .collect::<std::collections::BTreeSet<_>>()
        {
            let f = &summary.fans[k][m - 1];
            let _ = writeln!(
                out,
                "  month {m:>3}  {:>14.4e} {:>14.4e} {:>14.4e} {:>14.4e}  {:>6.2}%",
                f.percentiles[0],
                f.percentiles[2],
                f.percentiles[4],
                f.mean,
                summary.alive_fraction[m - 1] * 100.0
            );
        }
    }
    let _ = writeln!(
        out,
        "\nAt month {h}, over all paths (a failed path counts 0)              P5            P50            P95           mean"
    );
    for (name, fan) in names.iter().zip(&summary.finals) {
        let _ = writeln!(
            out,
            "  {name:<56} {:>14.4e} {:>14.4e} {:>14.4e} {:>14.4e}",
            fan.percentiles[0], fan.percentiles[2], fan.percentiles[4], fan.mean
        );
    }
    if !holder_rows.is_empty() {
        let _ = writeln!(out, "\nHolders at month {h}: ownership of fully diluted (P5 / P50 / P95) and mean exit payout:");
        for r in &holder_rows {
            let o = &r["ownership_at_horizon"];
            let _ = writeln!(
                out,
                "  {:<44} {:>7.3}% {:>7.3}% {:>7.3}%  {:>12.4e}",
                r["holder"].as_str().unwrap_or(""),
                o["p5"].as_f64().unwrap_or(f64::NAN) * 100.0,
                o["p50"].as_f64().unwrap_or(f64::NAN) * 100.0,
                o["p95"].as_f64().unwrap_or(f64::NAN) * 100.0,
                r["exit_payout_mean"].as_f64().unwrap_or(f64::NAN)
            );
        }
    }
    let _ = writeln!(out, "\nConvergence (in path order):          paths     P(fail)   mean exit value   mean new money");
    for c in &summary.convergence {
        let _ = writeln!(
            out,
            "  {:>36} {:>11.4} {:>17.4e} {:>16.4e}",
            c.paths, c.p_fail, c.exit_value_mean, c.new_money_mean
        );
    }
    let mut tornado: Vec<_> = summary
        .sensitivity
        .iter()
        .filter(|x| x.exit_value.is_some())
        .collect();
    tornado.sort_by(|a, b| {
        b.exit_value
            .unwrap_or(0.0)
            .abs()
            .total_cmp(&a.exit_value.unwrap_or(0.0).abs())
    });
    let _ = writeln!(
        out,
        "\nSensitivity of the exit value (Spearman rank correlation, first {} paths):",
        summary.paths.min(cpu::SENSITIVITY_PATHS)
    );
    for x in tornado {
        let r = x.exit_value.unwrap_or(0.0);
        let bar = "#".repeat((r.abs() * 40.0).round() as usize);
        let _ = writeln!(out, "  {:<36} {r:>+7.3} {bar}", x.input);
    }
    let _ = writeln!(out, "\nPercentiles are read from histograms: each states its bin error in --json (fans[].bin_error).");
    Ok(())
}

/// `roundbook runs`: the Monte Carlo runs stored in the book.
pub fn list(book: &Path, json: bool, out: &mut String) -> CliResult {
    let store = Store::open(book)?;
    let runs = store.runs()?;
    if json {
        let rows: Vec<serde_json::Value> = runs
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id, "scenario_sha256": r.scenario_sha256, "seed": r.seed, "paths": r.paths,
                    "horizon_months": r.horizon_months, "backend": r.backend, "adapter": r.adapter,
                    "engine_version": r.engine_version, "seconds": r.seconds, "recorded_at": r.recorded_at,
                    "summary": serde_json::from_str::<serde_json::Value>(&r.summary).unwrap_or_default(),
                })
            })
            .collect();
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "runs": rows })).unwrap_or_default()
        );
        return Ok(());
    }
    let _ = writeln!(out, "  #  Recorded (UTC)        Scenario      Seed          Paths  Months  Backend  P(fail)  Mean exit value");
    for r in &runs {
        let v: serde_json::Value = serde_json::from_str(&r.summary).unwrap_or_default();
        let _ = writeln!(
            out,
            "{:>3}  {}  {}  {:>10}  {:>11}  {:>6}  {:<7}  {:>7.4}  {:>15.4e}",
            r.id,
            r.recorded_at
                .get(..19)
                .unwrap_or(&r.recorded_at)
                .replace('T', " "),
            r.scenario_sha256.get(..12).unwrap_or(""),
            r.seed,
            r.paths,
            r.horizon_months,
            r.backend,
            v["p_fail"].as_f64().unwrap_or(f64::NAN),
            v["exit_value_mean"].as_f64().unwrap_or(f64::NAN)
        );
    }
    Ok(())
}
