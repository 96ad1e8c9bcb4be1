//! Small helpers more than one section uses.

use rust_decimal::Decimal;

use crate::chart::{Chart, Region};
use crate::layout::{Doc, BODY_BOTTOM, CONTENT_WIDTH, MARGIN};

/// Room left on the current page for a block.
pub(super) fn super_remaining(doc: &Doc) -> f32 {
    BODY_BOTTOM - doc.y
}

/// A chart coordinate from an exact amount (the only place money becomes a float).
pub(super) fn money_coordinate(amount: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    amount.to_f64().unwrap_or(f64::NAN)
}

/// Draws `chart` across the content width, `height` high, below what is on the page (on a new
/// page when it does not fit).
pub(super) fn full_width_chart(doc: &mut Doc, chart: &Chart, height: f32) {
    let top = doc.block(height);
    chart.draw(
        doc.fonts,
        doc.page(),
        Region {
            x: MARGIN,
            y: top,
            w: CONTENT_WIDTH,
            h: height,
        },
    );
}
