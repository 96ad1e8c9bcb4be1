//! The cap table: by class, the largest holders, and the SAFEs and notes outstanding, each the
//! read model's table as the command line and the app show it.

use roundbook_application::tables::{self, CapTableBy, CapTableShares};

use super::Ctx;
use crate::layout::{Doc, Table, BODY_SIZE, GREY};

pub(super) fn cap_table(doc: &mut Doc, ctx: &Ctx) {
    let t = &ctx.table;
    let as_of = ctx.input.as_of;
    doc.paragraph(
        &format!(
            "As of {as_of}. Fully diluted = outstanding shares as converted to common, plus options \
             granted and not exercised, plus options still available in the equity plans. SAFEs and \
             notes are not in it (a priced round sets what they become) and are listed apart. \
             Percentages are rounded to 0.0001%; share counts are exact."
        ),
        BODY_SIZE,
        GREY,
    );
    doc.space(4.0);
    let fd = CapTableShares::FullyDiluted;
    doc.subheading("By class");
    let by_class = tables::cap_table(t, ctx.book, CapTableBy::Class, fd);
    doc.table(&Table::from_read_model(&by_class).0);

    let by_holder = tables::cap_table(t, ctx.book, CapTableBy::Holder, fd);
    let rows = by_holder.rows.len();
    let shown = ctx.input.top_holders.min(rows);
    doc.subheading(&if shown < rows {
        format!("Largest holders ({shown} of {rows} rows)")
    } else {
        "Holders".to_string()
    });
    let fully_diluted = by_holder
        .column("Fully diluted")
        .expect("the fully diluted cap table counts fully diluted shares");
    let largest = by_holder.keep_largest(shown, fully_diluted, "Other holders");
    doc.table(&Table::from_read_model(&largest).0);

    let convertibles = tables::convertibles(t);
    if !convertibles.rows.is_empty() {
        doc.subheading("SAFEs and notes outstanding (not in fully diluted)");
        doc.table(&Table::from_read_model(&convertibles).0);
    }
}
