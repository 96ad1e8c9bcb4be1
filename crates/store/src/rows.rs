//! Domain values to rows and back. Only this file knows how the book's
//! types are laid out in SQL.

use chrono::{DateTime, NaiveDate, Utc};
use roundbook_ledger::money::read_stored_decimal;
use roundbook_ledger::*;
use rusqlite::{params, Connection, Row, Transaction};
use rust_decimal::Decimal;

use crate::error::Result;

fn bad(col: usize, msg: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, msg.into())
}

fn text<'r>(row: &'r Row, i: usize) -> rusqlite::Result<&'r str> {
    row.get_ref(i)?.as_str().map_err(|e| bad(i, e.to_string()))
}

/// "YYYY-MM-DD" by hand: the journal has a million of these and chrono's
/// general parser is the slowest step of loading it.
fn ymd(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

fn date(row: &Row, i: usize) -> rusqlite::Result<NaiveDate> {
    let s = text(row, i)?;
    ymd(s).ok_or_else(|| bad(i, format!("date '{s}'")))
}

pub(crate) fn opt_date(row: &Row, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    let s: Option<String> = row.get(i)?;
    s.map(|s| {
        NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| bad(i, format!("date '{s}': {e}")))
    })
    .transpose()
}

fn timestamp(row: &Row, i: usize) -> rusqlite::Result<DateTime<Utc>> {
    let s = text(row, i)?;
    // The store writes "YYYY-MM-DDTHH:MM:SS.ffffffZ"; read that shape directly.
    let b = s.as_bytes();
    if b.len() == 27 && b[10] == b'T' && b[26] == b'Z' {
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            b[r].iter().try_fold(0u32, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
            })
        };
        let parsed = ymd(&s[..10]).and_then(|d| {
            d.and_hms_micro_opt(num(11..13)?, num(14..16)?, num(17..19)?, num(20..26)?)
        });
        if let Some(t) = parsed {
            return Ok(t.and_utc());
        }
    }
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| bad(i, format!("time '{s}': {e}")))
}

fn dec(row: &Row, i: usize) -> rusqlite::Result<Decimal> {
    let s: String = row.get(i)?;
    read_stored_decimal("stored", &s).map_err(|e| bad(i, e.to_string()))
}

fn money(row: &Row, i: usize, cur: Currency) -> rusqlite::Result<Money> {
    Ok(Money::new(dec(row, i)?, cur))
}

fn opt_money(row: &Row, i: usize, cur: Currency) -> rusqlite::Result<Option<Money>> {
    let s: Option<String> = row.get(i)?;
    s.map(|s| {
        read_stored_decimal("stored", &s)
            .map(|d| Money::new(d, cur))
            .map_err(|e| bad(i, e.to_string()))
    })
    .transpose()
}

fn provenance(row: &Row, i: usize) -> rusqlite::Result<Provenance> {
    let s = text(row, i)?;
    Provenance::parse(s).ok_or_else(|| bad(i, format!("provenance '{s}'")))
}

fn json<T: serde::de::DeserializeOwned>(row: &Row, i: usize) -> rusqlite::Result<T> {
    let s: String = row.get(i)?;
    serde_json::from_str(&s).map_err(|e| bad(i, e.to_string()))
}

fn enum_text<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn enum_parse<T: serde::de::DeserializeOwned>(row: &Row, i: usize) -> rusqlite::Result<T> {
    let s: String = row.get(i)?;
    serde_json::from_value(serde_json::Value::String(s.clone()))
        .map_err(|_| bad(i, format!("value '{s}'")))
}

fn now_text(now: DateTime<Utc>) -> String {
    now.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

pub fn insert_company(tx: &Transaction, c: &Company, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "INSERT INTO company (id, name, legal_name, founded, currency, jurisdiction, recorded_at) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
        params![c.name, c.legal_name, c.founded.to_string(), c.currency.as_str(), c.jurisdiction, now_text(now)],
    )?;
    Ok(())
}

pub fn load_company(conn: &Connection) -> rusqlite::Result<Company> {
    conn.query_row(
        "SELECT name, legal_name, founded, currency, jurisdiction FROM company WHERE id = 1",
        [],
        |r| {
            let cur: String = r.get(3)?;
            Ok(Company {
                name: r.get(0)?,
                legal_name: r.get(1)?,
                founded: date(r, 2)?,
                currency: cur
                    .parse()
                    .map_err(|_| bad(3, format!("currency '{cur}'")))?,
                jurisdiction: r.get(4)?,
            })
        },
    )
}

/// Writes everything a command added, in one transaction the caller commits.
pub fn insert_added(tx: &Transaction, a: &Added, now: DateTime<Utc>) -> Result<()> {
    let now = now_text(now);
    for s in a.stakeholders {
        let rel: Vec<&str> = s.relationships.iter().map(|r| r.name()).collect();
        tx.execute(
            "INSERT INTO stakeholders (id, name, kind, relationships, provenance, note, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![s.id.0, s.name, enum_text(&s.kind), rel.join(","), s.provenance.name(), s.note, now],
        )?;
    }
    for c in a.classes {
        let (part, cap) = match c.participation {
            Participation::None => ("none", None),
            Participation::Full => ("full", None),
            Participation::Capped { cap_multiple } => ("capped", Some(cap_multiple.to_string())),
        };
        tx.execute(
            "INSERT INTO share_classes (id, name, kind, original_issue_price, preference_multiple, participation, participation_cap,
               seniority, conversion_ratio, anti_dilution, authorized, provenance, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                c.id.0,
                c.name,
                enum_text(&c.kind),
                c.original_issue_price.map(|m| m.amount.to_string()),
                c.preference_multiple.to_string(),
                part,
                cap,
                c.seniority,
                c.conversion_ratio.to_string(),
                c.anti_dilution.name(),
                c.authorized.map(|a| a as i64),
                c.provenance.name(),
                now
            ],
        )?;
    }
    for p in a.plans {
        tx.execute(
            "INSERT INTO equity_plans (id, name, class_id, adopted, provenance, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![p.id.0, p.name, p.class.0, p.adopted.to_string(), p.provenance.name(), now],
        )?;
    }
    for r in a.rounds {
        tx.execute(
            "INSERT INTO rounds (id, name, date, class_id, pre_money, amount_raised, post_money, price_per_share,
               pre_money_fd_shares, lead_id, rounding, provenance, price_provenance, note, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                r.id.0,
                r.name,
                r.date.to_string(),
                r.class.0,
                r.pre_money.amount.to_string(),
                r.amount_raised.amount.to_string(),
                r.post_money.amount.to_string(),
                r.price_per_share.amount.to_string(),
                r.pre_money_fd_shares as i64,
                r.lead.map(|l| l.0),
                serde_json::to_string(&r.rounding).unwrap_or_default(),
                r.provenance.name(),
                r.price_provenance.name(),
                r.note,
                now
            ],
        )?;
    }
    for v in a.valuations {
        tx.execute(
            "INSERT INTO valuations (id, kind, effective, class_id, price_per_share, company_value, provider, round_id, provenance, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                v.id.0,
                v.kind.name(),
                v.effective.to_string(),
                v.class.0,
                v.price_per_share.amount.to_string(),
                v.company_value.map(|m| m.amount.to_string()),
                v.provider,
                v.round.map(|r| r.0),
                v.provenance.name(),
                now
            ],
        )?;
    }
    for policy in a.rounding {
        tx.execute(
            "INSERT INTO book_settings (key, value, recorded_at) VALUES ('rounding', ?1, ?2)",
            params![serde_json::to_string(policy).unwrap_or_default(), now],
        )?;
    }
    let mut stmt = tx.prepare_cached(
        "INSERT INTO transactions (id, effective, recorded_at, kind, holder_id, counterparty_id, class_id, to_class_id,
           plan_id, ref_id, round_id, quantity, quantity2, price, expires, terms, reason, memo, provenance, ratio)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
    )?;
    for e in a.entries {
        let r = EntryRow::from_entry(e);
        stmt.execute(params![
            e.id.0,
            e.effective.to_string(),
            now_text(e.recorded_at),
            e.movement.kind(),
            r.holder,
            r.counterparty,
            r.class,
            r.to_class,
            r.plan,
            r.reference,
            r.round,
            r.quantity.map(|q| q as i64),
            r.quantity2.map(|q| q as i64),
            r.price,
            r.expires,
            r.terms,
            r.reason,
            e.memo,
            e.provenance.name(),
            r.ratio,
        ])?;
    }
    Ok(())
}

/// What a split records besides its class and ratio, kept as JSON in `terms`.
#[derive(serde::Serialize, serde::Deserialize)]
struct SplitTerms {
    rounding: RoundingPolicy,
    converting_classes: Vec<ClassId>,
}

#[derive(Default)]
struct EntryRow {
    holder: Option<i64>,
    counterparty: Option<i64>,
    class: Option<i64>,
    to_class: Option<i64>,
    plan: Option<i64>,
    reference: Option<i64>,
    round: Option<i64>,
    quantity: Option<u64>,
    quantity2: Option<u64>,
    price: Option<String>,
    expires: Option<String>,
    terms: Option<String>,
    reason: Option<String>,
    ratio: Option<String>,
}

impl EntryRow {
    fn from_entry(e: &Entry) -> EntryRow {
        let amount = |m: &Option<Money>| m.map(|m| m.amount.to_string());
        match &e.movement {
            Movement::StockIssuance {
                holder,
                class,
                shares,
                price_per_share,
                round,
            } => EntryRow {
                holder: Some(holder.0),
                class: Some(class.0),
                quantity: Some(*shares),
                price: amount(price_per_share),
                round: round.map(|r| r.0),
                ..Default::default()
            },
            Movement::OptionGrant {
                holder,
                plan,
                options,
                exercise_price,
                expires,
            } => EntryRow {
                holder: Some(holder.0),
                plan: Some(plan.0),
                quantity: Some(*options),
                price: Some(exercise_price.amount.to_string()),
                expires: expires.map(|d| d.to_string()),
                ..Default::default()
            },
            Movement::Exercise { grant, options } => EntryRow {
                reference: Some(grant.0),
                quantity: Some(*options),
                ..Default::default()
            },
            Movement::Transfer {
                from,
                to,
                class,
                shares,
                price_per_share,
            } => EntryRow {
                holder: Some(from.0),
                counterparty: Some(to.0),
                class: Some(class.0),
                quantity: Some(*shares),
                price: amount(price_per_share),
                ..Default::default()
            },
            Movement::StockCancellation {
                holder,
                class,
                shares,
            } => EntryRow {
                holder: Some(holder.0),
                class: Some(class.0),
                quantity: Some(*shares),
                ..Default::default()
            },
            Movement::OptionCancellation { grant, options } => EntryRow {
                reference: Some(grant.0),
                quantity: Some(*options),
                ..Default::default()
            },
            Movement::Repurchase {
                holder,
                class,
                shares,
                price_per_share,
            } => EntryRow {
                holder: Some(holder.0),
                class: Some(class.0),
                quantity: Some(*shares),
                price: Some(price_per_share.amount.to_string()),
                ..Default::default()
            },
            Movement::PoolIncrease { plan, shares } => EntryRow {
                plan: Some(plan.0),
                quantity: Some(*shares),
                ..Default::default()
            },
            Movement::StockConversion {
                holder,
                from_class,
                shares,
                to_class,
                resulting_shares,
            } => EntryRow {
                holder: Some(holder.0),
                class: Some(from_class.0),
                to_class: Some(to_class.0),
                quantity: Some(*shares),
                quantity2: Some(*resulting_shares),
                ..Default::default()
            },
            Movement::ConvertibleIssuance { holder, terms } => EntryRow {
                holder: Some(holder.0),
                terms: serde_json::to_string(terms).ok(),
                ..Default::default()
            },
            Movement::ConvertibleConversion {
                instrument,
                class,
                shares,
            } => EntryRow {
                reference: Some(instrument.0),
                class: Some(class.0),
                quantity: Some(*shares),
                ..Default::default()
            },
            Movement::ConversionRatioAdjustment {
                class,
                new_ratio,
                reason,
            } => EntryRow {
                class: Some(class.0),
                ratio: Some(new_ratio.to_string()),
                reason: Some(reason.clone()),
                ..Default::default()
            },
            Movement::StockSplit {
                class,
                numerator,
                denominator,
                rounding,
                converting_classes,
            } => EntryRow {
                class: Some(class.0),
                quantity: Some(*numerator),
                quantity2: Some(*denominator),
                terms: serde_json::to_string(&SplitTerms {
                    rounding: rounding.clone(),
                    converting_classes: converting_classes.clone(),
                })
                .ok(),
                ..Default::default()
            },
            Movement::AuthorizedSharesAdjustment { class, authorized } => EntryRow {
                class: Some(class.0),
                quantity: Some(*authorized),
                ..Default::default()
            },
            Movement::Reversal { reverses, reason } => EntryRow {
                reference: Some(reverses.0),
                reason: Some(reason.clone()),
                ..Default::default()
            },
        }
    }
}

pub fn load_stakeholders(conn: &Connection) -> rusqlite::Result<Vec<Stakeholder>> {
    load_stakeholders_where(conn, "1", [])
}

/// The stakeholders a name (case-insensitively, as the book finds them) or an id picks out.
pub fn load_stakeholders_named(
    conn: &Connection,
    name: &str,
    id: Option<i64>,
) -> rusqlite::Result<Vec<Stakeholder>> {
    load_stakeholders_where(
        conn,
        "name = ?1 COLLATE NOCASE OR id = ?2",
        params![name, id],
    )
}

fn load_stakeholders_where(
    conn: &Connection,
    filter: &str,
    values: impl rusqlite::Params,
) -> rusqlite::Result<Vec<Stakeholder>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT id, name, kind, relationships, provenance, note FROM stakeholders WHERE {filter} ORDER BY id"
    ))?;
    let rows = stmt.query_map(values, |r| {
        let rel: String = r.get(3)?;
        Ok(Stakeholder {
            id: StakeholderId(r.get(0)?),
            name: r.get(1)?,
            kind: enum_parse(r, 2)?,
            relationships: rel
                .split(',')
                .filter(|s| !s.is_empty())
                .filter_map(Relationship::parse)
                .collect(),
            provenance: provenance(r, 4)?,
            note: r.get(5)?,
        })
    })?;
    rows.collect()
}

pub fn load_classes(conn: &Connection, cur: Currency) -> rusqlite::Result<Vec<ShareClass>> {
    let mut stmt = conn.prepare(
        "SELECT id, name, kind, original_issue_price, preference_multiple, participation, participation_cap,
                seniority, conversion_ratio, anti_dilution, authorized, provenance FROM share_classes ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        let part: String = r.get(5)?;
        let participation = match part.as_str() {
            "none" => Participation::None,
            "full" => Participation::Full,
            "capped" => Participation::Capped {
                cap_multiple: dec(r, 6)?,
            },
            other => return Err(bad(5, format!("participation '{other}'"))),
        };
        Ok(ShareClass {
            id: ClassId(r.get(0)?),
            name: r.get(1)?,
            kind: enum_parse(r, 2)?,
            original_issue_price: opt_money(r, 3, cur)?,
            preference_multiple: dec(r, 4)?,
            participation,
            seniority: r.get(7)?,
            conversion_ratio: dec(r, 8)?,
            anti_dilution: enum_parse(r, 9)?,
            authorized: r.get::<_, Option<i64>>(10)?.map(|a| a as u64),
            provenance: provenance(r, 11)?,
        })
    })?;
    rows.collect()
}

pub fn load_plans(conn: &Connection) -> rusqlite::Result<Vec<EquityPlan>> {
    let mut stmt = conn
        .prepare("SELECT id, name, class_id, adopted, provenance FROM equity_plans ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok(EquityPlan {
            id: PlanId(r.get(0)?),
            name: r.get(1)?,
            class: ClassId(r.get(2)?),
            adopted: date(r, 3)?,
            provenance: provenance(r, 4)?,
        })
    })?;
    rows.collect()
}

pub fn load_rounds(conn: &Connection, cur: Currency) -> rusqlite::Result<Vec<FundingRound>> {
    let mut stmt = conn.prepare(
        "SELECT id, name, date, class_id, pre_money, amount_raised, post_money, price_per_share, pre_money_fd_shares,
                lead_id, rounding, provenance, note, price_provenance FROM rounds ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(FundingRound {
            id: RoundId(r.get(0)?),
            name: r.get(1)?,
            date: date(r, 2)?,
            class: ClassId(r.get(3)?),
            pre_money: money(r, 4, cur)?,
            amount_raised: money(r, 5, cur)?,
            post_money: money(r, 6, cur)?,
            price_per_share: money(r, 7, cur)?,
            pre_money_fd_shares: r.get::<_, i64>(8)? as u64,
            lead: r.get::<_, Option<i64>>(9)?.map(StakeholderId),
            rounding: json(r, 10)?,
            provenance: provenance(r, 11)?,
            price_provenance: provenance(r, 13)?,
            note: r.get(12)?,
        })
    })?;
    rows.collect()
}

pub fn load_valuations(conn: &Connection, cur: Currency) -> rusqlite::Result<Vec<Valuation>> {
    let mut stmt = conn.prepare(
        "SELECT id, kind, effective, class_id, price_per_share, company_value, provider, round_id, provenance
         FROM valuations ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        let kind: String = r.get(1)?;
        Ok(Valuation {
            id: ValuationId(r.get(0)?),
            kind: match kind.as_str() {
                "409a" => ValuationKind::FourOhNineA,
                "round-mark" => ValuationKind::RoundMark,
                other => return Err(bad(1, format!("valuation kind '{other}'"))),
            },
            effective: date(r, 2)?,
            class: ClassId(r.get(3)?),
            price_per_share: money(r, 4, cur)?,
            company_value: opt_money(r, 5, cur)?,
            provider: r.get(6)?,
            round: r.get::<_, Option<i64>>(7)?.map(RoundId),
            provenance: provenance(r, 8)?,
        })
    })?;
    rows.collect()
}

/// The journal, in recording order; only entries effective on or before `as_of` when given.
/// Journal entries with ids in `ids`, in recording order; only those effective on or
/// before `as_of` when given.
pub fn load_entries(
    conn: &Connection,
    cur: Currency,
    as_of: Option<NaiveDate>,
    ids: std::ops::RangeInclusive<i64>,
    capacity: usize,
) -> rusqlite::Result<Vec<Entry>> {
    let sql = "SELECT id, effective, recorded_at, kind, holder_id, counterparty_id, class_id, to_class_id, plan_id,
                      ref_id, round_id, quantity, quantity2, price, expires, terms, reason, memo, provenance, ratio
               FROM transactions WHERE id BETWEEN ?2 AND ?3 AND (?1 IS NULL OR effective <= ?1) ORDER BY id";
    let as_of = as_of.map(|d| d.to_string());
    // Sized once by the caller: copying a million entries as the vector grows is slow.
    let mut entries = Vec::with_capacity(capacity);
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(params![as_of, ids.start(), ids.end()], |r| {
        let kind = text(r, 3)?;
        let id = |i: usize| -> rusqlite::Result<i64> {
            r.get::<_, Option<i64>>(i)?
                .ok_or_else(|| bad(i, format!("{kind} without column {i}")))
        };
        let qty = |i: usize| -> rusqlite::Result<u64> { Ok(id(i)? as u64) };
        let price = || -> rusqlite::Result<Option<Money>> { opt_money(r, 13, cur) };
        let movement = match kind {
            "stock-issuance" => Movement::StockIssuance {
                holder: StakeholderId(id(4)?),
                class: ClassId(id(6)?),
                shares: qty(11)?,
                price_per_share: price()?,
                round: r.get::<_, Option<i64>>(10)?.map(RoundId),
            },
            "option-grant" => Movement::OptionGrant {
                holder: StakeholderId(id(4)?),
                plan: PlanId(id(8)?),
                options: qty(11)?,
                exercise_price: money(r, 13, cur)?,
                expires: opt_date(r, 14)?,
            },
            "exercise" => Movement::Exercise {
                grant: EntryId(id(9)?),
                options: qty(11)?,
            },
            "transfer" => Movement::Transfer {
                from: StakeholderId(id(4)?),
                to: StakeholderId(id(5)?),
                class: ClassId(id(6)?),
                shares: qty(11)?,
                price_per_share: price()?,
            },
            "stock-cancellation" => Movement::StockCancellation {
                holder: StakeholderId(id(4)?),
                class: ClassId(id(6)?),
                shares: qty(11)?,
            },
            "option-cancellation" => Movement::OptionCancellation {
                grant: EntryId(id(9)?),
                options: qty(11)?,
            },
            "repurchase" => Movement::Repurchase {
                holder: StakeholderId(id(4)?),
                class: ClassId(id(6)?),
                shares: qty(11)?,
                price_per_share: money(r, 13, cur)?,
            },
            "pool-increase" => Movement::PoolIncrease {
                plan: PlanId(id(8)?),
                shares: qty(11)?,
            },
            "stock-conversion" => Movement::StockConversion {
                holder: StakeholderId(id(4)?),
                from_class: ClassId(id(6)?),
                shares: qty(11)?,
                to_class: ClassId(id(7)?),
                resulting_shares: qty(12)?,
            },
            "convertible-issuance" => Movement::ConvertibleIssuance {
                holder: StakeholderId(id(4)?),
                terms: json(r, 15)?,
            },
            "convertible-conversion" => Movement::ConvertibleConversion {
                instrument: EntryId(id(9)?),
                class: ClassId(id(6)?),
                shares: qty(11)?,
            },
            "conversion-ratio-adjustment" => Movement::ConversionRatioAdjustment {
                class: ClassId(id(6)?),
                new_ratio: dec(r, 19)?,
                reason: r.get::<_, Option<String>>(16)?.unwrap_or_default(),
            },
            "stock-split" => {
                let t: SplitTerms = json(r, 15)?;
                Movement::StockSplit {
                    class: ClassId(id(6)?),
                    numerator: qty(11)?,
                    denominator: qty(12)?,
                    rounding: t.rounding,
                    converting_classes: t.converting_classes,
                }
            }
            "authorized-shares-adjustment" => Movement::AuthorizedSharesAdjustment {
                class: ClassId(id(6)?),
                authorized: qty(11)?,
            },
            "reversal" => Movement::Reversal {
                reverses: EntryId(id(9)?),
                reason: r.get::<_, Option<String>>(16)?.unwrap_or_default(),
            },
            other => return Err(bad(3, format!("unknown entry kind '{other}'"))),
        };
        Ok(Entry {
            id: EntryId(r.get(0)?),
            effective: date(r, 1)?,
            recorded_at: timestamp(r, 2)?,
            movement,
            memo: r.get(17)?,
            provenance: provenance(r, 18)?,
        })
    })?;
    for row in rows {
        entries.push(row?);
    }
    Ok(entries)
}

pub fn load_rounding_history(conn: &Connection) -> rusqlite::Result<Vec<RoundingPolicy>> {
    let mut stmt =
        conn.prepare("SELECT value FROM book_settings WHERE key = 'rounding' ORDER BY id")?;
    let rows = stmt.query_map([], |r| json(r, 0))?;
    rows.collect()
}

pub fn max_entry_id(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT coalesce(max(id), 0) FROM transactions", [], |r| {
        r.get(0)
    })
}
