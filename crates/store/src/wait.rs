//! Writers take turns. SQLite lets one writer at a time hold a book; another waits here, polling,
//! up to a limit the user sets, instead of failing after SQLite's fixed timeout. After a second
//! of waiting the shell is told once (the command line says so on stderr), so a long wait is
//! never silent.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long a writer waits for its turn by default.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(60);
/// When the shell is told that a writer is waiting.
const NOTICE_AFTER: Duration = Duration::from_secs(1);

static LIMIT_MS: AtomicU64 = AtomicU64::new(DEFAULT_WAIT.as_millis() as u64);
static NOTICE: OnceLock<fn(Duration)> = OnceLock::new();

thread_local! {
    /// When the current wait began, and whether its notice was given.
    static WAITING: std::cell::Cell<Option<(Instant, bool)>> = const { std::cell::Cell::new(None) };
}

/// How long a writer waits for another to finish (the command line's `--wait`).
pub fn set_limit(limit: Duration) {
    LIMIT_MS.store(
        limit.as_millis().min(u128::from(u64::MAX)) as u64,
        Ordering::Relaxed,
    );
}

pub fn limit() -> Duration {
    Duration::from_millis(LIMIT_MS.load(Ordering::Relaxed))
}

/// What the shell does once a wait passes a second (told the limit).
pub fn on_wait(notice: fn(Duration)) {
    let _ = NOTICE.set(notice);
}

/// SQLite's busy handler: `tries` is how many times it was called for this lock. True: try
/// again after a short sleep; false: give up (the statement fails with SQLITE_BUSY).
pub(crate) fn busy(tries: i32) -> bool {
    let now = Instant::now();
    let (started, told) = WAITING.with(|w| match (tries, w.get()) {
        (0, _) | (_, None) => {
            w.set(Some((now, false)));
            (now, false)
        }
        (_, Some(x)) => x,
    });
    let waited = now - started;
    if waited >= limit() {
        WAITING.with(|w| w.set(None));
        return false;
    }
    if !told && waited >= NOTICE_AFTER {
        if let Some(notice) = NOTICE.get() {
            notice(limit());
        }
        WAITING.with(|w| w.set(Some((started, true))));
    }
    // Short sleeps first (a writer usually finishes within milliseconds), then 50 ms.
    std::thread::sleep(Duration::from_millis(if tries < 10 { 5 } else { 50 }));
    true
}
