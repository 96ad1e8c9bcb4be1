//! Commands that add to the book. Each is one store transaction: parse the
//! arguments against the book, add, let the ledger check the whole history,
//! write. Any error leaves the file as it was.

use std::fmt::Write as _;
use std::path::Path;

use chrono::NaiveDate;
use roundbook_ledger::money::parse_decimal;
use roundbook_ledger::*;
use roundbook_store::Store;
use rust_decimal::Decimal;

use crate::args::*;
use crate::{CliError, CliResult};

// ---- parsing, shared with read.rs ------------------------------------------

pub fn date(field: &'static str, s: &str) -> Result<NaiveDate, LedgerError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        LedgerError::invalid(
            field,
            format!("'{s}' is not a date (write YYYY-MM-DD, e.g. 2024-05-26)"),
        )
    })
}

pub fn count(field: &'static str, s: &str) -> Result<u64, LedgerError> {
    let t = s.trim();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(LedgerError::invalid(
            field,
            format!("'{s}' is not a whole number of shares (digits only, e.g. 1000000)"),
        ));
    }
    t.parse::<u64>()
        .map_err(|_| LedgerError::invalid(field, format!("'{s}' is too large")))
}

pub fn money(book: &Book, field: &'static str, s: &str) -> Result<Money, LedgerError> {
    Money::parse(field, s, book.company.currency)
}

fn fraction(field: &'static str, s: &str) -> Result<Decimal, LedgerError> {
    parse_decimal(field, s)
}

fn entry_id(field: &'static str, s: &str) -> Result<EntryId, LedgerError> {
    let t = s.trim().trim_start_matches('#');
    t.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(EntryId)
        .ok_or_else(|| LedgerError::invalid(field, format!("'{s}' is not a journal entry number")))
}

fn memo(m: Option<String>) -> Option<String> {
    m.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn open(book: &Path) -> CliResult<Store> {
    Ok(Store::open(book)?)
}

fn recorded(out: &mut String, what: &str, id: EntryId) {
    let _ = writeln!(out, "Recorded {what} as journal entry #{id}.");
}

/// One movement, one transaction.
fn record_one(
    book: &Path,
    out: &mut String,
    what: &str,
    build: impl FnOnce(&Book) -> Result<(NaiveDate, Movement, Option<String>), LedgerError>,
) -> CliResult {
    let mut store = open(book)?;
    let id = store.transact(|b| {
        let (date, movement, memo) = build(b)?;
        b.record(date, movement, memo, Provenance::Recorded)
    })?;
    recorded(out, what, id);
    Ok(())
}

// ---- commands ---------------------------------------------------------------

pub fn init(book: &Path, a: InitArgs, out: &mut String) -> CliResult {
    let company = Company {
        legal_name: a.legal_name.clone().unwrap_or_else(|| a.name.clone()),
        name: a.name,
        founded: date("founded", &a.founded)?,
        currency: a.currency.parse()?,
        jurisdiction: a.jurisdiction,
    };
    Store::create(book, &company)?;
    let _ = writeln!(
        out,
        "Created the book for {} at {}.",
        company.name,
        book.display()
    );
    Ok(())
}

pub fn demo(book: &Path, json: bool, out: &mut String) -> CliResult {
    // The same function makes the app's first-start book; a failure leaves no file behind.
    let made = Store::create_example(book)?;
    let (outcome, orders) = (made.series_b, made.gpu_orders);
    if json {
        let v = serde_json::json!({"book": book.display().to_string(), "series_b": outcome, "gpu_orders": orders});
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        );
        return Ok(());
    }
    let _ = writeln!(
        out,
        "Created the example book for xAI at {}.",
        book.display()
    );
    let _ = writeln!(out, "Public facts: the Series B of 2024-05-26, $6B at $18B pre-money, $24B post-money, and the investors' names.");
    let _ = writeln!(out, "ILLUSTRATIVE (labelled in every view): share counts, holdings, the pool, the Series A, per-investor amounts.");
    let _ = writeln!(out, "Sources: assets/xai/SOURCES.md.\n");
    crate::read::round_outcome(&outcome, out);
    let _ = writeln!(out, "\nCompute plan (Colossus), funded by the Series B: 100,000 H100 (public), $30,000 each and delivered June-August 2024 (illustrative);");
    let _ = writeln!(out, "1.275 kW per GPU x PUE 1.2 = 153 MW at full build (public: ~150 MW); other burn, revenue and infra ratio illustrative. Sources: assets/xai/COMPUTE.md.");
    let _ = writeln!(
        out,
        "\nTry: roundbook --book {} captable --as-of 2024-05-26 --fully-diluted",
        book.display()
    );
    let _ = writeln!(
        out,
        "     roundbook --book {} compute projection --months 24",
        book.display()
    );
    Ok(())
}

pub fn stakeholder_add(book: &Path, a: StakeholderAddArgs, out: &mut String) -> CliResult {
    let mut store = open(book)?;
    let id = store.transact(|b| {
        let mut relationships = vec![];
        for r in a.role.split(',').map(str::trim).filter(|r| !r.is_empty()) {
            relationships.push(Relationship::parse(r).ok_or_else(|| {
                LedgerError::invalid(
                    "role",
                    format!("'{r}' is not one of founder, employee, investor, advisor, board"),
                )
            })?);
        }
        b.add_stakeholder(NewStakeholder {
            name: a.name.clone(),
            kind: match a.kind {
                KindArg::Individual => StakeholderKind::Individual,
                KindArg::Institution => StakeholderKind::Institution,
            },
            relationships,
            provenance: Provenance::Recorded,
            note: memo(a.note),
        })
    })?;
    let _ = writeln!(out, "Added stakeholder #{id}: {}", a.name.trim());
    Ok(())
}

pub fn class_add(book: &Path, a: ClassAddArgs, out: &mut String) -> CliResult {
    let mut store = open(book)?;
    let id = store.transact(|b| {
        let kind = match a.kind {
            ClassKindArg::Common => ClassKind::Common,
            ClassKindArg::Preferred => ClassKind::Preferred,
        };
        let preference_multiple = match (&a.preference_multiple, kind) {
            (Some(m), _) => fraction("preference_multiple", m)?,
            (None, ClassKind::Preferred) => Decimal::ONE,
            (None, ClassKind::Common) => Decimal::ZERO,
        };
        let participation = match a.participation {
            ParticipationArg::None => Participation::None,
            ParticipationArg::Full => Participation::Full,
            ParticipationArg::Capped => Participation::Capped {
                cap_multiple: fraction(
                    "cap_multiple",
                    a.cap_multiple.as_deref().ok_or_else(|| {
                        LedgerError::invalid(
                            "cap_multiple",
                            "capped participation needs --cap-multiple",
                        )
                    })?,
                )?,
            },
        };
        b.add_class(NewClass {
            name: a.name.clone(),
            kind,
            original_issue_price: a
                .oip
                .as_deref()
                .map(|p| money(b, "original_issue_price", p))
                .transpose()?,
            preference_multiple,
            participation,
            seniority: a.seniority,
            conversion_ratio: fraction("conversion_ratio", &a.conversion_ratio)?,
            anti_dilution: match a.anti_dilution {
                AntiDilutionArg::None => AntiDilution::None,
                AntiDilutionArg::BroadBased => AntiDilution::BroadBasedWeightedAverage,
                AntiDilutionArg::NarrowBased => AntiDilution::NarrowBasedWeightedAverage,
                AntiDilutionArg::FullRatchet => AntiDilution::FullRatchet,
            },
            authorized: a
                .authorized
                .as_deref()
                .map(|s| count("authorized", s))
                .transpose()?,
            provenance: Provenance::Recorded,
        })
    })?;
    let _ = writeln!(out, "Added share class #{id}: {}", a.name.trim());
    Ok(())
}

pub fn plan_add(book: &Path, a: PlanAddArgs, out: &mut String) -> CliResult {
    let mut store = open(book)?;
    let id = store.transact(|b| {
        let class = b.find_class("class", &a.class)?;
        b.add_plan(NewPlan {
            name: a.name.clone(),
            class,
            adopted: date("date", &a.date)?,
            reserved: count("reserved", &a.reserved)?,
            provenance: Provenance::Recorded,
        })
    })?;
    let _ = writeln!(out, "Adopted equity plan #{id}: {}", a.name.trim());
    Ok(())
}

pub fn pool_increase(book: &Path, a: PoolIncreaseArgs, out: &mut String) -> CliResult {
    record_one(book, out, "the pool increase", |b| {
        Ok((
            date("date", &a.date)?,
            Movement::PoolIncrease {
                plan: b.find_plan("plan", &a.plan)?,
                shares: count("shares", &a.shares)?,
            },
            memo(a.memo),
        ))
    })
}

/// The book's default policy with the flags the user gave laid over it.
pub fn rounding_policy(base: RoundingPolicy, r: &RoundingArgs) -> RoundingPolicy {
    let mut p = base;
    if let Some(d) = r.price_decimals {
        p.price_decimals = d;
    }
    if let Some(dir) = r.price_rounding {
        p.price_direction = match dir {
            PriceRoundingArg::Up => PriceDirection::Up,
            PriceRoundingArg::Down => PriceDirection::Down,
            PriceRoundingArg::HalfUp => PriceDirection::HalfUp,
            PriceRoundingArg::HalfEven => PriceDirection::HalfEven,
        };
    }
    if let Some(s) = r.share_rounding {
        p.shares = match s {
            ShareRoundingArg::Floor => ShareRounding::Floor,
            ShareRoundingArg::Ceiling => ShareRounding::Ceiling,
            ShareRoundingArg::Nearest => ShareRounding::Nearest,
        };
    }
    p
}

/// "NAME=AMOUNT" flags, one per investor.
fn investments(b: &Book, specs: &[String]) -> Result<Vec<Investment>, LedgerError> {
    let mut out = vec![];
    for (i, spec) in specs.iter().enumerate() {
        let (name, amount) = spec.rsplit_once('=').ok_or_else(|| {
            LedgerError::invalid(
                "invest",
                format!("investment {} '{spec}' is not NAME=AMOUNT", i + 1),
            )
        })?;
        out.push(Investment {
            investor: b.find_stakeholder("invest", name)?,
            amount: money(b, "amount", amount)
                .map_err(|e| e.at(&format!("investment {} ({})", i + 1, name.trim())))?,
        });
    }
    Ok(out)
}

pub fn round_model(book: &Path, a: RoundModelArgs, json: bool, out: &mut String) -> CliResult {
    let build = |b: &mut Book| -> Result<ModelOutcome, LedgerError> {
        let day = date("date", &a.date)?;
        let valuation = match (&a.pre_money, &a.post_money) {
            (Some(p), _) => RoundValuation::PreMoney(money(b, "pre_money", p)?),
            (None, Some(p)) => RoundValuation::PostMoney(money(b, "post_money", p)?),
            (None, None) => {
                return Err(LedgerError::invalid(
                    "pre_money",
                    "give --pre-money or --post-money",
                ))
            }
        };
        let pool = match (&a.pool_target, &a.pool_plan) {
            (Some(t), Some(plan)) => Some(PoolTarget {
                plan: b.find_plan("pool_plan", plan)?,
                fraction: parse_decimal("pool_target", t)?,
                timing: match a.pool_in {
                    PoolTimingArg::Pre => PoolTiming::PreMoney,
                    PoolTimingArg::Post => PoolTiming::PostMoney,
                },
            }),
            _ => None,
        };
        let conversions = match a.convert.trim() {
            "all" => Conversions::All,
            "none" => Conversions::None,
            list => Conversions::Only(
                list.split(',')
                    .map(|id| entry_id("convert", id))
                    .collect::<Result<_, _>>()?,
            ),
        };
        let mut model = RoundModel {
            name: a.name.clone(),
            date: day,
            class: ClassId(0),
            valuation,
            investments: investments(b, &a.investments)?,
            pro_rata: a
                .pro_rata
                .iter()
                .map(|n| b.find_stakeholder("pro_rata", n))
                .collect::<Result<_, _>>()?,
            lead: a
                .lead
                .as_deref()
                .map(|l| b.find_stakeholder("lead", l))
                .transpose()?,
            pool,
            conversions,
            capitalization: Default::default(),
            rounding: rounding_policy(b.default_rounding(), &a.rounding),
            note: memo(a.note.clone()),
        };
        model.class = match (b.find_class("class", &a.class), a.create_class) {
            (Ok(c), true) => {
                return Err(LedgerError::conflict(
                    "class",
                    format!("'{}' already exists (#{c}); drop --create-class", a.class),
                ))
            }
            (Ok(c), false) => c,
            (Err(e), false) => return Err(e),
            (Err(_), true) => b.add_class(b.round_class(&model, &a.class)?)?,
        };
        b.commit_round_model(&model)
    };
    let outcome = if a.commit {
        open(book)?.transact(build)?
    } else {
        // A pro forma: the same steps on a copy of the book that is never written.
        let mut copy = open(book)?.load()?;
        build(&mut copy)?
    };
    if json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&outcome).unwrap_or_default()
        );
    } else {
        crate::read::model_outcome(&outcome, a.commit, out);
    }
    Ok(())
}

pub fn round_record(book: &Path, a: RoundRecordArgs, json: bool, out: &mut String) -> CliResult {
    let mut store = open(book)?;
    let outcome = store.transact(|b| {
        let day = date("date", &a.date)?;
        let investments = investments(b, &a.investments)?;
        let rounding = rounding_policy(b.default_rounding(), &a.rounding);
        let pre_money = money(b, "pre_money", &a.pre_money)?;
        let class = match b.find_class("class", &a.class) {
            Ok(c) if a.create_class => {
                return Err(LedgerError::conflict(
                    "class",
                    format!("'{}' already exists (#{c}); drop --create-class", a.class),
                ))
            }
            Ok(c) => c,
            Err(e) if !a.create_class => return Err(e),
            Err(_) => {
                // Price first (nothing recorded), so the new class's original issue price is the round's.
                let fd = b.cap_table(day, &rounding)?.totals.fully_diluted;
                let probe = PricedRound {
                    name: a.name.clone(),
                    date: day,
                    class: ClassId(0),
                    pre_money,
                    investments: investments.clone(),
                    lead: None,
                    stated_post_money: None,
                    rounding: rounding.clone(),
                    provenance: Provenance::Recorded,
                    note: None,
                };
                let priced = price_round(&probe, fd, |id| b.stakeholder_name(id).to_string())?;
                b.add_class(NewClass::for_round(
                    b,
                    &a.class,
                    Some(priced.price_per_share),
                    Some(priced.new_shares),
                ))?
            }
        };
        let terms = PricedRound {
            name: a.name.clone(),
            date: day,
            class,
            pre_money,
            investments,
            lead: a
                .lead
                .as_deref()
                .map(|l| b.find_stakeholder("lead", l))
                .transpose()?,
            stated_post_money: a
                .post_money
                .as_deref()
                .map(|p| money(b, "post_money", p))
                .transpose()?,
            rounding,
            provenance: Provenance::Recorded,
            note: memo(a.note.clone()),
        };
        let outcome = b.record_priced_round(&terms)?;
        let unconverted = b.cap_table(day, &terms.rounding)?.convertibles;
        Ok((outcome, unconverted))
    })?;
    let (outcome, unconverted) = outcome;
    if json {
        let v = serde_json::json!({ "round": outcome, "unconverted_instruments": unconverted });
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        );
        return Ok(());
    }
    crate::read::round_outcome(&outcome, out);
    if !unconverted.is_empty() {
        let _ = writeln!(
            out,
            "\nWarning: {} SAFE(s) or note(s) are outstanding on {} and this round did not convert them; \
             their shares are not in the pre-money fully diluted count above. Record each conversion with \
             `roundbook convert --instrument ENTRY --to-class CLASS --resulting SHARES --date DATE`:",
            unconverted.len(),
            outcome.date
        );
        for c in &unconverted {
            let _ = writeln!(
                out,
                "  #{} {} of {} held by {}",
                c.instrument,
                c.kind,
                crate::table::cents(&c.amount),
                c.name
            );
        }
    }
    Ok(())
}

pub fn issue(book: &Path, a: IssueArgs, out: &mut String) -> CliResult {
    if let Some(csv) = &a.csv {
        return issue_csv(book, csv, out);
    }
    let (Some(holder), Some(class), Some(n), Some(day)) = (&a.holder, &a.class, &a.shares, &a.date)
    else {
        return Err(CliError::usage(
            "holder",
            "give --holder, --class, --shares and --date, or --csv FILE",
        ));
    };
    record_one(book, out, "the issuance", |b| {
        Ok((
            date("date", day)?,
            Movement::StockIssuance {
                holder: b.find_stakeholder("holder", holder)?,
                class: b.find_class("class", class)?,
                shares: count("shares", n)?,
                price_per_share: a
                    .price
                    .as_deref()
                    .map(|p| money(b, "price_per_share", p))
                    .transpose()?,
                round: None,
            },
            memo(a.memo),
        ))
    })
}

/// A batch of issuances from CSV: every row is checked, then all are written in one transaction.
fn issue_csv(book: &Path, path: &Path, out: &mut String) -> CliResult {
    let file = path.display().to_string();
    let csv_error = |e: csv::Error| CliError::usage("csv", format!("{file}: {e}"));
    let bytes = std::fs::read(path).map_err(|e| CliError::io(path, e))?;
    // RFC 4180: quoted fields may hold commas ("Kingdom Holding, Inc.") and quotes.
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes.as_slice());
    // The reader skips blank lines but reports a record from where its skip began.
    let line_of = |p: &csv::Position| {
        let blank = bytes[p.byte() as usize..]
            .iter()
            .take_while(|c| matches!(c, b'\r' | b'\n'));
        p.line() + blank.filter(|c| **c == b'\n').count() as u64
    };
    let header: Vec<String> = reader
        .headers()
        .map_err(csv_error)?
        .iter()
        .map(str::to_ascii_lowercase)
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(c_date), Some(c_holder), Some(c_class), Some(c_shares)) =
        (col("date"), col("holder"), col("class"), col("shares"))
    else {
        return Err(CliError::usage(
            "csv",
            format!("{file}: the header must name date, holder, class, shares (and may add price_per_share, memo)"),
        ));
    };
    let c_price = col("price_per_share");
    let c_memo = col("memo");
    let mut rows = vec![];
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(0, line_of);
        if record.iter().all(str::is_empty) {
            continue;
        }
        rows.push((line, record));
    }
    let mut store = open(book)?;
    let n = store.transact(|b| {
        let mark = b.mark();
        let first = b.entries().last().map_or(1, |e| e.id.0 + 1);
        for (line, record) in &rows {
            let at = format!("{file} line {line}");
            let cell = |c: usize| record.get(c).unwrap_or("");
            let row = (|| {
                let movement = Movement::StockIssuance {
                    holder: b.find_stakeholder("holder", cell(c_holder))?,
                    class: b.find_class("class", cell(c_class))?,
                    shares: count("shares", cell(c_shares))?,
                    price_per_share: c_price
                        .map(cell)
                        .filter(|p| !p.is_empty())
                        .map(|p| money(b, "price_per_share", p))
                        .transpose()?,
                    round: None,
                };
                let memo = c_memo
                    .map(|c| cell(c).to_string())
                    .filter(|m| !m.is_empty());
                Ok::<_, LedgerError>((date("date", cell(c_date))?, movement, memo))
            })();
            let (day, movement, memo) = row.map_err(|e| e.at(&at))?;
            b.record(day, movement, memo, Provenance::Recorded)
                .map_err(|e| e.at(&at))?;
        }
        // Check here too, so a conflict in the history names its line.
        b.check_entries(mark).map_err(|(id, e)| {
            let row = id.and_then(|id| rows.get(usize::try_from(id.0 - first).ok()?));
            match row {
                Some((line, _)) => e.at(&format!("{file} line {line}")),
                None => e.at(&file),
            }
        })?;
        Ok(rows.len())
    })?;
    let _ = writeln!(
        out,
        "Recorded {n} issuances from {file} in one transaction."
    );
    Ok(())
}

pub fn grant(book: &Path, a: GrantArgs, out: &mut String) -> CliResult {
    record_one(book, out, "the grant", |b| {
        Ok((
            date("date", &a.date)?,
            Movement::OptionGrant {
                holder: b.find_stakeholder("holder", &a.holder)?,
                plan: b.find_plan("plan", &a.plan)?,
                options: count("options", &a.options)?,
                exercise_price: money(b, "exercise_price", &a.exercise_price)?,
                expires: a
                    .expires
                    .as_deref()
                    .map(|d| date("expires", d))
                    .transpose()?,
            },
            memo(a.memo),
        ))
    })
}

pub fn transfer(book: &Path, a: TransferArgs, out: &mut String) -> CliResult {
    record_one(book, out, "the transfer", |b| {
        Ok((
            date("date", &a.date)?,
            Movement::Transfer {
                from: b.find_stakeholder("from", &a.from)?,
                to: b.find_stakeholder("to", &a.to)?,
                class: b.find_class("class", &a.class)?,
                shares: count("shares", &a.shares)?,
                price_per_share: a
                    .price
                    .as_deref()
                    .map(|p| money(b, "price_per_share", p))
                    .transpose()?,
            },
            memo(a.memo),
        ))
    })
}

pub fn cancel(book: &Path, a: CancelArgs, out: &mut String) -> CliResult {
    record_one(book, out, "the cancellation", |b| {
        let movement = match (&a.grant, &a.holder) {
            (Some(g), _) => Movement::OptionCancellation {
                grant: entry_id("grant", g)?,
                options: count("options", a.options.as_deref().unwrap_or(""))?,
            },
            (None, Some(h)) => Movement::StockCancellation {
                holder: b.find_stakeholder("holder", h)?,
                class: b.find_class("class", a.class.as_deref().unwrap_or(""))?,
                shares: count("shares", a.shares.as_deref().unwrap_or(""))?,
            },
            (None, None) => {
                return Err(LedgerError::invalid(
                    "holder",
                    "give --holder/--class/--shares, or --grant/--options",
                ))
            }
        };
        Ok((date("date", &a.date)?, movement, memo(a.memo)))
    })
}

pub fn exercise(book: &Path, a: ExerciseArgs, out: &mut String) -> CliResult {
    record_one(book, out, "the exercise", |_| {
        Ok((
            date("date", &a.date)?,
            Movement::Exercise {
                grant: entry_id("grant", &a.grant)?,
                options: count("options", &a.options)?,
            },
            memo(a.memo),
        ))
    })
}

pub fn repurchase(book: &Path, a: RepurchaseArgs, out: &mut String) -> CliResult {
    record_one(book, out, "the repurchase", |b| {
        Ok((
            date("date", &a.date)?,
            Movement::Repurchase {
                holder: b.find_stakeholder("holder", &a.holder)?,
                class: b.find_class("class", &a.class)?,
                shares: count("shares", &a.shares)?,
                price_per_share: money(b, "price_per_share", &a.price)?,
            },
            memo(a.memo),
        ))
    })
}

pub fn convert(book: &Path, a: ConvertArgs, out: &mut String) -> CliResult {
    record_one(book, out, "the conversion", |b| {
        let to_class = b.find_class("to_class", &a.to_class)?;
        let movement = match (&a.instrument, &a.holder) {
            (Some(instrument), _) => Movement::ConvertibleConversion {
                instrument: entry_id("instrument", instrument)?,
                class: to_class,
                shares: count("resulting", a.resulting.as_deref().unwrap_or(""))?,
            },
            (None, Some(holder)) => {
                let from_class =
                    b.find_class("from_class", a.from_class.as_deref().unwrap_or(""))?;
                let shares = count("shares", a.shares.as_deref().unwrap_or(""))?;
                let resulting = match &a.resulting {
                    Some(r) => count("resulting", r)?,
                    None => {
                        // The ratio in force on the conversion's date (anti-dilution may have moved it).
                        let ratio = b.conversion_ratio(from_class, date("date", &a.date)?)?;
                        b.default_rounding()
                            .conversion
                            .apply(Decimal::from(shares) * ratio)?
                    }
                };
                Movement::StockConversion {
                    holder: b.find_stakeholder("holder", holder)?,
                    from_class,
                    shares,
                    to_class,
                    resulting_shares: resulting,
                }
            }
            (None, None) => {
                return Err(LedgerError::invalid(
                    "holder",
                    "give --holder/--from-class/--shares, or --instrument/--resulting",
                ))
            }
        };
        Ok((date("date", &a.date)?, movement, memo(a.memo)))
    })
}

pub fn safe(book: &Path, a: SafeArgs, out: &mut String) -> CliResult {
    record_one(book, out, "the SAFE", |b| {
        Ok((
            date("date", &a.date)?,
            Movement::ConvertibleIssuance {
                holder: b.find_stakeholder("holder", &a.holder)?,
                terms: ConvertibleTerms::Safe {
                    investment: money(b, "investment", &a.amount)?,
                    timing: if a.pre_money {
                        SafeTiming::PreMoney
                    } else {
                        SafeTiming::PostMoney
                    },
                    valuation_cap: a
                        .cap
                        .as_deref()
                        .map(|c| money(b, "valuation_cap", c))
                        .transpose()?,
                    discount: a
                        .discount
                        .as_deref()
                        .map(|d| fraction("discount", d))
                        .transpose()?,
                    mfn: a.mfn,
                },
            },
            memo(a.memo),
        ))
    })
}

pub fn note(book: &Path, a: NoteArgs, out: &mut String) -> CliResult {
    record_one(book, out, "the convertible note", |b| {
        Ok((
            date("date", &a.date)?,
            Movement::ConvertibleIssuance {
                holder: b.find_stakeholder("holder", &a.holder)?,
                terms: ConvertibleTerms::Note {
                    principal: money(b, "principal", &a.principal)?,
                    interest_rate: fraction("interest_rate", &a.rate)?,
                    compounding: match a.compounding {
                        CompoundingArg::Simple => Compounding::Simple,
                        CompoundingArg::Compound => Compounding::Compound,
                    },
                    day_count: match a.day_count {
                        DayCountArg::Act365 => DayCount::Act365,
                        DayCountArg::Thirty360 => DayCount::Thirty360,
                    },
                    maturity: date("maturity", &a.maturity)?,
                    valuation_cap: a
                        .cap
                        .as_deref()
                        .map(|c| money(b, "valuation_cap", c))
                        .transpose()?,
                    discount: a
                        .discount
                        .as_deref()
                        .map(|d| fraction("discount", d))
                        .transpose()?,
                },
            },
            memo(a.memo),
        ))
    })
}

pub fn valuation_add(book: &Path, a: ValuationAddArgs, out: &mut String) -> CliResult {
    let mut store = open(book)?;
    let id = store.transact(|b| {
        b.add_valuation(NewValuation {
            kind: ValuationKind::FourOhNineA,
            effective: date("date", &a.date)?,
            class: b.find_class("class", &a.class)?,
            price_per_share: money(b, "price_per_share", &a.price)?,
            company_value: None,
            provider: memo(a.provider.clone()),
            round: None,
            provenance: Provenance::Recorded,
        })
    })?;
    let _ = writeln!(out, "Recorded 409A valuation #{id}.");
    Ok(())
}

pub fn split(book: &Path, a: SplitArgs, json: bool, out: &mut String) -> CliResult {
    let mut store = open(book)?;
    let id = store.transact(|b| {
        let class = b.find_class("class", &a.class)?;
        let (numerator, denominator) = parse_split_ratio(&a.ratio)?;
        let day = date("date", &a.date)?;
        b.record_split(
            day,
            class,
            numerator,
            denominator,
            memo(a.memo.clone()),
            Provenance::Recorded,
        )
    })?;
    let b = store.load()?;
    let effect = b.split_effect(id)?;
    if json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "entry": id, "split": effect }))
                .unwrap_or_default()
        );
    } else {
        crate::read::split_statement(&b, &effect, out);
    }
    Ok(())
}

pub fn reverse(book: &Path, a: ReverseArgs, out: &mut String) -> CliResult {
    let mut store = open(book)?;
    let (id, target) = store.transact(|b| {
        let target = entry_id("entry", &a.entry)?;
        let original = b
            .entry(target)
            .ok_or_else(|| LedgerError::unknown("entry", format!("no journal entry #{target}")))?;
        let day = match &a.date {
            Some(d) => date("date", d)?,
            None => original.effective,
        };
        let id = b.record(
            day,
            Movement::Reversal {
                reverses: target,
                reason: a.reason.trim().to_string(),
            },
            None,
            Provenance::Recorded,
        )?;
        Ok((id, target))
    })?;
    let _ = writeln!(out, "Reversed entry #{target} with journal entry #{id}.");
    Ok(())
}

pub fn settings_rounding(book: &Path, a: RoundingArgs, json: bool, out: &mut String) -> CliResult {
    let mut store = open(book)?;
    let given =
        a.price_decimals.is_some() || a.price_rounding.is_some() || a.share_rounding.is_some();
    let policy = store.transact(|b| {
        let policy = rounding_policy(b.default_rounding(), &a);
        if given {
            b.set_default_rounding(policy.clone())?;
        }
        Ok(policy)
    })?;
    if json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "rounding": policy }))
                .unwrap_or_default()
        );
    } else if given {
        let _ = writeln!(
            out,
            "The book's default rounding is now: {}.",
            policy.describe()
        );
    } else {
        let _ = writeln!(out, "The book's default rounding: {}.", policy.describe());
    }
    Ok(())
}
