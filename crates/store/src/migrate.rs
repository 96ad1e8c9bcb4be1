//! Forward-only migrations, embedded in the binary and recorded in the file.

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};
use std::path::Path;

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
    /// What the SQL cannot do, run in the same transaction after it (the journal's hash chain).
    pub then: Option<fn(&rusqlite::Connection) -> rusqlite::Result<()>>,
}

/// Every migration this build knows, in order. Never edit a landed one: add a new file.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_book",
        sql: include_str!("../../../migrations/0001_book.sql"),
        then: None,
    },
    Migration {
        version: 2,
        name: "0002_book_settings",
        sql: include_str!("../../../migrations/0002_book_settings.sql"),
        then: None,
    },
    Migration {
        version: 3,
        name: "0003_compute",
        sql: include_str!("../../../migrations/0003_compute.sql"),
        then: None,
    },
    Migration {
        version: 4,
        name: "0004_simulation_runs",
        sql: include_str!("../../../migrations/0004_simulation_runs.sql"),
        then: None,
    },
    Migration {
        version: 5,
        name: "0005_named_scenarios",
        sql: include_str!("../../../migrations/0005_named_scenarios.sql"),
        then: None,
    },
    Migration {
        version: 6,
        name: "0006_stock_splits",
        sql: include_str!("../../../migrations/0006_stock_splits.sql"),
        then: None,
    },
    Migration {
        version: 7,
        name: "0007_no_replace",
        sql: include_str!("../../../migrations/0007_no_replace.sql"),
        then: None,
    },
    Migration {
        version: 8,
        name: "0008_entry_chain",
        sql: include_str!("../../../migrations/0008_entry_chain.sql"),
        then: Some(crate::chain::chain_all),
    },
    Migration {
        version: 9,
        name: "0009_replay_head",
        sql: include_str!("../../../migrations/0009_replay_head.sql"),
        then: None,
    },
];

pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

fn checksum(sql: &str) -> String {
    let digest = Sha256::digest(sql.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

const CREATE_LOG: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    checksum   TEXT NOT NULL,
    applied_at TEXT NOT NULL
)";

/// Applied migration versions, checked against this build's copies.
pub fn applied(conn: &Connection, path: &Path) -> Result<Vec<i64>> {
    let exists: Option<String> = conn
        .query_row(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if exists.is_none() {
        return Ok(vec![]);
    }
    let mut stmt =
        conn.prepare("SELECT version, checksum FROM schema_migrations ORDER BY version")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = vec![];
    for row in rows {
        let (version, sum) = row?;
        if version > latest_version() {
            return Err(StoreError::NewerSchema {
                path: path.to_path_buf(),
                found: version,
                known: latest_version(),
            });
        }
        match MIGRATIONS.iter().find(|m| m.version == version) {
            Some(m) if checksum(m.sql) == sum => out.push(version),
            _ => {
                return Err(StoreError::MigrationChanged {
                    path: path.to_path_buf(),
                    version,
                })
            }
        }
    }
    Ok(out)
}

/// Applies what is missing, each migration in its own transaction, up to `target`.
pub fn migrate_to(conn: &mut Connection, path: &Path, target: i64) -> Result<()> {
    let done = applied(conn, path)?;
    for m in MIGRATIONS
        .iter()
        .filter(|m| m.version <= target && !done.contains(&m.version))
    {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(CREATE_LOG)?;
        tx.execute_batch(m.sql)?;
        if let Some(then) = m.then {
            then(&tx)?;
        }
        tx.execute(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?1, ?2, ?3, ?4)",
            params![m.version, m.name, checksum(m.sql), chrono::Utc::now().to_rfc3339()],
        )?;
        tx.commit()?;
    }
    Ok(())
}
