//! The report's content: what each section shows, from the book and the caller's inputs, laid
//! out on pages. Numbers come from the ledger's and the compute plan's own computations; this
//! module only chooses, orders and formats them.

use chrono::{Datelike, Months, NaiveDate};
use roundbook_compute::{month_text, Runway};
use roundbook_ledger::captable::{percent, CapTable};
use roundbook_ledger::waterfall::{waterfall, Decision, ExitTerms, WaterfallOutcome};
use roundbook_ledger::{
    Book, ClassKind, Currency, FundingRound, Money, Movement, Participation, Provenance,
};
use rust_decimal::Decimal;

use crate::chart::{Chart, Region, Series, BAND_INNER, BAND_OUTER, BLUE, ORANGE};
use crate::font::{Face, Fonts};
use crate::format::{exact_money, percent as pct, probability, shares, short_money};
use crate::layout::{
    Align, Doc, Item, Page, Table, ACCENT, BLACK, BODY_SIZE, CONTENT_WIDTH, GREY, MARGIN,
    PAGE_HEIGHT, PAGE_WIDTH, RULE, SHADE, WARN,
};
use crate::run::{MonteCarloRun, CASH, MARK};
use crate::{ComputeInput, ExitValues, ReportError, ReportInput};

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
    let mut rounds: Vec<&FundingRound> = book
        .rounds()
        .iter()
        .filter(|r| r.date <= input.as_of)
        .collect();
    rounds.sort_by_key(|r| (r.date, r.id));
    let ctx = Ctx {
        input,
        book,
        currency: book.company.currency,
        table,
        rounds,
        illustrative: has_illustrative(input),
    };

    let mut doc = Doc::new(fonts);
    let contents_top = cover(&mut doc, &ctx);
    let mut contents: Vec<(&str, usize)> = vec![];
    let mut section = |doc: &mut Doc, title: &'static str| {
        doc.section(title);
        contents.push((title, doc.page_index()));
    };
    section(&mut doc, "Cap table");
    cap_table(&mut doc, &ctx);
    section(&mut doc, "Funding rounds and valuation");
    rounds_section(&mut doc, &ctx);
    // A book with no priced round yet has no last round, and no post-money to take exit
    // multiples of: those sections are left out (the rounds page says so) unless the caller
    // chose exit amounts.
    if !ctx.rounds.is_empty() {
        section(&mut doc, "Last round terms");
        last_round(&mut doc, &ctx);
    }
    if exit_values(&ctx).is_some() {
        section(&mut doc, "Exit waterfall");
        exit_waterfall(&mut doc, &ctx)?;
    }
    if let Some(compute) = input.compute {
        section(&mut doc, "Compute plan and runway");
        compute_section(&mut doc, &ctx, compute);
    }
    if let Some(run) = input.run {
        section(&mut doc, "Monte Carlo simulation");
        monte_carlo(&mut doc, &ctx, run);
    }
    write_contents(&mut doc, contents_top, &contents);
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

fn source(p: Provenance) -> String {
    p.name().to_string()
}

// ---- cover ----------------------------------------------------------------------------------

/// The cover; returns where the contents list goes (filled once the pages are known).
fn cover(doc: &mut Doc, ctx: &Ctx) -> f32 {
    let company = &ctx.book.company;
    let page = doc.page();
    page.text(MARGIN, 86.0, 11.0, Face::Bold, GREY, "BOARD REPORT");
    page.text(MARGIN, 124.0, 32.0, Face::Bold, ACCENT, &company.name);
    let sub = format!("{} · {}", company.legal_name, company.jurisdiction);
    page.text(MARGIN, 146.0, 11.0, Face::Regular, BLACK, &sub);
    let as_of = format!("As of {}", ctx.input.as_of);
    page.text(MARGIN, 172.0, 15.0, Face::Bold, BLACK, &as_of);

    let mut tiles: Vec<(String, String, String)> = vec![];
    if let Some(r) = ctx.rounds.last() {
        tiles.push((
            "Post-money, last round".into(),
            ctx.short(r.post_money.amount),
            format!("{}, {}", r.name, r.date),
        ));
    }
    tiles.push((
        "Fully diluted shares".into(),
        shares(ctx.table.totals.fully_diluted),
        format!("{} outstanding", shares(ctx.table.totals.outstanding)),
    ));
    if let Some(c) = ctx.input.compute {
        let p = c.projection;
        tiles.push((
            format!("Cash, start of {}", month_text(p.from)),
            ctx.short(p.opening_cash.amount),
            "compute plan projection".into(),
        ));
        tiles.push(("Runway".into(), runway_headline(c), runway_detail(c)));
    }
    let w = ((CONTENT_WIDTH - 12.0 * (tiles.len() as f32 - 1.0)) / tiles.len() as f32).min(210.0);
    let top = 200.0;
    for (i, (label, value, detail)) in tiles.iter().enumerate() {
        let x = MARGIN + i as f32 * (w + 12.0);
        // The value shrinks to fit its tile ("Out of cash 2026-03" is longer than "$24.0B").
        let mut size: f32 = 20.0;
        while size > 9.0 && doc.fonts.width(Face::Bold, value, size) > w - 20.0 {
            size -= 0.5;
        }
        let page = doc.page();
        page.rect(x, top, w, 70.0, SHADE);
        page.rect(x, top, 3.0, 70.0, ACCENT);
        page.text(x + 12.0, top + 18.0, 8.5, Face::Regular, GREY, label);
        page.text(x + 12.0, top + 44.0, size, Face::Bold, BLACK, value);
        page.text(x + 12.0, top + 60.0, 8.0, Face::Regular, GREY, detail);
    }

    doc.y = 300.0;
    if ctx.illustrative {
        doc.paragraph_in(
            MARGIN,
            CONTENT_WIDTH,
            "Contains illustrative figures. This book mixes recorded or public facts with \
             illustrative figures made up to complete an example; an illustrative figure is not \
             a fact about the company. Every table says where its rows come from in its Source \
             column: public, illustrative or recorded.",
            9.5,
            Face::Bold,
            WARN,
        );
    }
    doc.space(10.0);
    let y = doc.y;
    doc.page()
        .text(MARGIN, y, 11.0, Face::Bold, BLACK, "Contents");
    doc.y + 18.0
}

fn write_contents(doc: &mut Doc, top: f32, contents: &[(&str, usize)]) {
    let fonts = doc.fonts;
    let page = &mut doc.pages[0];
    for (i, (title, index)) in contents.iter().enumerate() {
        let y = top + i as f32 * 15.0;
        page.text(MARGIN, y, 10.0, Face::Regular, BLACK, title);
        let n = (index + 1).to_string();
        let w = fonts.width(Face::Regular, &n, 10.0);
        page.text(MARGIN + 300.0 - w, y, 10.0, Face::Regular, BLACK, &n);
    }
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

// ---- cap table ------------------------------------------------------------------------------

fn cap_table(doc: &mut Doc, ctx: &Ctx) {
    let t = &ctx.table;
    let as_of = ctx.input.as_of;
    doc.paragraph(
        &format!(
            "As of {as_of}. Fully diluted = outstanding shares as converted to common, plus options \
             granted and not exercised, plus options still available in the equity plans. SAFEs and \
             notes are not in it (a priced round sets what they become) and are listed apart. \
             Percentages are rounded to 0.01%; share counts are exact."
        ),
        BODY_SIZE,
        GREY,
    );
    doc.space(4.0);
    doc.subheading("By class");
    let mut by_class = Table::new(&[
        ("Class", Align::Left),
        ("Kind", Align::Left),
        ("Authorized", Align::Right),
        ("Issued", Align::Right),
        ("As converted", Align::Right),
        ("Options", Align::Right),
        ("Pool available", Align::Right),
        ("Fully diluted", Align::Right),
        ("% FD", Align::Right),
        ("Source", Align::Left),
    ]);
    for c in &t.classes {
        let provenance = ctx
            .book
            .class(c.class)
            .map_or(Provenance::Recorded, |k| k.provenance);
        by_class.row(vec![
            c.name.clone(),
            kind_name(c.kind).into(),
            c.authorized.map(shares).unwrap_or_else(|| "-".into()),
            shares(c.shares),
            shares(c.as_converted),
            shares(c.options),
            shares(c.pool_available),
            shares(c.fully_diluted),
            pct(c.fully_diluted_pct, 2),
            source(provenance),
        ]);
    }
    by_class.total(vec![
        "Total".into(),
        String::new(),
        String::new(),
        String::new(),
        shares(t.totals.outstanding),
        shares(t.totals.options),
        shares(t.totals.pool_available),
        shares(t.totals.fully_diluted),
        pct(percent(t.totals.fully_diluted, t.totals.fully_diluted), 2),
        String::new(),
    ]);
    doc.table(&by_class);

    doc.subheading(&format!("Top holders (of {})", t.holders.len()));
    let mut holders: Vec<_> = t.holders.iter().collect();
    holders.sort_by(|a, b| {
        b.fully_diluted
            .cmp(&a.fully_diluted)
            .then(a.name.cmp(&b.name))
    });
    let mut rows = Table::new(&[
        ("Holder", Align::Left),
        ("Classes", Align::Left),
        ("Outstanding", Align::Right),
        ("Options", Align::Right),
        ("Fully diluted", Align::Right),
        ("% outstanding", Align::Right),
        ("% FD", Align::Right),
        ("Source", Align::Left),
    ]);
    let n = ctx.input.top_holders.min(holders.len());
    for h in &holders[..n] {
        let classes: Vec<&str> = h.holdings.iter().map(|x| x.class_name.as_str()).collect();
        rows.row(vec![
            h.name.clone(),
            if h.options > 0 && classes.is_empty() {
                "options".into()
            } else {
                classes.join(", ")
            },
            shares(h.outstanding),
            shares(h.options),
            shares(h.fully_diluted),
            pct(h.outstanding_pct, 2),
            pct(h.fully_diluted_pct, 2),
            source(h.provenance),
        ]);
    }
    let rest = &holders[n..];
    if !rest.is_empty() {
        let sum = |f: fn(&&roundbook_ledger::captable::HolderRow) -> u64| -> u64 {
            rest.iter().map(f).sum()
        };
        let (out, opt, fd) = (
            sum(|h| h.outstanding),
            sum(|h| h.options),
            sum(|h| h.fully_diluted),
        );
        rows.row(vec![
            format!("Other holders ({})", rest.len()),
            String::new(),
            shares(out),
            shares(opt),
            shares(fd),
            pct(percent(out, t.totals.outstanding), 2),
            pct(percent(fd, t.totals.fully_diluted), 2),
            String::new(),
        ]);
    }
    if t.totals.pool_available > 0 {
        let plans: Vec<&str> = t.plans.iter().map(|p| p.name.as_str()).collect();
        rows.row(vec![
            "Available for grant".into(),
            plans.join(", "),
            String::new(),
            String::new(),
            shares(t.totals.pool_available),
            String::new(),
            pct(percent(t.totals.pool_available, t.totals.fully_diluted), 2),
            String::new(),
        ]);
    }
    rows.total(vec![
        "Total".into(),
        String::new(),
        shares(t.totals.outstanding),
        shares(t.totals.options),
        shares(t.totals.fully_diluted),
        pct(percent(t.totals.outstanding, t.totals.outstanding), 2),
        pct(percent(t.totals.fully_diluted, t.totals.fully_diluted), 2),
        String::new(),
    ]);
    doc.table(&rows);

    if !t.convertibles.is_empty() {
        doc.subheading("SAFEs and notes outstanding (not in fully diluted)");
        let mut c = Table::new(&[
            ("Holder", Align::Left),
            ("Instrument", Align::Left),
            ("Issued", Align::Left),
            ("Amount", Align::Right),
        ]);
        for x in &t.convertibles {
            c.row(vec![
                x.name.clone(),
                x.kind.to_string(),
                x.issued.to_string(),
                exact_money(x.amount),
            ]);
        }
        doc.table(&c);
    }
}

fn kind_name(k: ClassKind) -> &'static str {
    match k {
        ClassKind::Common => "common",
        ClassKind::Preferred => "preferred",
    }
}

// ---- rounds ---------------------------------------------------------------------------------

fn round_source(r: &FundingRound) -> String {
    if r.provenance == r.price_provenance {
        source(r.provenance)
    } else {
        format!(
            "terms {}; shares {}",
            r.provenance.name(),
            r.price_provenance.name()
        )
    }
}

fn rounds_section(doc: &mut Doc, ctx: &Ctx) {
    if ctx.rounds.is_empty() {
        doc.paragraph(
            &format!(
                "No priced round on or before {}: no last round terms, and the exit waterfall is \
                 shown only at exit values the caller chooses.",
                ctx.input.as_of
            ),
            BODY_SIZE,
            BLACK,
        );
        return;
    }
    let mut t = Table::new(&[
        ("Round", Align::Left),
        ("Date", Align::Left),
        ("Class", Align::Left),
        ("Pre-money", Align::Right),
        ("Raised", Align::Right),
        ("Post-money", Align::Right),
        ("Price per share", Align::Right),
        ("FD shares before", Align::Right),
        ("Source", Align::Left),
    ]);
    for r in &ctx.rounds {
        t.row(vec![
            r.name.clone(),
            r.date.to_string(),
            ctx.book.class_name(r.class).to_string(),
            exact_money(r.pre_money),
            exact_money(r.amount_raised),
            exact_money(r.post_money),
            exact_money(r.price_per_share),
            shares(r.pre_money_fd_shares),
            round_source(r),
        ]);
    }
    doc.table(&t);

    let first = ctx.rounds[0].date;
    let last = ctx.rounds[ctx.rounds.len() - 1].date;
    let (from, to) = (month_start(first, -2), month_start(last, 3));
    let x = |d: NaiveDate| f64::from(d.num_days_from_ce());
    let chart = Chart {
        title: "Post-money valuation by round".into(),
        currency: ctx.currency,
        x_range: (x(from), x(to)),
        x_ticks: month_ticks(from, to)
            .into_iter()
            .map(|d| (x(d), month_text(d)))
            .collect(),
        series: vec![Series::Line {
            name: "Post-money".into(),
            points: ctx
                .rounds
                .iter()
                .map(|r| (x(r.date), money_coordinate(r.post_money.amount)))
                .collect(),
            color: BLUE,
            labels: ctx
                .rounds
                .iter()
                .map(|r| format!("{} {}", r.name, ctx.short(r.post_money.amount)))
                .collect(),
        }],
        y_cap: None,
    };
    let height = (super_remaining(doc) - 30.0).clamp(200.0, 300.0);
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
    doc.space(16.0);
    doc.paragraph(
        "The chart plots the post-money of each round in the table above, at its date.",
        8.0,
        GREY,
    );
}

/// Room left on the current page for a block.
fn super_remaining(doc: &Doc) -> f32 {
    crate::layout::BODY_BOTTOM - doc.y
}

/// A chart coordinate from an exact amount (the only place money becomes a float).
fn money_coordinate(amount: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    amount.to_f64().unwrap_or(f64::NAN)
}

fn month_start(d: NaiveDate, offset: i32) -> NaiveDate {
    let first = d.with_day(1).unwrap_or(d);
    if offset >= 0 {
        first.checked_add_months(Months::new(offset as u32))
    } else {
        first.checked_sub_months(Months::new(offset.unsigned_abs()))
    }
    .unwrap_or(first)
}

/// Month starts from `from` to `to`, every 1, 3, 6, 12 or 24 months so there are at most 9.
fn month_ticks(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let months = roundbook_compute::months_between(from, to).max(1);
    let step = [1, 3, 6, 12, 24, 60]
        .into_iter()
        .find(|s| months / s <= 8)
        .unwrap_or(120);
    let mut out = vec![];
    let mut d = from;
    while d <= to {
        if (i64::from(d.year()) * 12 + i64::from(d.month0())) % step == 0 || step == 1 {
            out.push(d);
        }
        d = month_start(d, 1);
    }
    out
}

// ---- last round -----------------------------------------------------------------------------

fn last_round(doc: &mut Doc, ctx: &Ctx) {
    let Some(r) = ctx.rounds.last() else {
        doc.paragraph(
            &format!("No priced round on or before {}.", ctx.input.as_of),
            BODY_SIZE,
            BLACK,
        );
        return;
    };
    let book = ctx.book;
    let class = book.class(r.class);
    let mut facts: Vec<(String, String)> = vec![
        ("Round".into(), format!("{} ({})", r.name, round_source(r))),
        ("Date".into(), r.date.to_string()),
        ("Pre-money valuation".into(), exact_money(r.pre_money)),
        ("Amount raised".into(), exact_money(r.amount_raised)),
        ("Post-money valuation".into(), exact_money(r.post_money)),
        ("Price per share".into(), exact_money(r.price_per_share)),
        (
            "Fully diluted shares before".into(),
            shares(r.pre_money_fd_shares),
        ),
        (
            "Lead investor".into(),
            r.lead
                .map(|l| book.stakeholder_name(l).to_string())
                .unwrap_or_else(|| "none recorded".into()),
        ),
    ];
    if let Some(c) = class {
        facts.push((
            "Share class".into(),
            format!("{} ({})", c.name, c.provenance.name()),
        ));
        let oip = c
            .original_issue_price
            .map(exact_money)
            .unwrap_or_else(|| "none".into());
        facts.push(("Original issue price".into(), oip));
        facts.push((
            "Liquidation preference".into(),
            format!(
                "{}x, {}",
                c.preference_multiple.normalize(),
                participation_text(c.participation)
            ),
        ));
        facts.push((
            "Seniority".into(),
            format!("{} (higher is paid first)", c.seniority),
        ));
        facts.push((
            "Conversion ratio".into(),
            format!("{} common per share", c.conversion_ratio.normalize()),
        ));
        facts.push((
            "Anti-dilution".into(),
            c.anti_dilution.name().replace('-', " "),
        ));
    }
    doc.facts(&facts);
    if let Some(note) = &r.note {
        doc.space(4.0);
        doc.paragraph(note, 8.5, GREY);
    }

    doc.subheading("Investors in the round");
    let mut t = Table::new(&[
        ("Investor", Align::Left),
        ("Shares", Align::Right),
        ("Price per share", Align::Right),
        ("Shares x price", Align::Right),
        ("% of round", Align::Right),
        ("Lead", Align::Left),
        ("Source", Align::Left),
    ]);
    let issued: Vec<_> = book
        .entries()
        .iter()
        .filter(|e| e.effective <= ctx.input.as_of && book.reversal_of(e.id).is_none())
        .filter_map(|e| match &e.movement {
            Movement::StockIssuance {
                holder,
                shares: n,
                price_per_share,
                round: Some(id),
                ..
            } if *id == r.id => Some((*holder, *n, *price_per_share, e.provenance)),
            _ => None,
        })
        .collect();
    let total: u64 = issued.iter().map(|x| x.1).sum();
    let mut paid_total = Decimal::ZERO;
    for (holder, n, price, provenance) in &issued {
        let paid = price.map(|p| p.amount * Decimal::from(*n));
        paid_total += paid.unwrap_or_default();
        t.row(vec![
            book.stakeholder_name(*holder).to_string(),
            shares(*n),
            price.map(exact_money).unwrap_or_default(),
            paid.map(|p| ctx.money(p)).unwrap_or_default(),
            pct(percent(*n, total), 2),
            if r.lead == Some(*holder) {
                "lead".into()
            } else {
                String::new()
            },
            source(*provenance),
        ]);
    }
    t.total(vec![
        "Total".into(),
        shares(total),
        String::new(),
        ctx.money(paid_total),
        pct(percent(total, total), 2),
        String::new(),
        String::new(),
    ]);
    doc.table(&t);
}

fn participation_text(p: Participation) -> String {
    match p {
        Participation::None => "non-participating".into(),
        Participation::Full => "fully participating".into(),
        Participation::Capped { cap_multiple } => {
            format!("participating, capped at {}x", cap_multiple.normalize())
        }
    }
}

// ---- exit waterfall -------------------------------------------------------------------------

/// The three exit values and how each was chosen.
fn exit_values(ctx: &Ctx) -> Option<Vec<(Decimal, String)>> {
    match &ctx.input.exit_values {
        ExitValues::Amounts(a) => Some(a.iter().map(|v| (*v, "chosen".to_string())).collect()),
        ExitValues::MultiplesOfLastPostMoney(m) => {
            let r = ctx.rounds.last()?;
            Some(
                m.iter()
                    .map(|k| {
                        (
                            r.post_money.amount * k,
                            format!("{}x the {} post-money", k.normalize(), r.name),
                        )
                    })
                    .collect(),
            )
        }
    }
}

fn decision_text(d: Decision) -> &'static str {
    match d {
        Decision::TakesPreference => "takes preference",
        Decision::Converts => "converts",
        Decision::Participates => "participates",
        Decision::Capped => "capped",
        Decision::Common => "common",
    }
}

fn exit_waterfall(doc: &mut Doc, ctx: &Ctx) -> Result<(), ReportError> {
    let Some(values) = exit_values(ctx) else {
        doc.paragraph(
            "No priced round to take multiples of: give the exit values to show the waterfall.",
            BODY_SIZE,
            BLACK,
        );
        return Ok(());
    };
    let rounding = ctx.book.default_rounding();
    let (cap, left_out) = ctx.book.capitalization(ctx.input.as_of, &rounding)?;
    let outcomes: Vec<WaterfallOutcome> = values
        .iter()
        .map(|(v, _)| waterfall(&cap, &ExitTerms::new(*v), &rounding))
        .collect::<Result<_, _>>()?;

    let chosen: Vec<String> = values
        .iter()
        .map(|(v, how)| format!("{} ({}, {})", ctx.short(*v), ctx.money(*v), how))
        .collect();
    doc.paragraph(
        &format!(
            "Who receives what if the company is sold on {} for each of three exit values: {}. \
             No transaction costs or debt. Preferences are paid by seniority (higher first); \
             each preferred class converts when that pays it more; options are exercised when \
             in the money. Exact payouts, rounded to the cent so they add up to what is distributed \
             (docs/waterfall.md).",
            ctx.input.as_of,
            chosen.join("; ")
        ),
        BODY_SIZE,
        GREY,
    );
    doc.space(2.0);

    doc.subheading("By class");
    let mut cols: Vec<(String, Align)> = vec![
        ("Class".into(), Align::Left),
        ("Preference".into(), Align::Right),
    ];
    for (v, _) in &values {
        cols.push((format!("At {}", ctx.short(*v)), Align::Left));
        cols.push(("Payout".into(), Align::Right));
    }
    let col_refs: Vec<(&str, Align)> = cols.iter().map(|(h, a)| (h.as_str(), *a)).collect();
    let mut t = Table::new(&col_refs);
    for (i, class) in outcomes[0].classes.iter().enumerate() {
        let mut row = vec![class.name.clone(), exact_money(class.preference_claim)];
        for o in &outcomes {
            let c = &o.classes[i];
            row.push(decision_text(c.decision).into());
            row.push(exact_money(c.total));
        }
        t.row(row);
    }
    if !outcomes[0].options.is_empty() {
        let mut row = vec!["Options exercised".into(), String::new()];
        for o in &outcomes {
            let exercised: u64 = o
                .options
                .iter()
                .filter(|x| x.exercised)
                .map(|x| x.count)
                .sum();
            let paid: Decimal = o.options.iter().map(|x| x.payout.amount).sum();
            row.push(format!("{} options", shares(exercised)));
            row.push(ctx.money(paid));
        }
        t.row(row);
    }
    let mut total = vec!["Total distributed".into(), String::new()];
    let mut price = vec!["Common price per share".into(), String::new()];
    for o in &outcomes {
        total.push(String::new());
        total.push(exact_money(o.total_distributed));
        price.push(String::new());
        price.push(ctx.money(o.common_price_per_share));
    }
    t.total(total);
    t.row(price);
    doc.table(&t);

    doc.subheading("By holder");
    let mut cols: Vec<(String, Align)> = vec![("Holder".into(), Align::Left)];
    for (v, _) in &values {
        cols.push((format!("At {}", ctx.short(*v)), Align::Right));
    }
    cols.push((
        format!("Exercise cost at {}", ctx.short(values[1].0)),
        Align::Right,
    ));
    let col_refs: Vec<(&str, Align)> = cols.iter().map(|(h, a)| (h.as_str(), *a)).collect();
    let mut t = Table::new(&col_refs);
    // Holders in the order of what they receive at the middle exit.
    let middle = &outcomes[1];
    let mut order: Vec<usize> = (0..middle.holders.len()).collect();
    order.sort_by(|a, b| {
        middle.holders[*b]
            .total
            .amount
            .cmp(&middle.holders[*a].total.amount)
            .then(middle.holders[*a].holder.cmp(&middle.holders[*b].holder))
    });
    let n = ctx.input.top_holders.min(order.len());
    let amount_of = |o: &WaterfallOutcome, i: usize| o.holders[i].total.amount;
    for &i in &order[..n] {
        let mut row = vec![middle.holders[i].holder.clone()];
        for o in &outcomes {
            row.push(ctx.money(amount_of(o, i)));
        }
        row.push(ctx.money(middle.holders[i].exercise_cost.amount));
        t.row(row);
    }
    if order.len() > n {
        let mut row = vec![format!("Other holders ({})", order.len() - n)];
        for o in &outcomes {
            row.push(ctx.money(order[n..].iter().map(|&i| amount_of(o, i)).sum()));
        }
        row.push(String::new());
        t.row(row);
    }
    let mut total = vec!["Total distributed".into()];
    for o in &outcomes {
        total.push(exact_money(o.total_distributed));
    }
    total.push(String::new());
    t.total(total);
    doc.table(&t);
    doc.paragraph(
        "Holders' amounts include what their exercised options receive, before the exercise \
         cost they pay in.",
        8.0,
        GREY,
    );
    if !left_out.is_empty() {
        let names: Vec<String> = left_out
            .iter()
            .map(|c| format!("{} ({} {})", c.name, c.kind, exact_money(c.amount)))
            .collect();
        doc.paragraph(
            &format!(
                "Left out of the waterfall: SAFEs and notes still outstanding, whose payout is set by \
                 their own terms: {}.",
                names.join(", ")
            ),
            8.5,
            WARN,
        );
    }
    Ok(())
}

// ---- compute --------------------------------------------------------------------------------

fn runway_headline(c: ComputeInput) -> String {
    let p = c.projection;
    if let Some(row) = p.rows.iter().find(|r| r.runway == Runway::OutOfCash) {
        return format!("Out of cash {}", month_text(row.month));
    }
    match p.rows.last().map(|r| r.runway) {
        Some(Runway::Months { months }) => format!("{months} months"),
        Some(Runway::CashPositive) => "Cash positive".into(),
        _ => "n/a".into(),
    }
}

fn runway_detail(c: ComputeInput) -> String {
    let p = c.projection;
    if p.rows.iter().any(|r| r.runway == Runway::OutOfCash) {
        format!("in the {}-month projection", p.months)
    } else {
        p.rows
            .last()
            .map(|r| format!("at the end of {}", month_text(r.month)))
            .unwrap_or_default()
    }
}

fn compute_section(doc: &mut Doc, ctx: &Ctx, c: ComputeInput) {
    let plan = c.plan;
    let p = c.projection;
    let terms = &plan.terms;
    let mut orders = Table::new(&[
        ("Order", Align::Left),
        ("GPUs", Align::Right),
        ("Unit price", Align::Right),
        ("GPU capex", Align::Right),
        ("Delivered", Align::Left),
        ("Funded by", Align::Left),
        ("Source", Align::Left),
    ]);
    for o in &plan.orders {
        let n = &o.order;
        let delivered = match (n.deliveries.first(), n.deliveries.last()) {
            (Some(a), Some(b)) if a.month == b.month => month_text(a.month),
            (Some(a), Some(b)) => format!("{} to {}", month_text(a.month), month_text(b.month)),
            _ => "-".into(),
        };
        let funded = n
            .round
            .and_then(|id| ctx.book.round(id))
            .map(|r| r.name.clone())
            .unwrap_or_else(|| "-".into());
        orders.row(vec![
            format!("#{} {} {}", o.id, n.vendor, n.model),
            shares(n.quantity),
            exact_money(n.unit_price),
            n.amount()
                .map(exact_money)
                .unwrap_or_else(|_| "too large".into()),
            delivered,
            funded,
            source(n.provenance),
        ]);
    }
    doc.table(&orders);
    doc.space(4.0);

    let op = &terms.operating;
    let facts = vec![
        (
            "Power".into(),
            format!(
                "{} kW per GPU x PUE {} at {}/kWh, {} hours a month ({})",
                terms.power.kw_per_gpu.normalize(),
                terms.power.pue.normalize(),
                exact_money(Money::new(terms.power.usd_per_kwh, ctx.currency)),
                terms.power.hours_per_month.normalize(),
                terms.power.provenance.name()
            ),
        ),
        (
            "Infrastructure".into(),
            if terms.facility.capex.amount.is_zero() {
                format!(
                    "{} x GPU capex ({})",
                    terms.facility.infra_ratio.normalize(),
                    terms.facility.provenance.name()
                )
            } else {
                format!(
                    "{} x GPU capex, plus {} facility capex ({})",
                    terms.facility.infra_ratio.normalize(),
                    exact_money(terms.facility.capex),
                    terms.facility.provenance.name()
                )
            },
        ),
        (
            "Depreciation".into(),
            format!(
                "straight line over {} years, from the month after delivery ({})",
                terms.depreciation.years,
                terms.depreciation.provenance.name()
            ),
        ),
        (
            "Operating".into(),
            format!(
                "opening cash {}; other burn {} a month growing {}% a year; revenue {} a month growing {}% a year ({})",
                exact_money(op.opening_cash),
                exact_money(op.burn_per_month),
                (op.burn_growth_annual * Decimal::ONE_HUNDRED).normalize(),
                exact_money(op.revenue_per_month),
                (op.revenue_growth_annual * Decimal::ONE_HUNDRED).normalize(),
                op.provenance.name()
            ),
        ),
        (
            "Runway".into(),
            format!("{} ({})", runway_headline(c), runway_detail(c)),
        ),
    ];
    doc.facts(&facts);
    doc.space(6.0);

    let x = |i: usize| i as f64;
    let step = [1usize, 2, 3, 6, 12, 24]
        .into_iter()
        .find(|s| p.rows.len() / s <= 12)
        .unwrap_or(60);
    let chart = Chart {
        title: "Monthly spend and closing cash".into(),
        currency: ctx.currency,
        x_range: (-0.7, p.rows.len() as f64 - 0.3),
        x_ticks: p
            .rows
            .iter()
            .enumerate()
            .filter(|(i, _)| i % step == 0)
            .map(|(i, r)| (x(i), month_text(r.month)))
            .collect(),
        series: vec![
            Series::Bars {
                name: "Spend (capex + power + other burn)".into(),
                points: p
                    .rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let spend = r.capex.amount + r.power.amount + r.other_burn.amount;
                        (x(i), money_coordinate(spend))
                    })
                    .collect(),
                width: 1.0,
                color: ORANGE,
            },
            Series::Line {
                name: "Closing cash".into(),
                points: p
                    .rows
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (x(i), money_coordinate(r.closing_cash.amount)))
                    .collect(),
                color: BLUE,
                labels: vec![],
            },
        ],
        y_cap: None,
    };
    let height = (super_remaining(doc) - 4.0).clamp(220.0, 300.0);
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

    doc.new_page();
    doc.subheading(&format!(
        "Monthly projection, {} months from {}",
        p.months,
        month_text(p.from)
    ));
    let mut t = Table::new(&[
        ("Month", Align::Left),
        ("Delivered", Align::Right),
        ("Installed", Align::Right),
        ("MW", Align::Right),
        ("Capex", Align::Right),
        ("Power", Align::Right),
        ("Other burn", Align::Right),
        ("Revenue", Align::Right),
        ("Net cash flow", Align::Right),
        ("Closing cash", Align::Right),
        ("Runway", Align::Right),
    ]);
    for r in &p.rows {
        t.row(vec![
            month_text(r.month),
            shares(r.delivered),
            shares(r.installed),
            r.power_mw.round_dp(1).to_string(),
            exact_money(r.capex),
            exact_money(r.power),
            exact_money(r.other_burn),
            exact_money(r.revenue),
            exact_money(r.net_cash_flow),
            exact_money(r.closing_cash),
            r.runway.describe(),
        ]);
    }
    let tot = &p.totals;
    t.total(vec![
        "Total".into(),
        String::new(),
        String::new(),
        String::new(),
        exact_money(tot.capex),
        exact_money(tot.power),
        exact_money(tot.other_burn),
        exact_money(tot.revenue),
        exact_money(tot.net_cash_flow),
        exact_money(p.closing_cash),
        String::new(),
    ]);
    doc.table(&t);
    doc.paragraph(
        &format!(
            "Opening cash {} at the start of {}. Closing cash = opening cash + net cash flow, to the \
             cent, every month. Runway = closing cash / (power + other burn - revenue), rounded \
             down to 0.1 month (docs/compute.md).",
            exact_money(p.opening_cash),
            month_text(p.from)
        ),
        8.0,
        GREY,
    );
}

// ---- Monte Carlo ----------------------------------------------------------------------------

fn monte_carlo(doc: &mut Doc, ctx: &Ctx, run: &MonteCarloRun) {
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
