//! The Monte Carlo run: its key probabilities and means, and the cash and valuation fans.

use rust_decimal::Decimal;

use super::helpers::super_remaining;
use super::Ctx;
use crate::chart::{Chart, Region, Series, BAND_INNER, BAND_OUTER};
use crate::format::{probability, shares};
use crate::layout::{Align, Doc, Table, ACCENT, BODY_SIZE, CONTENT_WIDTH, GREY, MARGIN};
use crate::run::{MonteCarloRun, CASH, MARK};

pub(super) fn monte_carlo(doc: &mut Doc, ctx: &Ctx, run: &MonteCarloRun) {
    let s = &run.summary;
    let h = s.horizon_months();
    let id = run
        .id
        .map(|i| format!("Run #{i}"))
        .unwrap_or_else(|| "Run".into());
    doc.paragraph(
        &format!(
            "{id}: {} paths x {h} months, seed {}, {} backend, engine {}, scenario sha256 {}. \
             Simulated figures are model outputs from the scenario's assumptions, not recorded facts \
             and not a forecast of record; the scenario file states which of its inputs are public \
             and which illustrative.",
            shares(s.paths),
            run.seed,
            run.backend,
            run.engine_version,
            run.scenario_sha256.get(..12).unwrap_or(&run.scenario_sha256),
        ),
        BODY_SIZE,
        GREY,
    );
    doc.space(4.0);
    let mut t = Table::new(&[
        ("Key probabilities and means", Align::Left),
        ("Value", Align::Right),
    ]);
    t.row(vec![format!("P(fail by month {h})"), probability(s.p_fail)]);
    for (months, p) in [6, 12, 24].iter().zip(s.p_raise_within) {
        t.row(vec![
            format!("P(a raise within {months} months)"),
            probability(p),
        ]);
    }
    t.row(vec![
        "Mean rounds raised".into(),
        format!("{:.2}", s.mean_rounds),
    ]);
    let short_f = |v: Option<f64>| -> String {
        v.and_then(rust_decimal::prelude::FromPrimitive::from_f64)
            .map(|d: Decimal| ctx.short(d))
            .unwrap_or_else(|| "n/a".into())
    };
    t.row(vec![
        format!("Mean exit value at month {h} (failed paths count 0)"),
        format!(
            "{} ± {}",
            short_f(s.exit_value_mean),
            short_f(s.exit_value_se)
        ),
    ]);
    t.row(vec![
        "Mean new money raised".into(),
        short_f(s.new_money_mean),
    ]);
    t.row(vec![
        format!("Paths alive at month {h}"),
        probability(
            s.alive_fraction
                .last()
                .copied()
                .flatten()
                .unwrap_or(f64::NAN),
        ),
    ]);
    doc.table(&t);

    let height = (super_remaining(doc) - 24.0).clamp(200.0, 260.0);
    let top = doc.block(height);
    let w = (CONTENT_WIDTH - 24.0) / 2.0;
    let mut clipped = vec![];
    for (k, (title, measure)) in [
        ("Cash (alive paths)", CASH),
        ("Valuation mark (alive paths)", MARK),
    ]
    .into_iter()
    .enumerate()
    {
        let chart = fan_chart(ctx, run, title, measure);
        if chart.clipped() {
            clipped.push(title.split(' ').next().unwrap_or(title).to_lowercase());
        }
        chart.draw(
            doc.fonts,
            doc.page(),
            Region {
                x: MARGIN + k as f32 * (w + 24.0),
                y: top,
                w,
                h: height,
            },
        );
    }
    let bin_error = s.fans[CASH]
        .iter()
        .chain(&s.fans[MARK])
        .filter_map(|f| f.bin_error)
        .fold(0.0, f64::max);
    doc.space(16.0);
    let cut = if clipped.is_empty() {
        String::new()
    } else {
        let (axes, stop, bands) = match clipped.len() {
            1 => ("axis stops", "runs", "band"),
            _ => ("axes stop", "run", "bands"),
        };
        format!(
            " The {} {axes} at twice the highest P75; the P95 {bands} {stop} past it.",
            clipped.join(" and ")
        )
    };
    doc.paragraph(
        &format!(
            "Bands: P5 to P95 (light) and P25 to P75 (dark) over the paths still alive in each \
             month; the line is the median. Percentiles are read from histograms: each is within half \
             a bin of the true value (at most {} here).{cut}",
            short_f(Some(bin_error))
        ),
        8.0,
        GREY,
    );
}

fn fan_chart(ctx: &Ctx, run: &MonteCarloRun, title: &str, measure: usize) -> Chart {
    let fans = &run.summary.fans[measure];
    let series = |q: usize| -> Vec<(f64, f64)> {
        fans.iter()
            .enumerate()
            .map(|(i, f)| ((i + 1) as f64, f.percentiles[q].unwrap_or(f64::NAN)))
            .collect()
    };
    let h = fans.len();
    let step = [1usize, 3, 6, 12, 24]
        .into_iter()
        .find(|s| h / s <= 8)
        .unwrap_or(60);
    // The far tail (P95) of a skewed measure would flatten the rest: the axis stops at twice
    // the highest P75, and the note says when the P95 band runs past it.
    let p75_max = fans
        .iter()
        .filter_map(|f| f.percentiles[3])
        .fold(0.0, f64::max);
    Chart {
        y_cap: (p75_max > 0.0).then_some(p75_max * 2.0),
        title: title.into(),
        currency: ctx.currency,
        x_range: (1.0, h.max(2) as f64),
        x_ticks: (1..=h)
            .filter(|m| *m == 1 || m % step == 0)
            .map(|m| (m as f64, format!("m{m}")))
            .collect(),
        series: vec![
            Series::Band {
                name: "P5-P95".into(),
                lower: series(0),
                upper: series(4),
                color: BAND_OUTER,
            },
            Series::Band {
                name: "P25-P75".into(),
                lower: series(1),
                upper: series(3),
                color: BAND_INNER,
            },
            Series::Line {
                name: "Median".into(),
                points: series(2),
                color: ACCENT,
                labels: vec![],
            },
        ],
    }
}
