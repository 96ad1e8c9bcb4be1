//! Which book is open, the recent books, and making books: a new one, the xAI example, a copy.
//! Paths reach these functions only from the user's own choices (a dialog, the recent list,
//! ROUNDBOOK_BOOK), never from the page.

use std::path::{Path, PathBuf};

use roundbook_ledger::{Company, Currency};
use roundbook_store::Store;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

/// How many books "Open recent" remembers.
const RECENT_LIMIT: usize = 8;

/// Where the app keeps its default book and its list of recent books: the same data directory
/// as the CLI's default book, so `roundbook` and the app see one default book.
#[derive(Debug, Clone)]
pub struct Library {
    dir: PathBuf,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct BookInfo {
    pub path: String,
    pub file_name: String,
    pub company: String,
    /// The window's title: the company and the file it lives in.
    pub title: String,
}

/// The "New book" form: every field a string, so a bad one is reported by name.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct NewBookForm {
    pub name: String,
    pub founded: String,
    #[serde(default = "usd")]
    pub currency: String,
    #[serde(default)]
    pub jurisdiction: String,
}

fn usd() -> String {
    "USD".into()
}

impl Library {
    pub fn new(dir: PathBuf) -> Library {
        Library { dir }
    }

    /// The user's data directory (~/.local/share/roundbook on Linux).
    pub fn for_user() -> Library {
        let base = dirs::data_dir().unwrap_or_else(|| PathBuf::from("."));
        Library::new(base.join("roundbook"))
    }

    pub fn default_book(&self) -> PathBuf {
        self.dir.join("default.roundbook")
    }

    fn recent_file(&self) -> PathBuf {
        self.dir.join("recent-books.json")
    }

    /// The recent books, newest first, that still exist. A missing or unreadable list is an
    /// empty one: it is a convenience, not a record.
    pub fn recent(&self) -> Vec<PathBuf> {
        let text = std::fs::read_to_string(self.recent_file()).unwrap_or_default();
        let list: Vec<PathBuf> = serde_json::from_str(&text).unwrap_or_default();
        list.into_iter().filter(|p| p.exists()).collect()
    }

    pub fn remember(&self, book: &Path) -> AppResult<()> {
        let mut list = self.recent();
        list.retain(|p| p != book);
        list.insert(0, book.to_path_buf());
        list.truncate(RECENT_LIMIT);
        std::fs::create_dir_all(&self.dir).map_err(|e| AppError::io(&self.dir, e))?;
        let text = serde_json::to_string_pretty(&list).unwrap_or_default();
        let file = self.recent_file();
        std::fs::write(&file, text).map_err(|e| AppError::io(&file, e))
    }

    /// Only a book on the recent list may be reopened by its path from the page.
    pub fn recent_book(&self, path: &str) -> AppResult<PathBuf> {
        self.recent()
            .into_iter()
            .find(|p| p.to_string_lossy() == path)
            .ok_or_else(|| {
                AppError::new(
                    crate::error::ErrorCode::NotRecent,
                    format!("{path} is not on the recent books list; open it with File > Open"),
                )
            })
    }
}

pub fn describe(book: &Path) -> AppResult<BookInfo> {
    let b = Store::open(book)?.load()?;
    let file_name = book
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(BookInfo {
        path: book.display().to_string(),
        title: format!("{} ({file_name}) - Roundbook", b.company.name),
        company: b.company.name.clone(),
        file_name,
    })
}

/// The xAI example, made by the same function as `roundbook demo`'s: the cap table, then the
/// compute plan funded by its Series B. A failure leaves no file behind.
pub fn create_example_book(book: &Path) -> AppResult<()> {
    Store::create_example(book)?;
    Ok(())
}

/// Opens `book`, creating the xAI example there first when no file exists yet (first start).
pub fn open_or_create_example(book: &Path) -> AppResult<BookInfo> {
    if !book.exists() {
        create_example_book(book)?;
    }
    describe(book)
}

pub fn create_book(book: &Path, form: &NewBookForm) -> AppResult<BookInfo> {
    let founded = roundbook_application::parse::date("founded", &form.founded)?;
    let currency: Currency = form
        .currency
        .trim()
        .parse()
        .map_err(|e: roundbook_ledger::LedgerError| AppError::from(e).on_field("currency"))?;
    let name = form.name.trim();
    let company = Company {
        name: name.to_string(),
        legal_name: name.to_string(),
        founded,
        currency,
        jurisdiction: form.jurisdiction.trim().to_string(),
    };
    Store::create(book, &company)?;
    describe(book)
}

pub fn save_copy(book: &Path, to: &Path) -> AppResult<BookInfo> {
    Store::open(book)?.save_copy(to)?;
    describe(to)
}
