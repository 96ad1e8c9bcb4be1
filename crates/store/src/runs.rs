//! Monte Carlo runs in the book: the scenario text (once per distinct text) and each run's
//! metadata and summary. Append-only; one transaction per run.

use chrono::Utc;
use rusqlite::{params, OptionalExtension, TransactionBehavior};

use crate::error::Result;
use crate::Store;
use crate::StoreError;

/// What a stored run says about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    pub id: i64,
    pub scenario_sha256: String,
    pub seed: u64,
    pub paths: u64,
    pub horizon_months: u32,
    pub backend: String,
    pub adapter: Option<String>,
    pub engine_version: String,
    pub seconds: f64,
    pub summary: String,
    pub recorded_at: String,
}

/// A run to store.
pub struct NewRun<'a> {
    pub scenario_text: &'a str,
    pub scenario_sha256: &'a str,
    pub seed: u64,
    pub paths: u64,
    pub horizon_months: u32,
    pub backend: &'a str,
    pub adapter: Option<&'a str>,
    pub engine_version: &'a str,
    pub seconds: f64,
    pub summary_json: &'a str,
}

impl Store {
    /// Stores a run (and its scenario, if this text is new); returns the run's id.
    pub fn record_run(&mut self, r: &NewRun) -> Result<i64> {
        self.record_run_then(r, |_| Ok::<(), StoreError>(()))
    }

    /// Stores the run and, in the same transaction, hands its number to `then` (which writes
    /// the run's file): the run is kept only if `then` succeeds, so a failed output leaves the
    /// book as it was.
    pub fn record_run_then<E: From<StoreError>>(
        &mut self,
        r: &NewRun,
        then: impl FnOnce(i64) -> std::result::Result<(), E>,
    ) -> std::result::Result<i64, E> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let id = insert_run(&tx, r)?;
        then(id)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(id)
    }

    /// Every stored run, oldest first.
    pub fn runs(&self) -> Result<Vec<RunRecord>> {
        let mut stmt = self.conn.prepare(
            "SELECT r.id, s.sha256, r.seed, r.paths, r.horizon_months, r.backend, r.adapter, r.engine_version,
                    r.seconds, r.summary, r.recorded_at
             FROM sim_runs r JOIN sim_scenarios s ON s.id = r.scenario_id ORDER BY r.id",
        )?;
        let rows = stmt.query_map([], |row| {
            let seed: String = row.get(2)?;
            Ok(RunRecord {
                id: row.get(0)?,
                scenario_sha256: row.get(1)?,
                seed: seed.parse().unwrap_or(0),
                paths: row.get::<_, i64>(3)? as u64,
                horizon_months: row.get(4)?,
                backend: row.get(5)?,
                adapter: row.get(6)?,
                engine_version: row.get(7)?,
                seconds: row.get(8)?,
                summary: row.get(9)?,
                recorded_at: row.get(10)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// A scenario imported under a name.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedScenario {
    pub name: String,
    pub scenario_sha256: String,
    pub text: String,
    pub source: Option<String>,
    pub recorded_at: String,
}

/// What an import did: the name's id, and whether this text was new to the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScenarioImport {
    pub id: i64,
    pub new_text: bool,
}

impl Store {
    /// Records a (validated) scenario text under a name, in one transaction. A name is
    /// given once: a name already in the book is refused, and nothing is written.
    pub fn import_scenario(
        &mut self,
        name: &str,
        text: &str,
        sha256: &str,
        source: Option<&str>,
    ) -> Result<ScenarioImport> {
        let name = name.trim();
        if name.is_empty() {
            return Err(roundbook_ledger::LedgerError::invalid("name", "is empty").into());
        }
        let now = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let taken: Option<String> = tx
            .query_row(
                "SELECT s.sha256 FROM sim_scenario_names n JOIN sim_scenarios s ON s.id = n.scenario_id
                 WHERE n.name = ?1",
                [name],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(existing) = taken {
            let same = if existing == sha256 {
                "the same text"
            } else {
                "another text"
            };
            return Err(roundbook_ledger::LedgerError::conflict(
                "name",
                format!("a scenario named '{name}' is already in the book ({same}); names are never reused, so give another with --name"),
            )
            .into());
        }
        let existing: Option<i64> = tx
            .query_row(
                "SELECT id FROM sim_scenarios WHERE sha256 = ?1",
                [sha256],
                |row| row.get(0),
            )
            .optional()?;
        let (scenario, new_text) = match existing {
            Some(id) => (id, false),
            None => {
                tx.execute(
                    "INSERT INTO sim_scenarios (sha256, text, recorded_at) VALUES (?1, ?2, ?3)",
                    params![sha256, text, now],
                )?;
                (tx.last_insert_rowid(), true)
            }
        };
        tx.execute(
            "INSERT INTO sim_scenario_names (name, scenario_id, source, recorded_at) VALUES (?1, ?2, ?3, ?4)",
            params![name, scenario, source, now],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(ScenarioImport { id, new_text })
    }

    /// Every named scenario, oldest first.
    pub fn named_scenarios(&self) -> Result<Vec<NamedScenario>> {
        let mut stmt = self.conn.prepare(
            "SELECT n.name, s.sha256, s.text, n.source, n.recorded_at
             FROM sim_scenario_names n JOIN sim_scenarios s ON s.id = n.scenario_id ORDER BY n.id",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok(NamedScenario {
                name: row.get(0)?,
                scenario_sha256: row.get(1)?,
                text: row.get(2)?,
                source: row.get(3)?,
                recorded_at: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// The run's rows: its scenario text once (by hash), then the run.
fn insert_run(tx: &rusqlite::Transaction<'_>, r: &NewRun) -> Result<i64> {
    let now = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let existing: Option<i64> = tx
        .query_row(
            "SELECT id FROM sim_scenarios WHERE sha256 = ?1",
            [r.scenario_sha256],
            |row| row.get(0),
        )
        .optional()?;
    let scenario = match existing {
        Some(id) => id,
        None => {
            tx.execute(
                "INSERT INTO sim_scenarios (sha256, text, recorded_at) VALUES (?1, ?2, ?3)",
                params![r.scenario_sha256, r.scenario_text, now],
            )?;
            tx.last_insert_rowid()
        }
    };
    tx.execute(
            "INSERT INTO sim_runs (scenario_id, seed, paths, horizon_months, backend, adapter, engine_version, seconds, summary, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                scenario,
                r.seed.to_string(),
                r.paths as i64,
                r.horizon_months,
                r.backend,
                r.adapter,
                r.engine_version,
                r.seconds,
                r.summary_json,
                now
            ],
        )?;
    Ok(tx.last_insert_rowid())
}
