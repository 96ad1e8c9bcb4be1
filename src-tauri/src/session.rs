//! The app's state between commands: the library, which book is open, and the flag that
//! cancels the simulation running now (at most one runs at a time).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::books::{self, BookInfo, Library};
use crate::error::{AppError, AppResult};

pub struct Session {
    pub library: Library,
    book: Mutex<PathBuf>,
    running: Mutex<Option<Arc<AtomicBool>>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A command that panicked mid-way leaves a plain value behind; it is still usable.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Session {
    pub fn new(library: Library, book: PathBuf) -> Session {
        Session {
            library,
            book: Mutex::new(book),
            running: Mutex::new(None),
        }
    }

    /// A session on `book`, made from the xAI example when no file is there yet (first
    /// start), and remembered among the recent books.
    pub fn start(library: Library, book: PathBuf) -> AppResult<Session> {
        books::open_or_create_example(&book)?;
        library.remember(&book)?;
        Ok(Session::new(library, book))
    }

    /// On ROUNDBOOK_BOOK when set (as for the CLI), else on the library's default book.
    pub fn from_environment() -> AppResult<Session> {
        let library = Library::for_user();
        let book = std::env::var_os("ROUNDBOOK_BOOK")
            .map(PathBuf::from)
            .unwrap_or_else(|| library.default_book());
        Session::start(library, book)
    }

    pub fn book(&self) -> PathBuf {
        lock(&self.book).clone()
    }

    pub fn info(&self) -> AppResult<BookInfo> {
        books::describe(&self.book())
    }

    /// Makes `book` the open one, once it has been read successfully, and remembers it.
    pub fn switch_to(&self, book: PathBuf) -> AppResult<BookInfo> {
        let info = books::describe(&book)?;
        self.library.remember(&book)?;
        *lock(&self.book) = book;
        Ok(info)
    }

    /// The cancel flag of a new run; refused while another run is going.
    pub fn start_run(&self) -> AppResult<Arc<AtomicBool>> {
        let mut running = lock(&self.running);
        if running.is_some() {
            return Err(AppError::new(
                crate::error::ErrorCode::Busy,
                "a simulation is already running; cancel it or wait for it to finish",
            ));
        }
        let flag = Arc::new(AtomicBool::new(false));
        *running = Some(flag.clone());
        Ok(flag)
    }

    pub fn finish_run(&self) {
        *lock(&self.running) = None;
    }

    /// True when a run was going and has been told to stop.
    pub fn cancel_run(&self) -> bool {
        match lock(&self.running).as_ref() {
            Some(flag) => {
                flag.store(true, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }
}
