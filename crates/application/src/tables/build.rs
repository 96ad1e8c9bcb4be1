//! Builders: one table per view of the book, in the user's words. Each takes what
//! the ledger, the compute plan or a stored run already computed; none reads a file.

use chrono::NaiveDate;
use roundbook_compute::{month_text, Plan, Projection, Runway, UseOfProceeds};
use roundbook_ledger::captable::{percent, CapTable};
use roundbook_ledger::{
    Book, ConvertibleTerms, EntryId, FundingRound, Money, Movement, Provenance, ShareClass,
};
use rust_decimal::Decimal;
use serde_json::Value;

use super::catalogue::{CapTableBy, CapTableShares};
use super::model::{Cell, Column, Kind, Table};

/// Cash: whole cents.
pub(super) const CASH: Kind = Kind::Money { decimals: 2 };
/// Prices per share: the rounding policy's default of five places (docs/rounding.md).
pub(super) const PRICE: Kind = Kind::Money { decimals: 5 };

pub(super) fn money(m: Money) -> Cell {
    Cell::Decimal(m.amount)
}

fn opt_money(m: Option<Money>) -> Cell {
    Cell::opt_decimal(m.map(|m| m.amount))
}

fn basis(p: Provenance) -> Cell {
    Cell::text(p.name())
}

fn shares(n: u64) -> Cell {
    Cell::Integer(n)
}

/// A count that reads as blank when there is none (a holder without options).
fn some_shares(n: u64) -> Cell {
    if n == 0 {
        Cell::Empty
    } else {
        Cell::Integer(n)
    }
}

/// The cap table as of its date, one row per holder or per class, counting outstanding shares
/// or fully diluted ones. By holder: a column per class the holders hold, then options,
/// outstanding and fully diluted shares with their percentages, and (fully diluted) a row for
/// each plan's options still available for grant, so both columns add up to 100%.
pub fn cap_table(t: &CapTable, book: &Book, by: CapTableBy, counted: CapTableShares) -> Table {
    match by {
        CapTableBy::Holder => cap_table_by_holder(t, book, counted),
        CapTableBy::Class => cap_table_by_class(t, book, counted),
    }
}

fn cap_table_by_holder(t: &CapTable, book: &Book, counted: CapTableShares) -> Table {
    let fd = counted == CapTableShares::FullyDiluted;
    let classes: Vec<&ShareClass> = book
        .classes()
        .iter()
        .filter(|c| {
            t.holders
                .iter()
                .any(|h| h.holdings.iter().any(|x| x.class == c.id))
        })
        .collect();
    let mut columns = vec![
        Column::new("Holder", Kind::Text),
        Column::new("Basis", Kind::Basis),
    ];
    columns.extend(
        classes
            .iter()
            .map(|c| Column::new(&c.name, Kind::Shares).summed()),
    );
    if fd {
        columns.push(Column::new("Options", Kind::Shares).summed());
    }
    let outstanding = columns.len();
    columns.push(Column::new("Outstanding", Kind::Shares).summed());
    columns.push(Column::new("% Outstanding", Kind::Percent).share_of(outstanding));
    if fd {
        columns.push(Column::new("Fully diluted", Kind::Shares).summed());
        columns.push(Column::new("% FD", Kind::Percent).share_of(outstanding + 2));
    }
    let mut table = Table::new(counted.table_name(CapTableBy::Holder), columns).on(t.as_of);
    for h in t.holders.iter().filter(|h| {
        if fd {
            h.fully_diluted > 0
        } else {
            h.outstanding > 0
        }
    }) {
        let mut row = vec![Cell::text(&h.name), basis(h.provenance)];
        row.extend(classes.iter().map(|c| {
            h.holdings
                .iter()
                .find(|x| x.class == c.id)
                .map_or(Cell::Empty, |x| shares(x.shares))
        }));
        if fd {
            row.push(some_shares(h.options));
        }
        row.extend([shares(h.outstanding), Cell::Decimal(h.outstanding_pct)]);
        if fd {
            row.extend([shares(h.fully_diluted), Cell::Decimal(h.fully_diluted_pct)]);
        }
        table.push(row);
    }
    if fd {
        for p in t.plans.iter().filter(|p| p.available > 0) {
            let mut row = vec![
                Cell::text(format!("Available for grant: {}", p.name)),
                Cell::Empty,
            ];
            row.extend((row.len()..outstanding + 2).map(|_| Cell::Empty));
            row.extend([shares(p.available), Cell::Decimal(p.available_pct)]);
            table.push(row);
        }
    }
    table
}

fn cap_table_by_class(t: &CapTable, book: &Book, counted: CapTableShares) -> Table {
    let fd = counted == CapTableShares::FullyDiluted;
    let mut columns = vec![
        Column::new("Class", Kind::Text),
        Column::new("Kind", Kind::Text),
        Column::new("Basis", Kind::Basis),
        Column::new("Authorised", Kind::Shares),
        Column::new("Shares", Kind::Shares).summed(),
        Column::new("As converted", Kind::Shares).summed(),
        Column::new("% Outstanding", Kind::Percent).share_of(5),
    ];
    if fd {
        columns.extend([
            Column::new("Options", Kind::Shares).summed(),
            Column::new("Pool available", Kind::Shares).summed(),
            Column::new("Fully diluted", Kind::Shares).summed(),
            Column::new("% FD", Kind::Percent).share_of(9),
        ]);
    }
    let mut table = Table::new(counted.table_name(CapTableBy::Class), columns).on(t.as_of);
    for c in &t.classes {
        let provenance = book
            .class(c.class)
            .map_or(Provenance::Recorded, |x| x.provenance);
        let mut row = vec![
            Cell::text(&c.name),
            Cell::text(c.kind.name()),
            basis(provenance),
            c.authorized.map_or(Cell::Empty, Cell::Integer),
            shares(c.shares),
            shares(c.as_converted),
            Cell::Decimal(c.outstanding_pct),
        ];
        if fd {
            row.extend([
                shares(c.options),
                shares(c.pool_available),
                shares(c.fully_diluted),
                Cell::Decimal(c.fully_diluted_pct),
            ]);
        }
        table.push(row);
    }
    table
}

/// Each holder's shares per class on the as-of date.
pub fn holdings(t: &CapTable) -> Table {
    let mut table = Table::new(
        "holdings",
        vec![
            Column::new("Holder", Kind::Text),
            Column::new("Class", Kind::Text),
            Column::new("Shares", Kind::Shares).summed(),
            Column::new("As converted", Kind::Shares).summed(),
        ],
    )
    .on(t.as_of);
    for h in &t.holders {
        for x in &h.holdings {
            table.push(vec![
                Cell::text(&h.name),
                Cell::text(&x.class_name),
                shares(x.shares),
                shares(x.as_converted),
            ]);
        }
    }
    table
}

/// SAFEs and convertible notes outstanding on the as-of date (not in fully diluted).
pub fn convertibles(t: &CapTable) -> Table {
    let mut table = Table::new(
        "convertibles",
        vec![
            Column::new("Entry", Kind::Integer),
            Column::new("Holder", Kind::Text),
            Column::new("Instrument", Kind::Text),
            Column::new("Issued", Kind::Date),
            Column::new("Amount", CASH).summed(),
        ],
    )
    .on(t.as_of);
    for c in &t.convertibles {
        table.push(vec![
            entry_number(c.instrument),
            Cell::text(&c.name),
            Cell::text(c.kind),
            Cell::Date(c.issued),
            money(c.amount),
        ]);
    }
    table
}

fn entry_number(id: EntryId) -> Cell {
    u64::try_from(id.0).map_or(Cell::Empty, Cell::Integer)
}

/// One journal line, as columns: who, what, how many, at what price.
#[derive(Default)]
struct Line {
    holder: Option<String>,
    counterparty: Option<String>,
    class: Option<String>,
    plan: Option<String>,
    shares: Option<u64>,
    resulting: Option<u64>,
    price: Option<Money>,
    amount: Option<Decimal>,
    detail: Option<String>,
    reverses: Option<EntryId>,
}

/// Shares x price, exact, without the price's trailing zeros (a column of cash shows cents).
fn times(shares: u64, price: Option<Money>) -> Option<Decimal> {
    price.and_then(|p| {
        p.amount
            .checked_mul(Decimal::from(shares))
            .map(|d| d.normalize())
    })
}

fn terms_text(t: &ConvertibleTerms) -> String {
    let cap = |c: &Option<Money>| c.map(|m| format!(", cap {}", m.amount)).unwrap_or_default();
    let discount = |d: &Option<Decimal>| d.map(|d| format!(", discount {d}")).unwrap_or_default();
    match t {
        ConvertibleTerms::Safe {
            timing,
            valuation_cap,
            discount: d,
            mfn,
            ..
        } => format!(
            "SAFE ({}{}{}{})",
            match timing {
                roundbook_ledger::SafeTiming::PreMoney => "pre-money",
                roundbook_ledger::SafeTiming::PostMoney => "post-money",
            },
            cap(valuation_cap),
            discount(d),
            if *mfn { ", MFN" } else { "" }
        ),
        ConvertibleTerms::Note {
            interest_rate,
            maturity,
            valuation_cap,
            discount: d,
            ..
        } => format!(
            "convertible note ({interest_rate} a year, matures {maturity}{}{})",
            cap(valuation_cap),
            discount(d)
        ),
    }
}

fn line(book: &Book, m: &Movement) -> Line {
    let holder = |id| Some(book.stakeholder_name(id).to_string());
    let class = |id| Some(book.class_name(id).to_string());
    let grant = |g: EntryId| match book.entry(g).map(|e| &e.movement) {
        Some(Movement::OptionGrant {
            holder: h,
            plan,
            exercise_price,
            ..
        }) => (
            holder(*h),
            Some(book.plan_name(*plan).to_string()),
            book.plan(*plan).and_then(|p| class(p.class)),
            Some(*exercise_price),
        ),
        _ => (None, None, None, None),
    };
    match m {
        Movement::StockIssuance {
            holder: h,
            class: c,
            shares,
            price_per_share,
            round,
        } => Line {
            holder: holder(*h),
            class: class(*c),
            shares: Some(*shares),
            price: *price_per_share,
            amount: times(*shares, *price_per_share),
            detail: round
                .and_then(|r| book.round(r))
                .map(|r| format!("round {}", r.name)),
            ..Line::default()
        },
        Movement::OptionGrant {
            holder: h,
            plan,
            options,
            exercise_price,
            expires,
        } => Line {
            holder: holder(*h),
            plan: Some(book.plan_name(*plan).to_string()),
            shares: Some(*options),
            price: Some(*exercise_price),
            detail: expires.map(|d| format!("expires {d}")),
            ..Line::default()
        },
        Movement::Exercise { grant: g, options } => {
            let (h, plan, c, price) = grant(*g);
            Line {
                holder: h,
                class: c,
                plan,
                shares: Some(*options),
                price,
                amount: times(*options, price),
                detail: Some(format!("grant #{g}")),
                ..Line::default()
            }
        }
        Movement::Transfer {
            from,
            to,
            class: c,
            shares,
            price_per_share,
        } => Line {
            holder: holder(*from),
            counterparty: holder(*to),
            class: class(*c),
            shares: Some(*shares),
            price: *price_per_share,
            amount: times(*shares, *price_per_share),
            ..Line::default()
        },
        Movement::StockCancellation {
            holder: h,
            class: c,
            shares,
        } => Line {
            holder: holder(*h),
            class: class(*c),
            shares: Some(*shares),
            ..Line::default()
        },
        Movement::OptionCancellation { grant: g, options } => {
            let (h, plan, _, _) = grant(*g);
            Line {
                holder: h,
                plan,
                shares: Some(*options),
                detail: Some(format!("grant #{g}")),
                ..Line::default()
            }
        }
        Movement::Repurchase {
            holder: h,
            class: c,
            shares,
            price_per_share,
        } => Line {
            holder: holder(*h),
            class: class(*c),
            shares: Some(*shares),
            price: Some(*price_per_share),
            amount: times(*shares, Some(*price_per_share)),
            ..Line::default()
        },
        Movement::PoolIncrease { plan, shares } => Line {
            plan: Some(book.plan_name(*plan).to_string()),
            shares: Some(*shares),
            ..Line::default()
        },
        Movement::StockConversion {
            holder: h,
            from_class,
            shares,
            to_class,
            resulting_shares,
        } => Line {
            holder: holder(*h),
            class: class(*from_class),
            shares: Some(*shares),
            resulting: Some(*resulting_shares),
            detail: Some(format!("into {}", book.class_name(*to_class))),
            ..Line::default()
        },
        Movement::ConvertibleIssuance { holder: h, terms } => Line {
            holder: holder(*h),
            amount: Some(terms.amount().amount),
            detail: Some(terms_text(terms)),
            ..Line::default()
        },
        Movement::ConvertibleConversion {
            instrument,
            class: c,
            shares,
        } => Line {
            holder: match book.entry(*instrument).map(|e| &e.movement) {
                Some(Movement::ConvertibleIssuance { holder: h, .. }) => holder(*h),
                _ => None,
            },
            class: class(*c),
            resulting: Some(*shares),
            detail: Some(format!("instrument #{instrument}")),
            ..Line::default()
        },
        Movement::ConversionRatioAdjustment {
            class: c,
            new_ratio,
            reason,
        } => Line {
            class: class(*c),
            detail: Some(format!("conversion ratio {new_ratio}: {reason}")),
            ..Line::default()
        },
        Movement::StockSplit {
            class: c,
            numerator,
            denominator,
            rounding,
            ..
        } => Line {
            class: class(*c),
            detail: Some(format!(
                "split {numerator}:{denominator} (every {denominator} share(s) become {numerator}; shares {}, fractions paid in cash)",
                rounding.shares.name()
            )),
            ..Line::default()
        },
        Movement::AuthorizedSharesAdjustment {
            class: c,
            authorized,
        } => Line {
            class: class(*c),
            shares: Some(*authorized),
            detail: Some(format!("authorised shares set to {authorized}")),
            ..Line::default()
        },
        Movement::Reversal { reverses, reason } => Line {
            reverses: Some(*reverses),
            detail: Some(reason.clone()),
            ..Line::default()
        },
    }
}

/// The journal, every entry in the order recorded, optionally only those effective by a date.
/// Each entry's link in the journal's hash chain (the store keeps it), by entry.
pub type ChainHashes = std::collections::BTreeMap<EntryId, String>;

/// Every entry, with its description in words and, for a spreadsheet, its fields and its hash
/// in the journal's chain (docs/storage.md).
pub fn journal(book: &Book, as_of: Option<NaiveDate>, chain: &ChainHashes) -> Table {
    let mut table = Table::new(
        "journal",
        vec![
            Column::new("#", Kind::Integer),
            Column::new("Effective", Kind::Date),
            Column::new("Recorded at (UTC)", Kind::Text),
            Column::new("Kind", Kind::Text),
            Column::new("Description", Kind::Text),
            Column::new("Holder", Kind::Text).detail(),
            Column::new("To holder", Kind::Text).detail(),
            Column::new("Class", Kind::Text).detail(),
            Column::new("Plan", Kind::Text).detail(),
            Column::new("Shares or options", Kind::Shares).detail(),
            Column::new("Resulting shares", Kind::Shares).detail(),
            Column::new("Price per share", PRICE).detail(),
            Column::new("Amount", CASH).detail(),
            Column::new("Detail", Kind::Text).detail(),
            Column::new("Reverses entry", Kind::Integer).detail(),
            Column::new("Reversed by entry", Kind::Integer),
            Column::new("Memo", Kind::Text),
            Column::new("Basis", Kind::Basis),
            Column::new("Chain hash", Kind::Text).detail(),
        ],
    )
    .in_currency(book.company.currency);
    for e in book
        .entries()
        .iter()
        .filter(|e| as_of.is_none_or(|d| e.effective <= d))
    {
        let l = line(book, &e.movement);
        table.push(vec![
            entry_number(e.id),
            Cell::Date(e.effective),
            // As the command line always printed it; the header says UTC.
            Cell::text(e.recorded_at.format("%Y-%m-%d %H:%M:%S").to_string()),
            Cell::text(e.movement.kind()),
            // The same words as the command line's journal and the app's.
            Cell::text(crate::words::entry(book, &e.movement)),
            Cell::opt_text(l.holder),
            Cell::opt_text(l.counterparty),
            Cell::opt_text(l.class),
            Cell::opt_text(l.plan),
            l.shares.map_or(Cell::Empty, Cell::Integer),
            l.resulting.map_or(Cell::Empty, Cell::Integer),
            opt_money(l.price),
            Cell::opt_decimal(l.amount),
            Cell::opt_text(l.detail),
            l.reverses.map_or(Cell::Empty, entry_number),
            book.reversal_of(e.id).map_or(Cell::Empty, entry_number),
            Cell::opt_text(e.memo.clone()),
            basis(e.provenance),
            Cell::opt_text(chain.get(&e.id).cloned()),
        ]);
    }
    table
}

/// Funding rounds with their terms, and whether each stands on `as_of` (the ledger's rule: a
/// round whose every issuance was reversed raised nothing). Rounds dated after `as_of` are
/// left out; None: every round recorded.
pub fn rounds(book: &Book, as_of: Option<NaiveDate>) -> Table {
    let mut table = Table::new(
        "rounds",
        vec![
            Column::new("#", Kind::Integer),
            Column::new("Round", Kind::Text),
            Column::new("Date", Kind::Date),
            Column::new("Class", Kind::Text),
            Column::new("Pre-money", CASH),
            Column::new("Raised", CASH),
            Column::new("Post-money", CASH),
            Column::new("Price per share", PRICE),
            Column::new("Fully diluted before", Kind::Shares),
            Column::new("Lead", Kind::Text),
            Column::new("Basis", Kind::Basis),
            Column::new("Status", Kind::Text),
            Column::new("Note", Kind::Text).note(),
        ],
    )
    .in_currency(book.company.currency);
    let mut rounds: Vec<_> = book
        .rounds()
        .iter()
        .filter(|r| as_of.is_none_or(|d| r.date <= d))
        .collect();
    rounds.sort_by_key(|r| (r.date, r.id));
    let standing = book.standing_round_ids(as_of.unwrap_or(NaiveDate::MAX));
    for r in rounds {
        table.push(vec![
            u64::try_from(r.id.0).map_or(Cell::Empty, Cell::Integer),
            Cell::text(&r.name),
            Cell::Date(r.date),
            Cell::text(book.class_name(r.class)),
            money(r.pre_money),
            money(r.amount_raised),
            money(r.post_money),
            money(r.price_per_share),
            shares(r.pre_money_fd_shares),
            Cell::opt_text(r.lead.map(|l| book.stakeholder_name(l).to_string())),
            Cell::text(crate::words::round_basis(r)),
            Cell::text(if standing.contains(&r.id) {
                "standing"
            } else {
                "reversed"
            }),
            Cell::opt_text(r.note.clone()),
        ]);
    }
    table
}

/// Share classes with their terms; the conversion ratio is the one in force on `as_of`
/// (anti-dilution adjustments move it).
pub fn classes(book: &Book, as_of: NaiveDate) -> Table {
    let mut table = Table::new(
        "classes",
        vec![
            Column::new("#", Kind::Integer),
            Column::new("Class", Kind::Text),
            Column::new("Kind", Kind::Text),
            Column::new("Original issue price", PRICE),
            Column::new("Preference", Kind::Text),
            Column::new("Participation", Kind::Text),
            Column::new("Seniority", Kind::Number),
            Column::new("Conversion ratio", Kind::Number),
            Column::new("Anti-dilution", Kind::Text),
            Column::new("Authorised", Kind::Shares),
            Column::new("Basis", Kind::Basis),
        ],
    )
    .in_currency(book.company.currency)
    .on(as_of);
    let ratios = book.conversion_ratios(as_of);
    for (c, (_, ratio)) in book.classes().iter().zip(&ratios) {
        table.push(vec![
            u64::try_from(c.id.0).map_or(Cell::Empty, Cell::Integer),
            Cell::text(&c.name),
            Cell::text(c.kind.name()),
            opt_money(c.original_issue_price),
            match c.kind {
                roundbook_ledger::ClassKind::Common => Cell::Empty,
                roundbook_ledger::ClassKind::Preferred => {
                    Cell::text(format!("{}x", c.preference_multiple.normalize()))
                }
            },
            Cell::text(match c.participation {
                roundbook_ledger::Participation::None => "none".to_string(),
                roundbook_ledger::Participation::Full => "full".to_string(),
                roundbook_ledger::Participation::Capped { cap_multiple } => {
                    format!("capped at {}x", cap_multiple.normalize())
                }
            }),
            // Higher is paid first; equal is pari passu. A seniority may be negative.
            Cell::Decimal(Decimal::from(c.seniority)),
            Cell::Decimal(ratio.normalize()),
            Cell::text(c.anti_dilution.name()),
            c.authorized.map_or(Cell::Empty, Cell::Integer),
            basis(c.provenance),
        ]);
    }
    table
}

/// Equity plans on the cap table's date: reserved, granted and outstanding, exercised,
/// expired back into the pool, available, and what is available as a share of fully diluted.
pub fn plans(t: &CapTable, book: &Book) -> Table {
    let mut table = Table::new(
        "plans",
        vec![
            Column::new("#", Kind::Integer),
            Column::new("Plan", Kind::Text),
            Column::new("Class", Kind::Text),
            Column::new("Reserved", Kind::Shares),
            Column::new("Granted (outstanding)", Kind::Shares),
            Column::new("Exercised", Kind::Shares),
            Column::new("Expired", Kind::Shares),
            Column::new("Available", Kind::Shares),
            Column::new("Available % of fully diluted", Kind::Percent),
        ],
    )
    .on(t.as_of);
    for p in &t.plans {
        table.push(vec![
            u64::try_from(p.plan.0).map_or(Cell::Empty, Cell::Integer),
            Cell::text(&p.name),
            Cell::text(book.class_name(p.class)),
            shares(p.reserved),
            shares(p.granted_outstanding),
            shares(p.exercised),
            shares(p.expired),
            shares(p.available),
            Cell::Decimal(p.available_pct),
        ]);
    }
    table
}

/// Each round's use of proceeds: what it raised, the GPU orders it pays for and the infra those
/// need at the ratio in force, and what is left (negative when the orders outrun the round).
pub fn use_of_proceeds(uses: &[UseOfProceeds], currency: roundbook_ledger::Currency) -> Table {
    let mut table = Table::new(
        "use-of-proceeds",
        vec![
            Column::new("Round", Kind::Text),
            Column::new("Raised", CASH).summed(),
            Column::new("GPUs", Kind::Shares).summed(),
            Column::new("GPU capex", CASH).summed(),
            Column::new("Infra capex", CASH).summed(),
            Column::new("Allocated", CASH).summed(),
            Column::new("Unallocated", CASH).summed(),
        ],
    )
    .in_currency(currency);
    for u in uses {
        table.push(vec![
            Cell::text(&u.name),
            money(u.raised),
            shares(u.gpus),
            money(u.gpu_capex),
            money(u.infra_capex),
            money(u.allocated),
            money(u.unallocated),
        ]);
    }
    table
}

/// The compute plan's GPU orders (a cancelled order is left out, as the plan leaves it out):
/// what was ordered, at what price, delivered when, and paid for by which round.
pub fn gpu_orders(plan: &Plan, rounds: &[roundbook_ledger::FundingRound]) -> Table {
    let mut table = Table::new(
        "gpu-orders",
        vec![
            Column::new("#", Kind::Integer),
            Column::new("Model", Kind::Text),
            Column::new("Vendor", Kind::Text),
            Column::new("GPUs", Kind::Shares),
            Column::new("Unit price", CASH),
            Column::new("Amount", CASH),
            Column::new("Ordered", Kind::Date),
            Column::new("Deliveries", Kind::Text),
            Column::new("Round", Kind::Text),
            Column::new("Basis", Kind::Basis),
            Column::new("Note", Kind::Text).note(),
        ],
    )
    .in_currency(plan.currency);
    for o in &plan.orders {
        let n = &o.order;
        let deliveries: Vec<String> = n
            .deliveries
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    month_text(d.month),
                    crate::words::shares(d.quantity)
                )
            })
            .collect();
        let round = n.round.map(|id| {
            rounds
                .iter()
                .find(|r| r.id == id)
                .map_or_else(|| format!("#{id}"), |r| r.name.clone())
        });
        table.push(vec![
            u64::try_from(o.id.0).map_or(Cell::Empty, Cell::Integer),
            Cell::text(&n.model),
            Cell::text(&n.vendor),
            shares(n.quantity),
            money(n.unit_price),
            n.amount().map_or(Cell::Empty, money),
            Cell::Date(n.ordered),
            Cell::text(deliveries.join(", ")),
            Cell::opt_text(round),
            basis(n.provenance),
            Cell::opt_text(n.note.clone()),
        ]);
    }
    table
}

/// The investors in one round as it stands: its issuances effective by `as_of` (every one when
/// None) and not reversed, each with what it paid and its share of the round. The reversed ones
/// are in `participations` and the journal.
pub fn round_investors(book: &Book, round: &FundingRound, as_of: Option<NaiveDate>) -> Table {
    let mut table = Table::new(
        "round-investors",
        vec![
            Column::new("Entry", Kind::Integer),
            Column::new("Investor", Kind::Text),
            Column::new("Shares", Kind::Shares).summed(),
            Column::new("Price per share", PRICE),
            Column::new("Shares x price", CASH).summed(),
            Column::new("% of round", Kind::Percent).share_of(2),
            Column::new("Lead", Kind::Text),
            Column::new("Basis", Kind::Basis),
        ],
    )
    .in_currency(book.company.currency);
    let issued: Vec<_> = book
        .entries()
        .iter()
        .filter(|e| as_of.is_none_or(|d| e.effective <= d) && book.reversal_of(e.id).is_none())
        .filter_map(|e| match &e.movement {
            Movement::StockIssuance {
                holder,
                shares: n,
                price_per_share,
                round: Some(id),
                ..
            } if *id == round.id => Some((e, *holder, *n, *price_per_share)),
            _ => None,
        })
        .collect();
    let total: u64 = issued.iter().map(|x| x.2).sum();
    for (e, holder, n, price) in issued {
        table.push(vec![
            entry_number(e.id),
            Cell::text(book.stakeholder_name(holder)),
            shares(n),
            opt_money(price),
            Cell::opt_decimal(times(n, price)),
            Cell::Decimal(percent(n, total)),
            if round.lead == Some(holder) {
                Cell::text("lead")
            } else {
                Cell::Empty
            },
            basis(e.provenance),
        ]);
    }
    table
}

/// Each investor's shares in each round: the round's issuance entries.
pub fn participations(book: &Book) -> Table {
    let mut table = Table::new(
        "participations",
        vec![
            Column::new("Round", Kind::Text),
            Column::new("Date", Kind::Date),
            Column::new("Investor", Kind::Text),
            Column::new("Class", Kind::Text),
            Column::new("Shares", Kind::Shares).summed(),
            Column::new("Price per share", PRICE),
            Column::new("Shares x price", CASH).summed(),
            Column::new("Entry", Kind::Integer),
            Column::new("Reversed by entry", Kind::Integer),
            Column::new("Memo", Kind::Text),
            Column::new("Basis", Kind::Basis),
        ],
    );
    for e in book.entries() {
        let Movement::StockIssuance {
            holder,
            class,
            shares: n,
            price_per_share,
            round: Some(round),
        } = &e.movement
        else {
            continue;
        };
        table.push(vec![
            Cell::text(book.round(*round).map_or("", |r| r.name.as_str())),
            Cell::Date(e.effective),
            Cell::text(book.stakeholder_name(*holder)),
            Cell::text(book.class_name(*class)),
            shares(*n),
            opt_money(*price_per_share),
            Cell::opt_decimal(times(*n, *price_per_share)),
            entry_number(e.id),
            book.reversal_of(e.id).map_or(Cell::Empty, entry_number),
            Cell::opt_text(e.memo.clone()),
            basis(e.provenance),
        ]);
    }
    table
}

/// People and institutions in the book.
pub fn stakeholders(book: &Book) -> Table {
    let mut table = Table::new(
        "stakeholders",
        vec![
            Column::new("#", Kind::Integer),
            Column::new("Name", Kind::Text),
            Column::new("Kind", Kind::Text),
            Column::new("Relationships", Kind::Text),
            Column::new("Basis", Kind::Basis),
            Column::new("Note", Kind::Text).note(),
        ],
    );
    for s in book.stakeholders() {
        let roles: Vec<&str> = s.relationships.iter().map(|r| r.name()).collect();
        table.push(vec![
            u64::try_from(s.id.0).map_or(Cell::Empty, Cell::Integer),
            Cell::text(&s.name),
            Cell::text(match s.kind {
                roundbook_ledger::StakeholderKind::Individual => "individual",
                roundbook_ledger::StakeholderKind::Institution => "institution",
            }),
            Cell::text(roles.join(", ")),
            basis(s.provenance),
            Cell::opt_text(s.note.clone()),
        ]);
    }
    table
}

fn runway_text(r: &Runway) -> String {
    match r {
        Runway::Months { months } => format!("{months} months"),
        Runway::CashPositive => "cash positive".into(),
        Runway::OutOfCash => "out of cash".into(),
    }
}

/// The compute plan's monthly projection; the flows are summed, the balances are not.
pub fn compute_projection(p: &Projection) -> Table {
    let mut table = Table::new(
        "compute",
        vec![
            Column::new("Month", Kind::Date),
            Column::new("GPUs delivered", Kind::Shares).summed(),
            Column::new("GPUs installed", Kind::Shares),
            Column::new("Power draw (MW)", Kind::Number),
            Column::new("GPU capex", CASH).summed().detail(),
            Column::new("Infra capex", CASH).summed().detail(),
            Column::new("Capex", CASH).summed(),
            Column::new("Power", CASH).summed(),
            Column::new("Depreciation", CASH).summed(),
            Column::new("Accumulated depreciation", CASH).detail(),
            Column::new("Other burn", CASH).summed(),
            Column::new("Revenue", CASH).summed(),
            Column::new("Net cash flow", CASH).summed(),
            Column::new("Opening cash", CASH).detail(),
            Column::new("Closing cash", CASH),
            Column::new("Cumulative compute spend", CASH).detail(),
            Column::new("Net burn", CASH).detail(),
            Column::new("Runway", Kind::Text),
        ],
    );
    if let Some(first) = p.rows.first() {
        table = table.in_currency(first.closing_cash.currency);
    }
    for r in &p.rows {
        table.push(vec![
            Cell::Date(r.month),
            shares(r.delivered),
            shares(r.installed),
            // To 0.1 MW, as a power plan is read.
            Cell::Decimal({
                let mut mw = r.power_mw.round_dp(1);
                mw.rescale(1);
                mw
            }),
            money(r.gpu_capex),
            money(r.infra_capex),
            money(r.capex),
            money(r.power),
            money(r.depreciation),
            money(r.accumulated_depreciation),
            money(r.other_burn),
            money(r.revenue),
            money(r.net_cash_flow),
            money(r.opening_cash),
            money(r.closing_cash),
            money(r.cumulative_spend),
            money(r.net_burn),
            Cell::text(runway_text(&r.runway)),
        ]);
    }
    table
}

/// A Monte Carlo run as stored in the book, with its summary (the shape of
/// `roundbook simulate --json`'s "summary").
#[derive(Debug, Clone)]
pub struct StoredRun {
    pub id: i64,
    pub recorded_at: String,
    pub scenario_sha256: String,
    pub seed: u64,
    pub paths: u64,
    pub horizon_months: u32,
    pub backend: String,
    pub engine_version: String,
    pub seconds: Decimal,
    pub summary: Value,
}

/// A simulation statistic as the decimal its JSON text states (none for null, i.e. NaN).
pub fn statistic(v: &Value) -> Cell {
    let Value::Number(n) = v else {
        return Cell::Empty;
    };
    let text = n.to_string();
    text.parse::<Decimal>()
        .or_else(|_| Decimal::from_scientific(&text))
        .map_or(Cell::Empty, Cell::Decimal)
}

/// One row per stored run: its identity and headline probabilities and means.
pub fn simulation_runs(runs: &[StoredRun]) -> Table {
    // A reader sees the run, when, which scenario, its size and the two headline figures; the
    // rest is a spreadsheet's.
    let mut table = Table::new(
        "simulation-runs",
        vec![
            Column::new("Run", Kind::Integer),
            Column::new("Recorded at (UTC)", Kind::Text),
            Column::new("Scenario", Kind::Text),
            Column::new("Scenario SHA-256", Kind::Text).detail(),
            Column::new("Seed", Kind::Text),
            Column::new("Paths", Kind::Shares),
            Column::new("Months", Kind::Integer),
            Column::new("Backend", Kind::Text),
            Column::new("Engine", Kind::Text).detail(),
            Column::new("Seconds", Kind::Number).detail(),
            Column::new("P(fail)", Kind::Estimate),
            Column::new("P(raise within 6 months)", Kind::Estimate).detail(),
            Column::new("P(raise within 12 months)", Kind::Estimate),
            Column::new("P(raise within 24 months)", Kind::Estimate).detail(),
            Column::new("Mean rounds", Kind::Estimate).detail(),
            Column::new("Mean exit value", Kind::Estimate),
            Column::new("Mean exit value SE", Kind::Estimate).detail(),
            Column::new("Mean new money", Kind::Estimate).detail(),
        ],
    );
    for r in runs {
        let s = &r.summary;
        table.push(vec![
            u64::try_from(r.id).map_or(Cell::Empty, Cell::Integer),
            Cell::text(
                r.recorded_at
                    .get(..19)
                    .unwrap_or(&r.recorded_at)
                    .replace('T', " "),
            ),
            // The first 12 hex digits name a scenario among a book's few; the whole hash is
            // the spreadsheet's.
            Cell::text(r.scenario_sha256.get(..12).unwrap_or(&r.scenario_sha256)),
            Cell::text(&r.scenario_sha256),
            // A u64 seed does not fit a spreadsheet's double; text keeps every digit.
            Cell::text(r.seed.to_string()),
            shares(r.paths),
            Cell::Integer(u64::from(r.horizon_months)),
            Cell::text(&r.backend),
            Cell::text(&r.engine_version),
            Cell::Decimal(r.seconds),
            statistic(&s["p_fail"]),
            statistic(&s["p_raise_within"][0]),
            statistic(&s["p_raise_within"][1]),
            statistic(&s["p_raise_within"][2]),
            statistic(&s["mean_rounds"]),
            statistic(&s["exit_value_mean"]),
            statistic(&s["exit_value_se"]),
            statistic(&s["new_money_mean"]),
        ]);
    }
    table
}

/// The measures of `fans` in the summary, in its order (roundbook_sim::cpu::MEASURE_NAMES).
pub const FAN_MEASURES: [&str; 4] = ["cash", "mark", "spend", "fully_diluted"];

/// The percentile fans of every stored run: one row per run, measure and month.
pub fn simulation_fans(runs: &[StoredRun]) -> Table {
    fans_of(runs.iter().map(|r| (Some(r.id), &r.summary)), |_| true)
}

/// The fans of runs given by number (None: a run not stored) and summary, at the months `shown`
/// keeps (`simulate` prints a few; the exports every one).
pub fn fans_of<'a>(
    runs: impl IntoIterator<Item = (Option<i64>, &'a Value)>,
    shown: impl Fn(u64) -> bool,
) -> Table {
    let mut table = Table::new(
        "simulation-fans",
        vec![
            Column::new("Run", Kind::Integer),
            Column::new("Measure", Kind::Text),
            Column::new("Month", Kind::Integer),
            Column::new("Paths alive", Kind::Shares),
            Column::new("Alive fraction", Kind::Estimate).detail(),
            Column::new("Mean", Kind::Estimate),
            Column::new("Mean SE", Kind::Estimate).detail(),
            Column::new("P5", Kind::Estimate),
            Column::new("P25", Kind::Estimate).detail(),
            Column::new("P50", Kind::Estimate),
            Column::new("P75", Kind::Estimate).detail(),
            Column::new("P95", Kind::Estimate),
            Column::new("Bin error", Kind::Estimate).detail(),
        ],
    );
    for (id, summary) in runs {
        let empty = vec![];
        let fans = summary["fans"].as_array().unwrap_or(&empty);
        for (k, measure) in fans.iter().enumerate() {
            let name = FAN_MEASURES
                .get(k)
                .map_or_else(|| format!("measure {k}"), |s| s.to_string());
            for (m, f) in measure.as_array().unwrap_or(&empty).iter().enumerate() {
                let month = m as u64 + 1;
                if !shown(month) {
                    continue;
                }
                let p = &f["percentiles"];
                table.push(vec![
                    id.and_then(|id| u64::try_from(id).ok())
                        .map_or(Cell::Empty, Cell::Integer),
                    Cell::text(&name),
                    Cell::Integer(month),
                    f["alive"].as_u64().map_or(Cell::Empty, Cell::Integer),
                    statistic(&summary["alive_fraction"][m]),
                    statistic(&f["mean"]),
                    statistic(&f["se"]),
                    statistic(&p[0]),
                    statistic(&p[1]),
                    statistic(&p[2]),
                    statistic(&p[3]),
                    statistic(&p[4]),
                    statistic(&f["bin_error"]),
                ]);
            }
        }
    }
    table
}

/// What the workbook is: the company, the date of its cap table, and what "basis" means.
pub fn about(book: &Book, as_of: NaiveDate) -> Table {
    let mut table = Table::new(
        "about",
        vec![
            Column::new("Item", Kind::Text),
            Column::new("Value", Kind::Text),
        ],
    );
    let c = &book.company;
    for (k, v) in [
        ("Company", c.name.clone()),
        ("Legal name", c.legal_name.clone()),
        ("Currency", c.currency.as_str().to_string()),
        ("Cap table as of", as_of.to_string()),
        (
            "Basis",
            "recorded: entered in the book; public: a public fact; illustrative: made up to complete an example, not a fact".into(),
        ),
        (
            "Numbers",
            "the CSV export holds the exact decimals; a spreadsheet keeps about 15 significant digits".into(),
        ),
    ] {
        table.push(vec![Cell::text(k), Cell::text(v)]);
    }
    table
}
