//! The report's content: what each section shows, from the book and the caller's inputs, laid
//! out on pages. Numbers come from the ledger's and the compute plan's own computations; these
//! modules only choose, order and format them.
//!
//! This module holds what every section shares: the context computed once, the order of the
//! sections, the input checks, the footers and the margin check. Each section has its own
//! module; helpers more than one of them uses are in `helpers`.

mod cap_table;
mod compute;
mod cover;
mod helpers;
mod last_round;
mod monte_carlo;
mod rounds;
mod waterfall;

use roundbook_ledger::captable::CapTable;
use roundbook_ledger::{Book, Currency, FundingRound, Money, Provenance};
use rust_decimal::Decimal;

use crate::font::{Face, Fonts};
use crate::format::{exact_money, short_money};
use crate::layout::{Doc, Item, Page, GREY, MARGIN, PAGE_HEIGHT, PAGE_WIDTH, RULE, WARN};
use crate::{ExitValues, ReportError, ReportInput};

pub struct LaidOut {
    pub pages: Vec<Page>,
    pub title: String,
    pub shortened: Vec<String>,
}

/// What every section needs: the input and the views computed once.
struct Ctx<'a> {
    input: &'a ReportInput<'a>,
    book: &'a Book,
    currency: Currency,
    table: CapTable,
    /// Rounds on or before the as-of date, oldest first.
    rounds: Vec<&'a FundingRound>,
    illustrative: bool,
}

impl Ctx<'_> {
    fn money(&self, amount: Decimal) -> String {
        exact_money(Money::new(amount, self.currency))
    }

    fn short(&self, amount: Decimal) -> String {
        short_money(amount, self.currency)
    }
}

pub fn lay_out(input: &ReportInput, fonts: &Fonts) -> Result<LaidOut, ReportError> {
    validate(input)?;
    let book = input.book;
    let table = book.cap_table(input.as_of, &book.default_rounding())?;
    // The ledger's rule: a round whose every issuance was reversed raised nothing.
    let rounds = book.standing_rounds(input.as_of);
    let ctx = Ctx {
        input,
        book,
        currency: book.company.currency,
        table,
        rounds,
        illustrative: has_illustrative(input),
    };

    let mut doc = Doc::new(fonts);
    let contents_top = cover::cover(&mut doc, &ctx);
    let mut contents: Vec<(&str, usize)> = vec![];
    let mut section = |doc: &mut Doc, title: &'static str| {
        doc.section(title);
        contents.push((title, doc.page_index()));
    };
    section(&mut doc, "Cap table");
    cap_table::cap_table(&mut doc, &ctx);
    section(&mut doc, "Funding rounds and valuation");
    rounds::rounds_section(&mut doc, &ctx);
    // A book with no priced round yet has no last round, and no post-money to take exit
    // multiples of: those sections are left out (the rounds page says so) unless the caller
    // chose exit amounts.
    if !ctx.rounds.is_empty() {
        section(&mut doc, "Last round terms");
        last_round::last_round(&mut doc, &ctx);
    }
    if waterfall::exit_values(&ctx).is_some() {
        section(&mut doc, "Exit waterfall");
        waterfall::exit_waterfall(&mut doc, &ctx)?;
    }
    if let Some(compute) = input.compute {
        section(&mut doc, "Compute plan and runway");
        compute::compute_section(&mut doc, &ctx, compute)?;
    }
    if let Some(run) = input.run {
        section(&mut doc, "Monte Carlo simulation");
        monte_carlo::monte_carlo(&mut doc, &ctx, run);
    }
    cover::write_contents(&mut doc, contents_top, &contents);
    let title = format!("{} board report as of {}", book.company.name, input.as_of);
    footers(&mut doc, &title, ctx.illustrative);
    Ok(LaidOut {
        pages: doc.pages,
        title,
        shortened: doc.shortened,
    })
}

fn validate(input: &ReportInput) -> Result<(), ReportError> {
    let company = &input.book.company;
    if input.as_of < company.founded {
        return Err(ReportError::input(
            "as_of",
            format!(
                "{} is before {} was founded ({})",
                input.as_of, company.name, company.founded
            ),
        ));
    }
    if input.top_holders == 0 {
        return Err(ReportError::input("top_holders", "must be at least 1"));
    }
    let (field, values) = match &input.exit_values {
        ExitValues::MultiplesOfLastPostMoney(m) => ("exit_values.multiples", m),
        ExitValues::Amounts(a) => ("exit_values.amounts", a),
    };
    for (i, v) in values.iter().enumerate() {
        if v.is_sign_negative() && !v.is_zero() {
            return Err(ReportError::input(
                format!("{field}[{i}]"),
                format!("{v} is negative"),
            ));
        }
    }
    if let Some(c) = input.compute {
        if c.plan.currency != company.currency {
            return Err(ReportError::input(
                "compute.plan.currency",
                format!(
                    "the plan is in {} and the book in {}",
                    c.plan.currency, company.currency
                ),
            ));
        }
        if c.projection.rows.is_empty() {
            return Err(ReportError::input("compute.projection", "has no months"));
        }
    }
    Ok(())
}

fn has_illustrative(input: &ReportInput) -> bool {
    let b = input.book;
    let ill = |p: Provenance| p == Provenance::Illustrative;
    b.stakeholders().iter().any(|s| ill(s.provenance))
        || b.classes().iter().any(|c| ill(c.provenance))
        || b.plans().iter().any(|p| ill(p.provenance))
        || b.rounds()
            .iter()
            .any(|r| ill(r.provenance) || ill(r.price_provenance))
        || b.valuations().iter().any(|v| ill(v.provenance))
        || b.entries().iter().any(|e| ill(e.provenance))
        || input.compute.is_some_and(|c| {
            let t = &c.plan.terms;
            c.plan.orders.iter().any(|o| ill(o.order.provenance))
                || [
                    t.facility.provenance,
                    t.power.provenance,
                    t.depreciation.provenance,
                    t.operating.provenance,
                ]
                .into_iter()
                .any(ill)
        })
}

fn footers(doc: &mut Doc, title: &str, illustrative: bool) {
    let fonts = doc.fonts;
    let n = doc.pages.len();
    let y = PAGE_HEIGHT - 26.0;
    for (i, page) in doc.pages.iter_mut().enumerate() {
        page.rule(MARGIN, y - 12.0, PAGE_WIDTH - MARGIN, y - 12.0, 0.5, RULE);
        page.text(MARGIN, y, 7.5, Face::Regular, GREY, title);
        if illustrative {
            let t = "Contains illustrative figures";
            let w = fonts.width(Face::Regular, t, 7.5);
            page.text((PAGE_WIDTH - w) / 2.0, y, 7.5, Face::Regular, WARN, t);
        }
        let label = format!("Page {} of {n}", i + 1);
        let w = fonts.width(Face::Regular, &label, 7.5);
        page.text(PAGE_WIDTH - MARGIN - w, y, 7.5, Face::Regular, GREY, &label);
    }
}

/// Text that would run past the page's margins (the layout tests require none).
pub fn outside_page(fonts: &Fonts, item: &Item) -> Option<String> {
    let Item::Text {
        x,
        y,
        size,
        face,
        text,
        ..
    } = item
    else {
        return None;
    };
    let right = x + fonts.width(*face, text, *size);
    let inside = *x >= MARGIN - 0.5
        && right <= PAGE_WIDTH - MARGIN + 0.5
        && *y >= MARGIN
        && *y <= PAGE_HEIGHT - 20.0;
    (!inside).then(|| format!("{text:?} at ({x:.1}, {y:.1}) to x {right:.1}"))
}
