//! Commands that only read. Human tables by default; `--json` prints the
//! documented shapes (docs/cli-json.md), money as decimal strings.

use std::fmt::Write as _;
use std::path::Path;

use chrono::{NaiveDate, Utc};
use roundbook_application::tables;
use roundbook_ledger::*;
use roundbook_store::Store;
use serde::Serialize;
use serde_json::json;

use crate::args::{CaptableArgs, JournalArgs, WaterfallArgs};
use crate::table::{cents, pct, price, shares, Align, Table};
use crate::CliResult;
use roundbook_application::parse::date;
use roundbook_application::tables::{CapTableBy, CapTableShares};

use Align::{Left as L, Right as R};

fn print_json<T: Serialize>(out: &mut String, v: &T) {
    let _ = writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(v).unwrap_or_default()
    );
}

fn load(book: &Path) -> CliResult<Book> {
    Ok(Store::open(book)?.load()?)
}

/// "illustrative"/"public" where it matters; nothing for the user's own records.
fn basis(p: Provenance) -> String {
    match p {
        Provenance::Recorded => String::new(),
        other => other.name().to_string(),
    }
}

fn footnote(out: &mut String, any_labelled: bool) {
    if any_labelled {
        let _ = writeln!(
            out,
            "\nBasis: 'illustrative' figures are made up to complete the example and are not facts about the company; \
             'public' facts are sourced in assets/xai/SOURCES.md."
        );
    }
}

pub fn stakeholders(book: &Path, json: bool, out: &mut String) -> CliResult {
    let b = load(book)?;
    let t = tables::stakeholders(&b);
    if json {
        print_json(
            out,
            &json!({ "stakeholders": b.stakeholders(), "table": t }),
        );
        return Ok(());
    }
    out.push_str(&crate::table::render(&t));
    footnote(out, t.labelled());
    Ok(())
}

pub fn classes(book: &Path, json: bool, out: &mut String) -> CliResult {
    let b = load(book)?;
    // The ratios in force today: anti-dilution adjustments move them.
    let t = tables::classes(&b, Utc::now().date_naive());
    if json {
        print_json(out, &json!({ "classes": b.classes(), "table": t }));
        return Ok(());
    }
    out.push_str(&crate::table::render(&t));
    let _ = writeln!(
        out,
        "\nSeniority: higher is paid first; equal seniority is paid pari passu. Authorised: blank \
         where the book sets no limit."
    );
    footnote(out, t.labelled());
    Ok(())
}

fn as_of_or_today(s: Option<&str>) -> CliResult<NaiveDate> {
    match s {
        Some(s) => date("as_of", s),
        None => Ok(Utc::now().date_naive()),
    }
}

pub fn plans(book: &Path, as_of: Option<String>, json: bool, out: &mut String) -> CliResult {
    let day = as_of_or_today(as_of.as_deref())?;
    let b = load(book)?;
    let ct = b.cap_table(day, &b.default_rounding())?;
    let t = tables::plans(&ct, &b);
    if json {
        print_json(out, &json!({ "as_of": day, "plans": ct.plans, "table": t }));
        return Ok(());
    }
    let _ = writeln!(out, "Equity plans as of {day}");
    out.push_str(&crate::table::render(&t));
    Ok(())
}

pub fn rounds(book: &Path, json: bool, out: &mut String) -> CliResult {
    let b = load(book)?;
    let t = tables::rounds(&b, None);
    if json {
        print_json(out, &json!({ "rounds": b.rounds(), "table": t }));
        return Ok(());
    }
    out.push_str(&crate::table::render(&t));
    footnote(out, t.labelled());
    Ok(())
}

#[derive(Serialize)]
struct RoundParticipation<'a> {
    entry: EntryId,
    investor: StakeholderId,
    name: &'a str,
    shares: u64,
    price_per_share: Option<Money>,
    invested: Option<Money>,
    reversed_by: Option<EntryId>,
    provenance: Provenance,
}

pub fn round_show(book: &Path, key: &str, json: bool, out: &mut String) -> CliResult {
    let b = load(book)?;
    let r = b
        .round(b.find_round("round", key)?)
        .cloned()
        .ok_or_else(|| LedgerError::unknown("round", key))?;
    let parts: Vec<RoundParticipation> = b
        .entries()
        .iter()
        .filter_map(|e| match &e.movement {
            Movement::StockIssuance {
                holder,
                shares,
                price_per_share,
                round: Some(rid),
                ..
            } if *rid == r.id => Some(RoundParticipation {
                entry: e.id,
                investor: *holder,
                name: b.stakeholder_name(*holder),
                shares: *shares,
                price_per_share: *price_per_share,
                invested: price_per_share.and_then(|p| p.checked_mul((*shares).into()).ok()),
                reversed_by: b.reversal_of(e.id),
                provenance: e.provenance,
            }),
            _ => None,
        })
        .collect();
    let new_shares: u64 = parts
        .iter()
        .filter(|p| p.reversed_by.is_none())
        .map(|p| p.shares)
        .sum();
    let post_fd = r.pre_money_fd_shares + new_shares;
    let new_pct = captable::percent(new_shares, post_fd);
    if json {
        print_json(
            out,
            &json!({
                "round": r,
                "class": b.class(r.class),
                "participations": parts,
                "investors": tables::round_investors(&b, &r, None),
                "new_shares": new_shares,
                "post_money_fd_shares": post_fd,
                "new_ownership_pct": new_pct.to_string(),
                "rounding_rule": r.rounding.describe(),
            }),
        );
        return Ok(());
    }
    let _ = writeln!(
        out,
        "{} ({}), {}{}",
        r.name,
        b.class_name(r.class),
        r.date,
        match roundbook_application::words::round_basis(&r).as_str() {
            "recorded" => String::new(),
            b => format!("  [{b}]"),
        }
    );
    let mut t = Table::new(&[("", L), ("", R)]);
    t.row(vec!["Pre-money valuation".into(), cents(&r.pre_money)]);
    t.row(vec!["Amount raised".into(), cents(&r.amount_raised)]);
    t.row(vec!["Post-money valuation".into(), cents(&r.post_money)]);
    t.row(vec![
        "Pre-money fully diluted shares".into(),
        shares(r.pre_money_fd_shares),
    ]);
    t.row(vec!["Price per share".into(), price(&r.price_per_share)]);
    t.row(vec!["New shares".into(), shares(new_shares)]);
    t.row(vec![
        "Post-money fully diluted shares".into(),
        shares(post_fd),
    ]);
    t.row(vec!["New investors' ownership (FD)".into(), pct(new_pct)]);
    t.row(vec![
        "Lead".into(),
        r.lead
            .map(|l| b.stakeholder_name(l).to_string())
            .unwrap_or_else(|| "none".into()),
    ]);
    out.push_str(&t.render_body());
    let _ = writeln!(out, "Rounding: {}", r.rounding.describe());
    if let Some(n) = &r.note {
        let _ = writeln!(out, "Note: {n}");
    }
    let _ = writeln!(out);
    let investors = tables::round_investors(&b, &r, None);
    out.push_str(&crate::table::render(&investors));
    let reversed: Vec<String> = parts
        .iter()
        .filter_map(|p| p.reversed_by.map(|by| format!("#{} by #{by}", p.entry)))
        .collect();
    if !reversed.is_empty() {
        let _ = writeln!(
            out,
            "\nReversed issuances of this round, not counted above (see `journal`): {}.",
            reversed.join(", ")
        );
    }
    footnote(
        out,
        r.provenance != Provenance::Recorded
            || r.price_provenance != Provenance::Recorded
            || investors.labelled(),
    );
    Ok(())
}

pub fn valuations(book: &Path, json: bool, out: &mut String) -> CliResult {
    let b = load(book)?;
    if json {
        print_json(out, &json!({ "valuations": b.valuations() }));
        return Ok(());
    }
    let mut t = Table::new(&[
        ("#", R),
        ("Date", L),
        ("Kind", L),
        ("Class", L),
        ("Price/share", R),
        ("Company value", R),
        ("Provider / round", L),
        ("Basis", L),
    ]);
    for v in b.valuations() {
        t.row(vec![
            v.id.to_string(),
            v.effective.to_string(),
            v.kind.name().into(),
            b.class_name(v.class).into(),
            price(&v.price_per_share),
            v.company_value.as_ref().map(cents).unwrap_or_default(),
            v.provider
                .clone()
                .or_else(|| v.round.and_then(|r| b.round(r)).map(|r| r.name.clone()))
                .unwrap_or_default(),
            // A round mark's company value is the round's post-money, on the round's terms basis.
            match v.round.and_then(|r| b.round(r)) {
                Some(r) if r.provenance != v.provenance => {
                    format!(
                        "{} value, {} price",
                        r.provenance.name(),
                        v.provenance.name()
                    )
                }
                _ => basis(v.provenance),
            },
        ]);
    }
    out.push_str(&t.render());
    footnote(
        out,
        b.valuations()
            .iter()
            .any(|v| v.provenance != Provenance::Recorded),
    );
    Ok(())
}

pub fn captable(book: &Path, a: CaptableArgs, json: bool, out: &mut String) -> CliResult {
    let day = as_of_or_today(a.as_of.as_deref())?;
    let store = Store::open(book)?;
    let b = store.load_as_of(day)?;
    let ct = b.cap_table(day, &b.default_rounding())?;
    let t = tables::cap_table(&ct, &b, a.by, a.shares());
    let convertibles = tables::convertibles(&ct);
    if json {
        print_json(
            out,
            &json!({
                "company": b.company.name,
                "cap_table": ct,
                "table": t,
                "convertibles": convertibles,
            }),
        );
        return Ok(());
    }
    let fd = a.shares() == CapTableShares::FullyDiluted;
    let _ = writeln!(
        out,
        "{}: cap table as of {day}, by {}, {}",
        b.company.name,
        match a.by {
            CapTableBy::Holder => "holder",
            CapTableBy::Class => "class",
        },
        if fd {
            "fully diluted"
        } else {
            "outstanding shares"
        }
    );
    out.push_str(&crate::table::render(&t));
    if !convertibles.rows.is_empty() {
        let _ = writeln!(out, "\nSAFEs and notes outstanding (not in fully diluted shares until a priced round converts them):");
        out.push_str(&crate::table::render(&convertibles));
    }
    let _ = writeln!(
        out,
        "\n{} Percentages are rounded to 4 decimals for display, so rows may not add to the total exactly.",
        if fd {
            "Fully diluted = outstanding shares as converted + options outstanding + options available for grant; \
             SAFEs and notes excluded."
        } else {
            "Outstanding = issued shares as converted to common; options, the unallocated pool, SAFEs and notes excluded."
        }
    );
    if b.entries()
        .iter()
        .any(|e| e.provenance == Provenance::Illustrative)
    {
        let _ = writeln!(
            out,
            "This book contains ILLUSTRATIVE figures (see the Basis column and `journal`)."
        );
    }
    footnote(out, t.labelled());
    Ok(())
}

pub fn journal(book: &Path, a: JournalArgs, json: bool, out: &mut String) -> CliResult {
    let store = Store::open(book)?;
    let b = store.load()?;
    let as_of = a.as_of.as_deref().map(|s| date("as_of", s)).transpose()?;
    // Each entry's chain hash is a detail column: in the JSON's table, never in the text.
    let chain = if json {
        store.chain_hashes()?
    } else {
        tables::ChainHashes::new()
    };
    let t = tables::journal(&b, as_of, &chain);
    if json {
        #[derive(Serialize)]
        struct Row<'a> {
            #[serde(flatten)]
            entry: &'a Entry,
            reversed_by: Option<EntryId>,
        }
        let rows: Vec<Row> = b
            .entries()
            .iter()
            .filter(|e| as_of.is_none_or(|d| e.effective <= d))
            .map(|e| Row {
                entry: e,
                reversed_by: b.reversal_of(e.id),
            })
            .collect();
        print_json(out, &json!({ "entries": rows, "table": t }));
        return Ok(());
    }
    out.push_str(&crate::table::render(&t));
    footnote(out, t.labelled());
    Ok(())
}

/// The stored replay's head against a replay of the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeadState {
    Matches,
    Stale,
    Differed,
}

pub fn check(book: &Path, json: bool, out: &mut String) -> CliResult {
    let mut store = Store::open(book)?;
    let integrity = store.integrity_check()?;
    let b = store.load()?;
    let replay = b.check_head(Mark::default());
    let chain = store.verify_chain()?;
    // The replay's head is a cache (docs/storage.md): one that disagrees with the replay was
    // changed outside Roundbook, and is discarded so the next entry rebuilds it.
    let head = match (store.stored_head(), &replay) {
        (Ok(None), _) => HeadState::Stale,
        (Ok(Some(stored)), Ok(replayed)) if stored == *replayed => HeadState::Matches,
        // One that differs, or cannot even be read, was changed outside Roundbook.
        (Ok(Some(_)) | Err(_), Ok(_)) => {
            store.discard_head()?;
            HeadState::Differed
        }
        (_, Err(_)) => HeadState::Stale,
    };
    let head_text = match head {
        HeadState::Matches => "matches the journal",
        HeadState::Stale => "not kept (the next entry rebuilds it)",
        HeadState::Differed => {
            "differed from the journal (changed outside Roundbook); discarded, the next entry rebuilds it"
        }
    };
    let chain_text = match &chain {
        Ok(head) => format!(
            "ok, {} entries, head {}",
            head.entries,
            head.hash.as_deref().unwrap_or("(empty journal)")
        ),
        Err(broken) => format!("entry #{} {}", broken.entry, broken.why),
    };
    let ok = integrity == "ok" && replay.is_ok() && chain.is_ok() && head != HeadState::Differed;
    if json {
        print_json(
            out,
            &json!({
                "integrity_check": integrity,
                "journal_replay": replay.as_ref().map(|_| "ok".to_string()).unwrap_or_else(|e| e.to_string()),
                "journal_chain": match &chain {
                    Ok(_) => "ok".to_string(),
                    Err(_) => chain_text.clone(),
                },
                "chain_head": chain.as_ref().ok().and_then(|h| h.hash.clone()),
                "first_changed_entry": chain.as_ref().err().map(|b| b.entry),
                "replay_head": match head {
                    HeadState::Matches => "ok",
                    HeadState::Stale => "stale",
                    HeadState::Differed => "differed",
                },
                "entries": b.entries().len(),
                "schema_versions": store.schema_versions()?,
                "ok": ok,
            }),
        );
    } else {
        let _ = writeln!(out, "SQLite integrity check: {integrity}");
        let _ = writeln!(
            out,
            "Journal replay ({} entries): {}",
            b.entries().len(),
            replay
                .as_ref()
                .map(|_| "ok".to_string())
                .unwrap_or_else(|e| e.to_string())
        );
        let _ = writeln!(out, "Journal hash chain: {chain_text}");
        let _ = writeln!(out, "Replay head: {head_text}");
    }
    if ok {
        Ok(())
    } else {
        Err(crate::CliError::new(
            roundbook_application::ErrorCode::BookCorrupt,
            match chain {
                Err(_) => format!("{} failed its check: {chain_text}", book.display()),
                Ok(_) if head == HeadState::Differed => {
                    format!(
                        "{} failed its check: the replay's head {head_text}",
                        book.display()
                    )
                }
                Ok(_) => format!("{} failed its check", book.display()),
            },
        ))
    }
}

pub fn waterfall(book: &Path, a: WaterfallArgs, json: bool, out: &mut String) -> CliResult {
    use roundbook_ledger::waterfall::{breakpoints, waterfall as run, waterfall_range, ExitTerms};
    let day = as_of_or_today(a.as_of.as_deref())?;
    let store = Store::open(book)?;
    let b = store.load_as_of(day)?;
    let rounding = b.default_rounding();
    let conventions = exit_conventions(&a)?;
    let (cap, left_out) = b.capitalisation(day, &rounding, &conventions)?;
    let cur = b.company.currency;
    let amount = |field: &'static str, s: &str| -> Result<rust_decimal::Decimal, LedgerError> {
        Ok(Money::parse(field, s, cur)?.amount)
    };
    let exit = amount("exit_value", &a.exit)?;
    let costs = amount("transaction_costs", &a.costs)?;
    let debt = amount("debt", &a.debt)?;
    let outcomes = match (&a.to, a.steps) {
        (Some(to), Some(steps)) => {
            waterfall_range(&cap, exit, amount("to", to)?, steps, costs, debt, &rounding)?
        }
        _ => vec![run(
            &cap,
            &ExitTerms {
                exit_value: exit,
                transaction_costs: costs,
                debt,
            },
            &rounding,
        )?],
    };
    let points = if a.breakpoints {
        breakpoints(
            &cap,
            &ExitTerms {
                exit_value: exit,
                transaction_costs: costs,
                debt,
            },
            &rounding,
        )?
    } else {
        vec![]
    };
    // The tables the text prints, for --json too: by class and by holder at one exit value,
    // or the range; then the breakpoints.
    let mut shown: Vec<tables::Table> = match outcomes.as_slice() {
        [o] => vec![tables::waterfall_classes(o), tables::waterfall_holders(o)],
        many => vec![tables::waterfall_range(many)],
    };
    if !points.is_empty() {
        shown.push(tables::breakpoints(&points, b.company.currency));
    }
    if json {
        print_json(
            out,
            &json!({
                "company": b.company.name,
                "as_of": day,
                "conventions": conventions,
                "left_out_instruments": left_out,
                "outcomes": outcomes,
                "breakpoints": points,
                "tables": shown,
            }),
        );
        return Ok(());
    }
    let _ = writeln!(
        out,
        "{}: exit waterfall on the capitalisation of {day}",
        b.company.name
    );
    if let [o] = outcomes.as_slice() {
        let mut t = Table::new(&[("", L), ("", R)]);
        t.row(vec!["Exit value".into(), cents(&o.exit_value)]);
        t.row(vec![
            "Transaction costs".into(),
            cents(&o.transaction_costs),
        ]);
        t.row(vec!["Debt".into(), cents(&o.debt)]);
        t.row(vec!["Net proceeds".into(), cents(&o.net_proceeds)]);
        t.row(vec![
            "Option exercise proceeds".into(),
            cents(&o.exercise_proceeds),
        ]);
        t.row(vec!["Distributed".into(), cents(&o.total_distributed)]);
        t.row(vec![
            "Common price per share".into(),
            o.common_price_per_share.to_string(),
        ]);
        out.push_str(&t.render_body());
    }
    for t in &shown {
        if t.name == "breakpoints" {
            let _ = writeln!(
                out,
                "\nBreakpoints (exit values where a payout changes slope):"
            );
        } else {
            let _ = writeln!(out);
        }
        out.push_str(&crate::table::render(t));
    }
    if !left_out.is_empty() {
        let _ = writeln!(
            out,
            "\nNot in this waterfall: {} SAFE(s) or note(s) outstanding on {day}, paid at an exit by their own terms.",
            left_out.len()
        );
    }
    let _ = writeln!(out, "Settings: {}", conventions.describe());
    let _ = writeln!(out, "Rounding: {}", rounding.describe());
    footnote(
        out,
        b.entries()
            .iter()
            .any(|e| e.provenance == Provenance::Illustrative),
    );
    Ok(())
}

/// The waterfall's named settings from its flags, each defaulted as docs/waterfall.md says.
fn exit_conventions(a: &WaterfallArgs) -> Result<waterfall::ExitConventions, crate::CliError> {
    use crate::args::{ConvertiblesArg, NotesArg, PreferenceBasisArg};
    use waterfall::{ConvertiblesAtExit, ExitConventions, NotesAtExit, PreferenceBasis};
    let d = ExitConventions::default();
    let c = ExitConventions {
        convertibles: match a.convertibles {
            None => d.convertibles,
            Some(ConvertiblesArg::Paid) => ConvertiblesAtExit::Paid,
            Some(ConvertiblesArg::LeftOut) => ConvertiblesAtExit::LeftOut,
        },
        notes: match a.notes {
            None => d.notes,
            Some(NotesArg::GreaterOf) => NotesAtExit::GreaterOf,
            Some(NotesArg::Repay) => NotesAtExit::Repay,
            Some(NotesArg::Convert) => NotesAtExit::Convert,
        },
        note_repayment_multiple: match &a.note_repayment_multiple {
            None => d.note_repayment_multiple,
            Some(t) => roundbook_application::parse::decimal("note_repayment_multiple", t)?,
        },
        preference_basis: match a.preference_basis {
            None => d.preference_basis,
            Some(PreferenceBasisArg::IssuePrice) => PreferenceBasis::IssuePrice,
            Some(PreferenceBasisArg::Invested) => PreferenceBasis::Invested,
        },
    };
    c.validate()?;
    Ok(c)
}
