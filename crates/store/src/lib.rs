//! The book file: one SQLite file per company.
//!
//! Only this crate knows SQL. A command opens the file, takes the write lock
//! (BEGIN IMMEDIATE), loads the book, lets the ledger add to it and check the
//! whole history, and writes what was added in that same transaction: all of it
//! or none of it. WAL journaling, foreign keys on, and triggers that refuse
//! UPDATE and DELETE on every table, so the database enforces append-only too.

pub mod chain;
mod compute;
mod error;
mod example;
mod head;
pub mod migrate;
mod rows;
pub mod runs;
pub mod wait;

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, SubsecRound, Utc};
use roundbook_ledger::{Book, Company, EntryId, LedgerError};
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior};

pub use compute::ComputeBook;
pub use error::{Result, StoreError};
pub use example::ExampleBook;

/// Marks a SQLite file as a Roundbook book ("RBK1").
pub const APPLICATION_ID: i32 = 0x5242_4B31;

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Creates a new book file. Refuses to touch an existing file.
    pub fn create(path: &Path, company: &Company) -> Result<Store> {
        // Validate before creating anything on disk.
        Book::new(company.clone())?;
        if path.exists() {
            return Err(StoreError::AlreadyExists(path.to_path_buf()));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Io(dir.to_path_buf(), e))?;
        }
        let made = (|| {
            let mut conn = Connection::open(path).map_err(|e| classify(path, e))?;
            configure(&mut conn, path)?;
            conn.pragma_update(None, "application_id", APPLICATION_ID)?;
            migrate::migrate_to(&mut conn, path, migrate::latest_version())?;
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            rows::insert_company(&tx, company, Utc::now())?;
            tx.commit()?;
            Ok(Store {
                conn,
                path: path.to_path_buf(),
            })
        })();
        if made.is_err() {
            // A half-made file is not a book; leave nothing behind.
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
        made
    }

    /// Opens an existing book, upgrading an older schema.
    pub fn open(path: &Path) -> Result<Store> {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::NotFound(path.to_path_buf()))
            }
            Err(e) => return Err(StoreError::Io(path.to_path_buf(), e)),
            Ok(m) if m.is_dir() => {
                return Err(StoreError::NotABook(
                    path.to_path_buf(),
                    "it is a directory".into(),
                ))
            }
            // SQLite would take an empty file for an empty database; it is not a book.
            Ok(m) if m.len() == 0 => {
                return Err(StoreError::NotABook(
                    path.to_path_buf(),
                    "the file is empty".into(),
                ))
            }
            Ok(_) => {}
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags).map_err(|e| classify(path, e))?;
        // Identify the file before anything writes to it (WAL mode is written to the header).
        let app: i32 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .map_err(|e| classify(path, e))?;
        if app != APPLICATION_ID {
            return Err(StoreError::NotABook(
                path.to_path_buf(),
                "it is an SQLite file of another program".into(),
            ));
        }
        configure(&mut conn, path)?;
        migrate::migrate_to(&mut conn, path, migrate::latest_version())
            .map_err(|e| reclassify(path, e))?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
        };
        rows::load_company(&store.conn).map_err(|e| classify(path, e))?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The whole book.
    pub fn load(&self) -> Result<Book> {
        self.load_inner(None)
    }

    /// The book with only the journal entries effective on or before `as_of`:
    /// enough for any view as of that date, and faster on a long journal.
    pub fn load_as_of(&self, as_of: NaiveDate) -> Result<Book> {
        self.load_inner(Some(as_of))
    }

    fn load_inner(&self, as_of: Option<NaiveDate>) -> Result<Book> {
        // One read transaction: every table from the same snapshot.
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(|e| classify(&self.path, e))?;
        let book = load_book(&tx, as_of, Some(&self.path)).map_err(|e| classify(&self.path, e))?;
        tx.finish().map_err(|e| classify(&self.path, e))?;
        Ok(book)
    }

    /// Runs one command: loads the book under the write lock, lets `change` add to it,
    /// checks the whole history, and writes what was added. On any error nothing is written.
    ///
    /// `change` speaks the caller's error type; the store's own failures and the history's
    /// refusal convert into it.
    pub fn transact<T, E>(&mut self, change: impl FnOnce(&mut Book) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError> + From<LedgerError>,
    {
        let path = self.path.clone();
        // What the file keeps (microseconds), so the entry a command hands back is the one stored.
        let now = Utc::now().trunc_subsecs(6);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| classify(&path, e))?;
        let (book, mark, out) = change_whole_book(&tx, &path, now, change)?;
        book.check(mark)?;
        write_added(&tx, &book, mark, now).map_err(|e| reclassify(&path, e))?;
        tx.commit().map_err(|e| classify(&path, e))?;
        Ok(out)
    }

    /// As `transact`, for a command that records entries dated on or after the journal's last
    /// and adds nothing else (crates/ledger/src/head.rs): `change` runs against a book holding
    /// only what `reads` names (besides the classes, plans, rounds and valuations), and the
    /// entries are checked against the slice of the replay's head they touch, so the cost does
    /// not grow with the journal. Whatever that cannot decide (a backdated entry, a split, a
    /// reversal, a name `reads` did not cover, any refusal) runs again as `transact`, which
    /// gives the refusal its words, and the head is rebuilt from that replay. `change` may
    /// therefore run twice; only its last run is written.
    pub fn transact_appending<T, E>(
        &mut self,
        reads: &Reads,
        change: impl Fn(&mut Book) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError> + From<LedgerError>,
    {
        let path = self.path.clone();
        let now = Utc::now().trunc_subsecs(6);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| classify(&path, e))?;
        let fast = append_from_head(&tx, reads, now, &change).map_err(|e| reclassify(&path, e))?;
        if let Some(out) = fast {
            tx.commit().map_err(|e| classify(&path, e))?;
            return Ok(out);
        }
        let (book, mark, out) = change_whole_book(&tx, &path, now, change)?;
        let replayed = book.check_head(mark)?;
        write_added(&tx, &book, mark, now).map_err(|e| reclassify(&path, e))?;
        let through = book.entries().last().map_or(EntryId(0), |e| e.id);
        head::rebuild(&tx, &replayed, through).map_err(|e| classify(&path, e))?;
        tx.commit().map_err(|e| classify(&path, e))?;
        Ok(out)
    }

    /// The replay's head as stored, when it covers the journal's last entry (`roundbook check`
    /// compares it with a replay); None when it is stale and the next append rebuilds it.
    pub fn stored_head(&self) -> Result<Option<roundbook_ledger::Head>> {
        head::load_all(&self.conn).map_err(|e| classify(&self.path, e))
    }

    /// Marks the stored head stale, so the next append rebuilds it from a full replay
    /// (`roundbook check` does this to a head that disagrees with the journal). The head is a
    /// cache of the replay; the journal is untouched.
    pub fn discard_head(&mut self) -> Result<()> {
        head::discard(&self.conn).map_err(|e| classify(&self.path, e))
    }

    /// Walks the journal against its hash chain (crates/store/src/chain.rs): the head when every
    /// entry matches what was recorded, or the first entry that does not.
    pub fn verify_chain(&self) -> Result<std::result::Result<chain::Head, chain::Break>> {
        chain::verify(&self.conn).map_err(|e| classify(&self.path, e))
    }

    /// Each entry's hash in the journal's chain.
    pub fn chain_hashes(&self) -> Result<std::collections::BTreeMap<EntryId, String>> {
        let read = || -> rusqlite::Result<std::collections::BTreeMap<EntryId, String>> {
            self.conn
                .prepare("SELECT entry_id, hash FROM entry_chain")?
                .query_map([], |r| Ok((EntryId(r.get(0)?), r.get(1)?)))?
                .collect()
        };
        read().map_err(|e| classify(&self.path, e))
    }

    /// Runs SQLite's own integrity check; "ok" when the file is sound.
    pub fn integrity_check(&self) -> Result<String> {
        let run = || -> rusqlite::Result<Vec<String>> {
            self.conn
                .prepare("PRAGMA integrity_check")?
                .query_map([], |r| r.get(0))?
                .collect()
        };
        Ok(run().map_err(|e| classify(&self.path, e))?.join("; "))
    }

    /// Writes a consistent copy of the whole book to a new file (the app's "save a copy").
    /// VACUUM INTO reads one snapshot, WAL included, so a plain file copy's torn reads cannot
    /// happen; an existing file is refused, as `create` refuses it.
    pub fn save_copy(&self, to: &Path) -> Result<()> {
        if to.exists() {
            return Err(StoreError::AlreadyExists(to.to_path_buf()));
        }
        let target = to.to_string_lossy();
        self.conn
            .execute("VACUUM INTO ?1", [target.as_ref()])
            .map_err(|e| classify(to, e))?;
        Ok(())
    }

    /// Schema versions recorded in the file.
    pub fn schema_versions(&self) -> Result<Vec<i64>> {
        migrate::applied(&self.conn, &self.path)
    }

    /// The raw connection, for tests that must show the database itself refuses a change.
    #[doc(hidden)]
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

fn configure(conn: &mut Connection, path: &Path) -> Result<()> {
    conn.busy_handler(Some(wait::busy))
        .map_err(|e| classify(path, e))?;
    // The first read of the file: where a non-SQLite file is found out.
    let mode: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .map_err(|e| classify(path, e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Corrupt(
            path.to_path_buf(),
            format!("cannot use WAL journaling (got {mode})"),
        ));
    }
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(|e| classify(path, e))?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(|e| classify(path, e))?;
    // Reads of a long journal go through the page cache rather than read() calls.
    conn.pragma_update(None, "mmap_size", 1i64 << 30)
        .map_err(|e| classify(path, e))?;
    conn.pragma_update(None, "cache_size", -65_536)
        .map_err(|e| classify(path, e))?;
    Ok(())
}

/// Below this many journal entries a book loads on one thread.
const PARALLEL_LOAD_FROM: i64 = 200_000;

/// Loads the book. With `parallel_from` (the file's path) a long journal is read by
/// several read-only connections at once, each taking a range of ids. That is
/// consistent because entries are append-only: every id up to the maximum this
/// snapshot sees was committed before it and can never change.
fn load_book(
    conn: &Connection,
    as_of: Option<NaiveDate>,
    parallel_from: Option<&Path>,
) -> rusqlite::Result<Book> {
    let company = rows::load_company(conn)?;
    let cur = company.currency;
    let max_id = rows::max_entry_id(conn)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4)) as i64;
    let entries = match parallel_from {
        Some(path) if max_id >= PARALLEL_LOAD_FROM && threads > 1 => {
            let chunk = max_id / threads + 1;
            let parts: Vec<rusqlite::Result<Vec<roundbook_ledger::Entry>>> =
                std::thread::scope(|s| {
                    let handles: Vec<_> = (0..threads)
                        .map(|k| {
                            let ids = (k * chunk + 1)..=((k + 1) * chunk).min(max_id);
                            // The first part has room for all the others, which are appended to it.
                            let capacity = if k == 0 { max_id.min(1 << 24) } else { chunk };
                            s.spawn(move || {
                                let reader = Connection::open_with_flags(
                                    path,
                                    OpenFlags::SQLITE_OPEN_READ_ONLY,
                                )?;
                                reader.pragma_update(None, "mmap_size", 1i64 << 30)?;
                                rows::load_entries(
                                    &reader,
                                    cur,
                                    as_of,
                                    ids,
                                    usize::try_from(capacity).unwrap_or(0),
                                )
                            })
                        })
                        .collect();
                    handles
                        .into_iter()
                        .map(|h| {
                            h.join()
                                .unwrap_or_else(|_| Err(rusqlite::Error::InvalidQuery))
                        })
                        .collect()
                });
            let mut parts = parts.into_iter();
            let mut all = parts.next().unwrap_or(Ok(vec![]))?;
            for part in parts {
                all.extend(part?);
            }
            all
        }
        _ => rows::load_entries(
            conn,
            cur,
            as_of,
            1..=max_id,
            usize::try_from(max_id.min(1 << 24)).unwrap_or(0),
        )?,
    };
    Ok(Book::from_parts(
        company,
        rows::load_stakeholders(conn)?,
        rows::load_classes(conn, cur)?,
        rows::load_plans(conn)?,
        rows::load_rounds(conn, cur)?,
        rows::load_valuations(conn, cur)?,
        entries,
    )
    .with_rounding_history(rows::load_rounding_history(conn)?))
}

/// The whole book loaded under the write lock, stamped with `now`, and `change` applied: the
/// book, the mark before the change, and what the change handed back.
fn change_whole_book<T, E>(
    tx: &rusqlite::Transaction,
    path: &Path,
    now: chrono::DateTime<Utc>,
    change: impl FnOnce(&mut Book) -> std::result::Result<T, E>,
) -> std::result::Result<(Book, roundbook_ledger::Mark, T), E>
where
    E: From<StoreError>,
{
    let mut book = load_book(tx, None, None).map_err(|e| classify(path, e))?;
    book.set_clock(now);
    let mark = book.mark();
    let out = change(&mut book)?;
    Ok((book, mark, out))
}

/// Inserts what was added to `book` since `mark`, and chains its entries.
fn write_added(
    tx: &rusqlite::Transaction,
    book: &Book,
    mark: roundbook_ledger::Mark,
    now: chrono::DateTime<Utc>,
) -> Result<()> {
    let added = book.added_since(mark);
    rows::insert_added(tx, &added, now)?;
    let ids: Vec<EntryId> = added.entries.iter().map(|e| e.id).collect();
    chain::extend(tx, &ids)?;
    Ok(())
}

/// What a one-entry command reads from the book by name or number: the stakeholders it names
/// and the journal entries it refers to (a grant, an instrument). See `Store::transact_appending`.
#[derive(Debug, Clone, Default)]
pub struct Reads {
    pub stakeholders: Vec<String>,
    pub entries: Vec<EntryId>,
}

/// The book an append runs against: the company, classes, plans, rounds, valuations and
/// rounding history; the stakeholders `reads` names; the entries it refers to, their
/// reversals, and the journal's last entry (so the next entry number is right).
fn book_for_append(conn: &Connection, reads: &Reads) -> rusqlite::Result<Book> {
    let company = rows::load_company(conn)?;
    let cur = company.currency;
    let mut stakeholders: Vec<roundbook_ledger::Stakeholder> = vec![];
    for key in &reads.stakeholders {
        let key = key.trim();
        let id = key.strip_prefix('#').and_then(|n| n.parse::<i64>().ok());
        for s in rows::load_stakeholders_named(conn, key, id)? {
            if !stakeholders.iter().any(|x| x.id == s.id) {
                stakeholders.push(s);
            }
        }
    }
    let mut ids: Vec<i64> = reads.entries.iter().map(|e| e.0).collect();
    let mut reversals =
        conn.prepare_cached("SELECT id FROM transactions WHERE kind = 'reversal' AND ref_id = ?1")?;
    for e in &reads.entries {
        if let Some(r) = reversals
            .query_row([e.0], |r| r.get::<_, i64>(0))
            .optional()?
        {
            ids.push(r);
        }
    }
    ids.push(rows::max_entry_id(conn)?);
    ids.sort_unstable();
    ids.dedup();
    let mut entries = vec![];
    for id in ids.into_iter().filter(|id| *id > 0) {
        entries.extend(rows::load_entries(conn, cur, None, id..=id, 1)?);
    }
    Ok(Book::from_parts(
        company,
        stakeholders,
        rows::load_classes(conn, cur)?,
        rows::load_plans(conn)?,
        rows::load_rounds(conn, cur)?,
        rows::load_valuations(conn, cur)?,
        entries,
    )
    .with_rounding_history(rows::load_rounding_history(conn)?))
}

/// `transact_appending`'s quick way: the change against the book for an append, checked
/// against the head's slice and written with it; None when it needs the full replay.
fn append_from_head<T, E>(
    tx: &rusqlite::Transaction,
    reads: &Reads,
    now: chrono::DateTime<Utc>,
    change: &impl Fn(&mut Book) -> std::result::Result<T, E>,
) -> Result<Option<T>> {
    // The head is a cache: one that cannot be read (changed outside Roundbook) is as good as
    // stale, and the full replay, which reads only recorded data, decides and rebuilds it.
    let Ok(Some(last_effective)) = head::current(tx) else {
        return Ok(None);
    };
    let mut book = book_for_append(tx, reads)?;
    book.set_clock(now);
    let mark = book.mark();
    let Ok(out) = change(&mut book) else {
        return Ok(None);
    };
    let touched = book.accounts_touched(mark);
    let Ok(slice) = head::slice(tx, &touched, last_effective) else {
        return Ok(None);
    };
    let Some(after) = book.check_appended(mark, &slice) else {
        return Ok(None);
    };
    let Some(through) = book.added_since(mark).entries.last().map(|e| e.id) else {
        return Ok(None);
    };
    write_added(tx, &book, mark, now)?;
    head::write(tx, &after, through)?;
    Ok(Some(out))
}

/// Turns SQLite's view of a bad file into words about the book.
fn classify(path: &Path, e: rusqlite::Error) -> StoreError {
    let p = path.to_path_buf();
    match &e {
        rusqlite::Error::SqliteFailure(f, msg) => match f.code {
            ErrorCode::NotADatabase => {
                StoreError::NotABook(p, "it is not an SQLite database".into())
            }
            ErrorCode::DatabaseCorrupt => StoreError::Corrupt(
                p,
                msg.clone()
                    .unwrap_or_else(|| "the file's structure is damaged".into()),
            ),
            ErrorCode::CannotOpen | ErrorCode::PermissionDenied | ErrorCode::ReadOnly => {
                StoreError::Io(p, std::io::Error::other(e.to_string()))
            }
            _ => StoreError::from(e),
        },
        rusqlite::Error::QueryReturnedNoRows => {
            StoreError::NotABook(p, "it has no company record".into())
        }
        rusqlite::Error::FromSqlConversionFailure(..) | rusqlite::Error::InvalidColumnType(..) => {
            StoreError::Corrupt(p, e.to_string())
        }
        _ => StoreError::from(e),
    }
}

fn reclassify(path: &Path, e: StoreError) -> StoreError {
    match e {
        StoreError::Sql(inner) => classify(path, inner),
        other => other,
    }
}
