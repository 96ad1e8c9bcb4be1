//! The journal's hash chain. Entry n's hash is SHA-256 over entry n-1's hash and entry n's row
//! exactly as the file stores it, column by column; the first entry's predecessor is a fixed
//! text. A change made outside Roundbook (an edited amount, a removed or reordered entry, a row
//! added or replaced with plain SQL) breaks the chain at the first entry it touches, and
//! `Store::verify_chain` names that entry. The chain is not a signature: whoever can write the
//! file can compute a new chain, which the head hash (printed by `check` and on the board report)
//! shows to anyone who noted the old one.

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use roundbook_ledger::EntryId;

/// The predecessor of the first entry.
const GENESIS: &str = "roundbook journal chain v1";

/// The columns of an entry's row, in the order they are hashed. A column added to the table by a
/// later migration is hashed only by a later version of the chain.
const COLUMNS: &str = "id, effective, recorded_at, kind, holder_id, counterparty_id, class_id, \
    to_class_id, plan_id, ref_id, round_id, quantity, quantity2, price, expires, terms, ratio, \
    reason, memo, provenance";

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    pub entry: EntryId,
    pub why: String,
}

/// The chain's state: how many entries it covers, and the last one's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub entries: usize,
    pub hash: Option<String>,
}

fn encode(row: &rusqlite::Row<'_>) -> rusqlite::Result<Vec<u8>> {
    let mut out = Vec::new();
    for i in 0..20 {
        // Each value with its type and length: no two rows encode alike.
        match row.get_ref(i)? {
            ValueRef::Null => out.extend_from_slice(b"N;"),
            ValueRef::Integer(n) => out.extend_from_slice(format!("I{n};").as_bytes()),
            ValueRef::Real(x) => out.extend_from_slice(format!("R{};", x.to_bits()).as_bytes()),
            ValueRef::Text(t) => {
                out.extend_from_slice(format!("T{}:", t.len()).as_bytes());
                out.extend_from_slice(t);
                out.push(b';');
            }
            ValueRef::Blob(b) => {
                out.extend_from_slice(format!("B{}:", b.len()).as_bytes());
                out.extend_from_slice(b);
                out.push(b';');
            }
        }
    }
    Ok(out)
}

fn link(previous: &str, row: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(previous.as_bytes());
    h.update(b"\n");
    h.update(row);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The last chained entry and its hash.
fn tail(conn: &Connection) -> rusqlite::Result<Option<(i64, String)>> {
    conn.query_row(
        "SELECT entry_id, hash FROM entry_chain ORDER BY entry_id DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// Chains the entries after the chain's tail, in id order. The store calls it for the entries
/// a transaction just inserted, and the migration once for a book's whole journal.
pub(crate) fn extend(conn: &Connection, entries: &[EntryId]) -> rusqlite::Result<()> {
    let (last_id, mut previous) = tail(conn)?.unwrap_or((0, GENESIS.to_string()));
    let mut read =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM transactions WHERE id = ?1"))?;
    let mut write =
        conn.prepare_cached("INSERT INTO entry_chain (entry_id, hash) VALUES (?1, ?2)")?;
    let mut ids: Vec<i64> = entries.iter().map(|e| e.0).collect();
    ids.sort_unstable();
    for id in ids.into_iter().filter(|&id| id > last_id) {
        let row = read.query_row([id], encode)?;
        let hash = link(&previous, &row);
        write.execute(params![id, hash])?;
        previous = hash;
    }
    Ok(())
}

/// Chains every entry of a journal that has none (the migration that adds the chain).
pub(crate) fn chain_all(conn: &Connection) -> rusqlite::Result<()> {
    let ids: Vec<EntryId> = conn
        .prepare("SELECT id FROM transactions ORDER BY id")?
        .query_map([], |r| r.get(0).map(EntryId))?
        .collect::<rusqlite::Result<_>>()?;
    extend(conn, &ids)
}

/// Walks the journal in id order against the chain: the head when every entry is chained and
/// matches, or the first entry that does not.
pub(crate) fn verify(conn: &Connection) -> rusqlite::Result<Result<Head, Break>> {
    let mut rows = conn.prepare(&format!(
        "SELECT {COLUMNS}, c.entry_id, c.hash FROM transactions t \
         LEFT JOIN entry_chain c ON c.entry_id = t.id ORDER BY t.id"
    ))?;
    let mut q = rows.query([])?;
    let mut previous = GENESIS.to_string();
    let mut entries = 0;
    while let Some(r) = q.next()? {
        let id: i64 = r.get(0)?;
        let stated: Option<String> = r.get(21)?;
        let Some(stated) = stated else {
            return Ok(Err(Break {
                entry: EntryId(id),
                why: "is not in the chain: it was added outside Roundbook".into(),
            }));
        };
        let computed = link(&previous, &encode(r)?);
        if computed != stated {
            return Ok(Err(Break {
                entry: EntryId(id),
                why: "differs from what was recorded, or an entry before it was removed or \
                      reordered: its row no longer hashes to the chain"
                    .into(),
            }));
        }
        previous = stated;
        entries += 1;
    }
    // A chained entry whose row is gone (the chain's rows are append-only; the journal's too).
    let chained: i64 = conn.query_row("SELECT count(*) FROM entry_chain", [], |r| r.get(0))?;
    if chained as usize != entries {
        let missing: i64 = conn.query_row(
            "SELECT min(entry_id) FROM entry_chain WHERE entry_id NOT IN (SELECT id FROM transactions)",
            [],
            |r| r.get(0),
        )?;
        return Ok(Err(Break {
            entry: EntryId(missing),
            why: "was recorded and is no longer in the journal".into(),
        }));
    }
    Ok(Ok(Head {
        entries,
        hash: (entries > 0).then_some(previous),
    }))
}
