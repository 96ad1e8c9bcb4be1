//! Vector charts: axes with round ticks, gridlines, lines with labelled markers, bars and
//! percentile bands. Coordinates are floats (chart geometry only); every label on a chart is
//! formatted from a value the caller gives, and amounts in tables stay exact elsewhere.

use roundbook_ledger::Currency;

use crate::font::{Face, Fonts};
use crate::format::tick_money;
use crate::layout::{Item, Page, Rgb, BLACK, GREY, RULE};

pub const BLUE: Rgb = Rgb(0.13, 0.36, 0.68);
pub const ORANGE: Rgb = Rgb(0.89, 0.47, 0.12);
pub const BAND_OUTER: Rgb = Rgb(0.80, 0.86, 0.95);
pub const BAND_INNER: Rgb = Rgb(0.58, 0.70, 0.89);

pub enum Series {
    /// A line through the points; `labels` (one per point, or none) are written at markers.
    Line {
        name: String,
        points: Vec<(f64, f64)>,
        color: Rgb,
        labels: Vec<String>,
    },
    /// One bar per point, `width` in x units.
    Bars {
        name: String,
        points: Vec<(f64, f64)>,
        width: f64,
        color: Rgb,
    },
    /// The area between two curves over the same x values.
    Band {
        name: String,
        lower: Vec<(f64, f64)>,
        upper: Vec<(f64, f64)>,
        color: Rgb,
    },
}

impl Series {
    fn name(&self) -> &str {
        match self {
            Series::Line { name, .. } | Series::Bars { name, .. } | Series::Band { name, .. } => {
                name
            }
        }
    }

    fn color(&self) -> Rgb {
        match self {
            Series::Line { color, .. }
            | Series::Bars { color, .. }
            | Series::Band { color, .. } => *color,
        }
    }

    fn ys(&self) -> Vec<f64> {
        match self {
            Series::Line { points, .. } | Series::Bars { points, .. } => {
                points.iter().map(|p| p.1).collect()
            }
            Series::Band { lower, upper, .. } => lower.iter().chain(upper).map(|p| p.1).collect(),
        }
    }
}

pub struct Chart {
    pub title: String,
    pub currency: Currency,
    pub x_range: (f64, f64),
    pub x_ticks: Vec<(f64, String)>,
    pub series: Vec<Series>,
    /// The top of the value axis when the data's own maximum would flatten the rest (a fan's
    /// far tail); what lies above is cut at the plot's edge and `clipped` says so.
    pub y_cap: Option<f64>,
}

/// Where a chart goes on its page.
#[derive(Debug, Clone, Copy)]
pub struct Region {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

const TICK_SIZE: f32 = 7.5;

/// "Nice" tick values (1, 2, 2.5 or 5 times a power of ten) covering `lo..=hi`.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 1.0, lo + 1.0)
    };
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).floor() as i64;
    let last = (hi / step).ceil() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

impl Chart {
    /// Draws the chart into `region` of `page`.
    pub fn draw(&self, fonts: &Fonts, page: &mut Page, r: Region) {
        page.text(r.x, r.y + 10.0, 10.0, Face::Bold, BLACK, &self.title);
        self.legend(fonts, page, r);

        let ys: Vec<f64> = self
            .series
            .iter()
            .flat_map(Series::ys)
            .filter(|v| v.is_finite())
            .collect();
        let lo = ys.iter().copied().fold(0.0, f64::min);
        let hi = ys.iter().copied().fold(0.0, f64::max);
        let hi = self.y_cap.map_or(hi, |cap| hi.min(cap));
        // Headroom for the labels written above markers.
        let ticks = nice_ticks(lo, hi + (hi - lo) * 0.08, 5);
        let (y_lo, y_hi) = (ticks[0], ticks[ticks.len() - 1]);
        let labels: Vec<String> = ticks
            .iter()
            .map(|t| tick_money(*t, self.currency))
            .collect();
        let label_w = labels
            .iter()
            .map(|l| fonts.width(Face::Regular, l, TICK_SIZE))
            .fold(0.0, f32::max);

        let plot = Region {
            x: r.x + label_w + 6.0,
            y: r.y + 24.0,
            w: r.w - label_w - 14.0,
            h: r.h - 24.0 - 16.0,
        };
        let (x0, x1) = self.x_range;
        let map = Mapping {
            plot,
            x0,
            x1: if x1 > x0 { x1 } else { x0 + 1.0 },
            y0: y_lo,
            y1: y_hi,
        };

        for (t, label) in ticks.iter().zip(&labels) {
            let py = map.y(*t);
            let (w, color) = if *t == 0.0 { (0.8, GREY) } else { (0.4, RULE) };
            page.rule(plot.x, py, plot.x + plot.w, py, w, color);
            let lw = fonts.width(Face::Regular, label, TICK_SIZE);
            page.text(
                plot.x - 4.0 - lw,
                py + 2.5,
                TICK_SIZE,
                Face::Regular,
                GREY,
                label,
            );
        }
        let bottom = plot.y + plot.h;
        page.rule(plot.x, bottom, plot.x + plot.w, bottom, 0.8, GREY);
        let mut last_label_end = f32::MIN;
        for (t, label) in &self.x_ticks {
            let px = map.x(*t);
            page.rule(px, bottom, px, bottom + 3.0, 0.6, GREY);
            let lw = fonts.width(Face::Regular, label, TICK_SIZE);
            let lx = (px - lw / 2.0).clamp(r.x, r.x + r.w - lw);
            // Labels that would collide with the previous one are left out; the tick stays.
            if lx > last_label_end + 4.0 {
                page.text(lx, bottom + 12.0, TICK_SIZE, Face::Regular, GREY, label);
                last_label_end = lx + lw;
            }
        }

        page.items.push(Item::Clip {
            x: plot.x,
            y: plot.y,
            w: plot.w,
            h: plot.h,
        });
        for s in self.series.iter() {
            self.draw_series(fonts, page, &map, s, Layer::Marks);
        }
        page.items.push(Item::EndClip);
        // Labels may reach into the margin around the plot, so they are drawn unclipped.
        for s in self.series.iter() {
            self.draw_series(fonts, page, &map, s, Layer::Labels);
        }
    }

    /// Whether `y_cap` cuts off part of the data.
    pub fn clipped(&self) -> bool {
        let max = self
            .series
            .iter()
            .flat_map(Series::ys)
            .filter(|v| v.is_finite())
            .fold(f64::MIN, f64::max);
        self.y_cap.is_some_and(|cap| max > cap)
    }

    fn legend(&self, fonts: &Fonts, page: &mut Page, r: Region) {
        let mut x = r.x + r.w;
        for s in self.series.iter().rev() {
            let w = fonts.width(Face::Regular, s.name(), TICK_SIZE);
            x -= w;
            page.text(x, r.y + 10.0, TICK_SIZE, Face::Regular, BLACK, s.name());
            x -= 12.0;
            page.rect(x, r.y + 3.5, 9.0, 7.0, s.color());
            x -= 12.0;
        }
    }

    fn draw_series(&self, fonts: &Fonts, page: &mut Page, map: &Mapping, s: &Series, layer: Layer) {
        match s {
            _ if layer == Layer::Labels && !matches!(s, Series::Line { .. }) => {}
            Series::Band {
                lower,
                upper,
                color,
                ..
            } => {
                let mut points: Vec<(f32, f32)> = finite(upper).map(|p| map.point(p)).collect();
                points.extend(finite(lower).rev().map(|p| map.point(p)));
                if points.len() >= 3 {
                    page.items.push(Item::Fill {
                        points,
                        color: *color,
                    });
                }
            }
            Series::Bars {
                points,
                width,
                color,
                ..
            } => {
                let bar_w = ((map.x(*width) - map.x(0.0)) * 0.7).max(0.8);
                let base = map.y(0.0);
                for p in finite(points) {
                    let (px, py) = map.point(p);
                    let (top, h) = if py < base {
                        (py, base - py)
                    } else {
                        (base, py - base)
                    };
                    page.rect(px - bar_w / 2.0, top, bar_w, h, *color);
                }
            }
            Series::Line {
                points,
                color,
                labels,
                ..
            } => {
                let pts: Vec<(f32, f32)> = finite(points).map(|p| map.point(p)).collect();
                if layer == Layer::Marks && pts.len() >= 2 {
                    page.items.push(Item::Line {
                        points: pts.clone(),
                        width: 1.6,
                        color: *color,
                    });
                }
                if layer == Layer::Marks {
                    return;
                }
                for (i, label) in labels.iter().enumerate() {
                    let Some(p) = points.get(i).filter(|p| p.1.is_finite()) else {
                        continue;
                    };
                    let (px, py) = map.point(p);
                    page.rect(px - 2.5, py - 2.5, 5.0, 5.0, *color);
                    let lw = fonts.width(Face::Bold, label, 8.0);
                    let lx = (px - lw / 2.0).clamp(map.plot.x, map.plot.x + map.plot.w - lw);
                    // A white ground keeps the label legible where the line runs behind it.
                    page.rect(lx - 2.0, py - 14.5, lw + 4.0, 10.5, Rgb(1.0, 1.0, 1.0));
                    page.text(lx, py - 6.5, 8.0, Face::Bold, *color, label);
                }
            }
        }
    }
}

/// Series are drawn in two passes: marks inside the plot's clip, then labels over them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layer {
    Marks,
    Labels,
}

fn finite(points: &[(f64, f64)]) -> impl DoubleEndedIterator<Item = &(f64, f64)> {
    points.iter().filter(|p| p.0.is_finite() && p.1.is_finite())
}

struct Mapping {
    plot: Region,
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
}

impl Mapping {
    fn x(&self, v: f64) -> f32 {
        self.plot.x + ((v - self.x0) / (self.x1 - self.x0)) as f32 * self.plot.w
    }

    fn y(&self, v: f64) -> f32 {
        self.plot.y + self.plot.h - ((v - self.y0) / (self.y1 - self.y0)) as f32 * self.plot.h
    }

    fn point(&self, p: &(f64, f64)) -> (f32, f32) {
        (self.x(p.0), self.y(p.1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Ticks cover the data, are evenly spaced, and stay few.
        #[test]
        fn ticks_cover_the_range(lo in -1e12f64..1e12, span in 1.0f64..1e12) {
            let hi = lo + span;
            let t = nice_ticks(lo, hi, 5);
            prop_assert!(t[0] <= lo && *t.last().unwrap() >= hi);
            prop_assert!(t.len() >= 2 && t.len() <= 12, "{:?}", t);
            let step = t[1] - t[0];
            for w in t.windows(2) {
                prop_assert!(((w[1] - w[0]) - step).abs() <= step * 1e-9);
            }
        }
    }

    #[test]
    fn a_capped_axis_clips_the_tail_and_says_so() {
        let fonts = Fonts::embedded().unwrap();
        let band = |top: f64| Series::Band {
            name: "P5-P95".into(),
            lower: vec![(1.0, 0.0), (2.0, 0.0)],
            upper: vec![(1.0, 1.0), (2.0, top)],
            color: BAND_OUTER,
        };
        let chart = |top: f64| Chart {
            title: "Cash".into(),
            currency: Currency::USD,
            x_range: (1.0, 2.0),
            x_ticks: vec![],
            series: vec![band(top)],
            y_cap: Some(10.0),
        };
        assert!(chart(100.0).clipped());
        assert!(!chart(5.0).clipped());
        let mut page = Page::default();
        chart(100.0).draw(
            &fonts,
            &mut page,
            Region {
                x: 0.0,
                y: 0.0,
                w: 300.0,
                h: 200.0,
            },
        );
        // The band is drawn between a clip and its end, and the axis tops out near the cap.
        let clip = page
            .items
            .iter()
            .position(|i| matches!(i, Item::Clip { .. }))
            .unwrap();
        let fill = page
            .items
            .iter()
            .rposition(|i| matches!(i, Item::Fill { .. }))
            .unwrap();
        let end = page
            .items
            .iter()
            .position(|i| matches!(i, Item::EndClip))
            .unwrap();
        assert!(clip < fill && fill < end);
        let ticks: Vec<&str> = page
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Text { text, .. } if text.starts_with('$') => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(ticks.last(), Some(&"$12.50"), "{ticks:?}");
    }

    #[test]
    fn points_land_inside_the_plot() {
        let fonts = Fonts::embedded().unwrap();
        let mut page = Page::default();
        let chart = Chart {
            title: "Post-money".into(),
            currency: Currency::USD,
            x_range: (0.0, 10.0),
            x_ticks: vec![(0.0, "a".into()), (10.0, "b".into())],
            series: vec![Series::Line {
                name: "Post-money".into(),
                points: vec![(0.0, 1.35e9), (10.0, 24e9)],
                color: BLUE,
                labels: vec!["$1.35B".into(), "$24.0B".into()],
            }],
            y_cap: None,
        };
        let r = Region {
            x: 50.0,
            y: 100.0,
            w: 400.0,
            h: 200.0,
        };
        chart.draw(&fonts, &mut page, r);
        for item in &page.items {
            match item {
                Item::Text { x, y, .. } => {
                    assert!(*x >= r.x - 0.01 && *x <= r.x + r.w && *y >= r.y && *y <= r.y + r.h)
                }
                Item::Clip { .. } | Item::EndClip => {}
                Item::Line { points, .. } | Item::Fill { points, .. } => {
                    for (x, y) in points {
                        assert!(
                            *x >= r.x
                                && *x <= r.x + r.w + 0.01
                                && *y >= r.y
                                && *y <= r.y + r.h + 0.01
                        );
                    }
                }
            }
        }
        // Both value labels are drawn.
        let texts: Vec<&str> = page
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert!(texts.contains(&"$24.0B") && texts.contains(&"$1.35B"));
    }
}
