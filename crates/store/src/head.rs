//! The replay's head in the file (migrations/0009_replay_head.sql; what it is, crates/ledger/src/head.rs):
//! read as the slice one append touches, written back as that slice, rebuilt whole after a
//! full replay. Only this file knows the head's tables.

use chrono::NaiveDate;
use roundbook_ledger::{
    ClassId, EntryId, GrantAccount, Head, PlanAccount, PlanId, StakeholderId, Touched,
};
use rusqlite::{params, Connection, OptionalExtension};

use crate::rows::opt_date;

fn stored(v: i128) -> rusqlite::Result<i64> {
    i64::try_from(v).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(0, 0))
}

/// The head's last effective date when the head covers the journal's last entry (by id and
/// chain hash); None when it is stale and only a full replay can check what comes next.
pub(crate) fn current(conn: &Connection) -> rusqlite::Result<Option<Option<NaiveDate>>> {
    let (through, hash, last): (Option<i64>, Option<String>, Option<NaiveDate>) = conn.query_row(
        "SELECT through, through_hash, last_effective FROM replay_head WHERE id = 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, opt_date(r, 2)?)),
    )?;
    let Some(through) = through else {
        return Ok(None);
    };
    let tail: Option<(i64, Option<String>)> = conn
        .query_row(
            "SELECT t.id, c.hash FROM transactions t LEFT JOIN entry_chain c ON c.entry_id = t.id
             ORDER BY t.id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let covers = match tail {
        None => through == 0,
        Some((id, tail_hash)) => id == through && tail_hash.is_some() && tail_hash == hash,
    };
    Ok(covers.then_some(last))
}

type HeldRow = ((StakeholderId, ClassId), i128);

fn held_row(r: &rusqlite::Row) -> rusqlite::Result<HeldRow> {
    Ok((
        (StakeholderId(r.get(0)?), ClassId(r.get(1)?)),
        i128::from(r.get::<_, i64>(2)?),
    ))
}

fn grant_row(r: &rusqlite::Row) -> rusqlite::Result<(EntryId, GrantAccount)> {
    Ok((
        EntryId(r.get(0)?),
        GrantAccount {
            holder: StakeholderId(r.get(1)?),
            plan: PlanId(r.get(2)?),
            expires: opt_date(r, 3)?,
            outstanding: i128::from(r.get::<_, i64>(4)?),
        },
    ))
}

fn convertible_row(r: &rusqlite::Row) -> rusqlite::Result<(EntryId, i128)> {
    Ok((EntryId(r.get(0)?), i128::from(r.get::<_, i64>(1)?)))
}

const HELD: &str = "SELECT holder, class, shares FROM head_held";
const GRANT: &str = "SELECT grant_id, holder, plan, expires, outstanding FROM head_grants";
const CONVERTIBLE: &str = "SELECT instrument, state FROM head_convertibles";

/// The slice of the head an append needs: the accounts `touched` names, every plan and class,
/// and the grants with options outstanding that lapse before the appended entries' last day.
pub(crate) fn slice(
    conn: &Connection,
    touched: &Touched,
    last_effective: Option<NaiveDate>,
) -> rusqlite::Result<Head> {
    let mut head = plans_and_classes(conn, last_effective)?;
    let mut held = conn.prepare_cached(&format!("{HELD} WHERE holder = ?1 AND class = ?2"))?;
    for (h, c) in &touched.held {
        if let Some((k, v)) = held.query_row(params![h.0, c.0], held_row).optional()? {
            head.held.insert(k, v);
        }
    }
    let mut by_id = conn.prepare_cached(&format!("{GRANT} WHERE grant_id = ?1"))?;
    for g in &touched.grants {
        if let Some((id, a)) = by_id.query_row([g.0], grant_row).optional()? {
            head.grants.insert(id, a);
        }
    }
    if let Some(d) = touched.lapse_before {
        let mut lapsing = conn.prepare_cached(&format!(
            "{GRANT} WHERE expires IS NOT NULL AND outstanding > 0 AND expires < ?1"
        ))?;
        for row in lapsing.query_map([d.to_string()], grant_row)? {
            let (id, a) = row?;
            head.grants.insert(id, a);
        }
    }
    let mut convertible = conn.prepare_cached(&format!("{CONVERTIBLE} WHERE instrument = ?1"))?;
    for i in &touched.convertibles {
        if let Some((k, v)) = convertible.query_row([i.0], convertible_row).optional()? {
            head.convertibles.insert(k, v);
        }
    }
    Ok(head)
}

/// A head holding every plan's and class's account (few, and every append reads them all).
fn plans_and_classes(
    conn: &Connection,
    last_effective: Option<NaiveDate>,
) -> rusqlite::Result<Head> {
    let mut head = Head {
        last_effective,
        ..Head::default()
    };
    let mut plans =
        conn.prepare_cached("SELECT plan, reserved, granted, exercised, lapsed FROM head_plans")?;
    for row in plans.query_map([], |r| {
        Ok((
            PlanId(r.get(0)?),
            PlanAccount {
                reserved: i128::from(r.get::<_, i64>(1)?),
                granted: i128::from(r.get::<_, i64>(2)?),
                exercised: i128::from(r.get::<_, i64>(3)?),
                lapsed: i128::from(r.get::<_, i64>(4)?),
            },
        ))
    })? {
        let (p, a) = row?;
        head.plans.insert(p, a);
    }
    let mut classes =
        conn.prepare_cached("SELECT class, claimed, authorized_set, authorized FROM head_classes")?;
    for row in classes.query_map([], |r| {
        Ok((
            ClassId(r.get(0)?),
            r.get::<_, i64>(1)?,
            r.get::<_, bool>(2)?,
            r.get::<_, Option<i64>>(3)?,
        ))
    })? {
        let (c, claimed, set, authorized) = row?;
        head.claimed.insert(c, i128::from(claimed));
        if set {
            head.authorized
                .insert(c, authorized.map(|a| a.max(0).unsigned_abs()));
        }
    }
    Ok(head)
}

/// Writes a head (whole, or the slice an append changed) over the stored one, covering the
/// journal through entry `through`.
pub(crate) fn write(conn: &Connection, head: &Head, through: EntryId) -> rusqlite::Result<()> {
    let mut held = conn.prepare_cached(
        "INSERT INTO head_held (holder, class, shares) VALUES (?1, ?2, ?3)
         ON CONFLICT (holder, class) DO UPDATE SET shares = excluded.shares",
    )?;
    for ((h, c), v) in &head.held {
        held.execute(params![h.0, c.0, stored(*v)?])?;
    }
    let mut grants = conn.prepare_cached(
        "INSERT INTO head_grants (grant_id, holder, plan, expires, outstanding) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (grant_id) DO UPDATE SET outstanding = excluded.outstanding",
    )?;
    for (g, a) in &head.grants {
        grants.execute(params![
            g.0,
            a.holder.0,
            a.plan.0,
            a.expires.map(|d| d.to_string()),
            stored(a.outstanding)?
        ])?;
    }
    let mut plans = conn.prepare_cached(
        "INSERT INTO head_plans (plan, reserved, granted, exercised, lapsed) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (plan) DO UPDATE SET reserved = excluded.reserved, granted = excluded.granted,
             exercised = excluded.exercised, lapsed = excluded.lapsed",
    )?;
    for (p, a) in &head.plans {
        plans.execute(params![
            p.0,
            stored(a.reserved)?,
            stored(a.granted)?,
            stored(a.exercised)?,
            stored(a.lapsed)?
        ])?;
    }
    let mut classes = conn.prepare_cached(
        "INSERT INTO head_classes (class, claimed, authorized_set, authorized) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (class) DO UPDATE SET claimed = excluded.claimed,
             authorized_set = excluded.authorized_set, authorized = excluded.authorized",
    )?;
    let class_ids: std::collections::BTreeSet<&ClassId> =
        head.claimed.keys().chain(head.authorized.keys()).collect();
    for c in class_ids {
        let authorized = head.authorized.get(c);
        classes.execute(params![
            c.0,
            stored(head.claimed.get(c).copied().unwrap_or(0))?,
            authorized.is_some(),
            authorized
                .copied()
                .flatten()
                .map(|a| i64::try_from(a).unwrap_or(i64::MAX))
        ])?;
    }
    let mut convertibles = conn.prepare_cached(
        "INSERT INTO head_convertibles (instrument, state) VALUES (?1, ?2)
         ON CONFLICT (instrument) DO UPDATE SET state = excluded.state",
    )?;
    for (i, v) in &head.convertibles {
        convertibles.execute(params![i.0, stored(*v)?])?;
    }
    conn.execute(
        "UPDATE replay_head SET through = ?1, last_effective = ?2,
             through_hash = (SELECT hash FROM entry_chain WHERE entry_id = ?1)
         WHERE id = 1",
        params![through.0, head.last_effective.map(|d| d.to_string())],
    )?;
    Ok(())
}

/// Replaces the stored head with `head`, the whole head a full replay left.
pub(crate) fn rebuild(conn: &Connection, head: &Head, through: EntryId) -> rusqlite::Result<()> {
    conn.execute_batch(
        "DELETE FROM head_held; DELETE FROM head_grants; DELETE FROM head_plans;
         DELETE FROM head_classes; DELETE FROM head_convertibles;",
    )?;
    write(conn, head, through)
}

/// Marks the head stale: the next append rebuilds it.
pub(crate) fn discard(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("UPDATE replay_head SET through = NULL WHERE id = 1", [])
        .map(|_| ())
}

/// The whole stored head, for `roundbook check` to compare with a replay: each table read once.
pub(crate) fn load_all(conn: &Connection) -> rusqlite::Result<Option<Head>> {
    let Some(last) = current(conn)? else {
        return Ok(None);
    };
    let mut head = plans_and_classes(conn, last)?;
    head.held = conn
        .prepare(HELD)?
        .query_map([], held_row)?
        .collect::<rusqlite::Result<_>>()?;
    head.grants = conn
        .prepare(GRANT)?
        .query_map([], grant_row)?
        .collect::<rusqlite::Result<_>>()?;
    head.convertibles = conn
        .prepare(CONVERTIBLE)?
        .query_map([], convertible_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(head))
}
