//! The cap table CSV in (docs/import-export.md): a functional core that reads the file
//! into typed rows, then adds them to a book. The caller runs `apply` inside
//! `Store::transact`, so a bad row anywhere leaves the book as it was.
//!
//! Columns (a header line names them, in any order, case-insensitive):
//! date, holder, class, shares (required); holder_kind, roles, class_kind,
//! price_per_share, memo (optional). A holder or class not in the book is created.

use chrono::NaiveDate;
use roundbook_ledger::money::parse_decimal;
use roundbook_ledger::{
    Book, ClassKind, LedgerError, Money, Movement, NewClass, NewStakeholder, Provenance,
    Relationship, StakeholderKind, MAX_SHARES,
};
use rust_decimal::Decimal;

/// Every column the cap table CSV knows, in the template's order.
pub const COLUMNS: [&str; 9] = [
    "date",
    "holder",
    "holder_kind",
    "roles",
    "class",
    "class_kind",
    "shares",
    "price_per_share",
    "memo",
];
const REQUIRED: [&str; 4] = ["date", "holder", "class", "shares"];

/// A price per share with more places than this is a typo or a float's artefact.
pub const MAX_PRICE_DECIMALS: u32 = 10;

/// One issuance read from the file, its values checked on their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapTableRow {
    /// The line the row starts on (1 is the header).
    pub line: u64,
    pub date: NaiveDate,
    pub holder: String,
    pub holder_kind: Option<StakeholderKind>,
    pub roles: Vec<Relationship>,
    pub class: String,
    pub class_kind: Option<ClassKind>,
    pub shares: u64,
    pub price_per_share: Option<Decimal>,
    pub memo: Option<String>,
}

/// What an import added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub issuances: usize,
    pub new_holders: Vec<String>,
    pub new_classes: Vec<String>,
}

fn place(file: &str, line: u64) -> String {
    format!("{file} line {line}")
}

/// Reads the file's rows. Nothing about the book is needed yet; every value is checked.
pub fn read_captable_csv(file: &str, bytes: &[u8]) -> Result<Vec<CapTableRow>, LedgerError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        LedgerError::invalid(
            "csv",
            format!("{file}: not UTF-8 text (byte {})", e.valid_up_to()),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let csv_error = |e: csv::Error| {
        let at = e
            .position()
            .map_or_else(|| file.to_string(), |p| place(file, p.line()));
        LedgerError::invalid("csv", format!("{at}: {e}"))
    };
    let header: Vec<String> = reader
        .headers()
        .map_err(csv_error)?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let columns = Columns::from_header(file, &header)?;
    let mut rows = vec![];
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        let line = record.position().map_or(0, |p| line_of(text.as_bytes(), p));
        let row = columns
            .row(&record, line)
            .map_err(|e| e.at(&place(file, line)))?;
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(LedgerError::invalid(
            "csv",
            format!("{file}: no rows after the header"),
        ));
    }
    Ok(rows)
}

/// The line a record starts on. After a CRLF the reader counts the LF as a blank line
/// it skipped and reports the record from there, one line early: count what it skipped.
fn line_of(bytes: &[u8], p: &csv::Position) -> u64 {
    let skipped = bytes[usize::try_from(p.byte())
        .unwrap_or(bytes.len())
        .min(bytes.len())..]
        .iter()
        .take_while(|c| matches!(c, b'\r' | b'\n'));
    p.line() + skipped.filter(|c| **c == b'\n').count() as u64
}

/// Where each known column is in this file.
struct Columns {
    at: [Option<usize>; COLUMNS.len()],
}

impl Columns {
    fn from_header(file: &str, header: &[String]) -> Result<Columns, LedgerError> {
        let mut at = [None; COLUMNS.len()];
        for (i, h) in header.iter().enumerate() {
            let Some(k) = COLUMNS.iter().position(|c| c == h) else {
                return Err(LedgerError::invalid(
                    "csv",
                    format!(
                        "{file} line 1: unknown column '{h}' (the columns are {})",
                        COLUMNS.join(", ")
                    ),
                ));
            };
            if at[k].is_some() {
                return Err(LedgerError::invalid(
                    "csv",
                    format!("{file} line 1: column '{h}' appears twice"),
                ));
            }
            at[k] = Some(i);
        }
        if let Some(missing) = REQUIRED
            .iter()
            .find(|r| at[COLUMNS.iter().position(|c| c == *r).unwrap_or(0)].is_none())
        {
            return Err(LedgerError::invalid(
                "csv",
                format!(
                    "{file} line 1: the header has no '{missing}' column (required: {})",
                    REQUIRED.join(", ")
                ),
            ));
        }
        Ok(Columns { at })
    }

    fn cell<'r>(&self, record: &'r csv::StringRecord, name: &str) -> &'r str {
        COLUMNS
            .iter()
            .position(|c| *c == name)
            .and_then(|k| self.at[k])
            .and_then(|i| record.get(i))
            .unwrap_or("")
    }

    fn row(&self, r: &csv::StringRecord, line: u64) -> Result<CapTableRow, LedgerError> {
        let text = |name| self.cell(r, name);
        let optional = |name| Some(self.cell(r, name)).filter(|s| !s.is_empty());
        Ok(CapTableRow {
            line,
            date: date(text("date"))?,
            holder: required("holder", text("holder"))?,
            holder_kind: optional("holder_kind").map(holder_kind).transpose()?,
            roles: roles(text("roles"))?,
            class: required("class", text("class"))?,
            class_kind: optional("class_kind").map(class_kind).transpose()?,
            shares: shares(text("shares"))?,
            price_per_share: optional("price_per_share").map(price).transpose()?,
            memo: optional("memo").map(str::to_string),
        })
    }
}

fn required(field: &'static str, s: &str) -> Result<String, LedgerError> {
    if s.is_empty() {
        return Err(LedgerError::invalid(field, "is empty; every row needs one"));
    }
    Ok(s.to_string())
}

fn date(s: &str) -> Result<NaiveDate, LedgerError> {
    roundbook_ledger::calendar::date("date", s)
}

fn shares(s: &str) -> Result<u64, LedgerError> {
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
        return Err(LedgerError::invalid(
            "shares",
            format!("'{s}' is not a whole number of shares (digits only, e.g. 1000000)"),
        ));
    }
    match s.parse::<u64>() {
        Ok(0) => Err(LedgerError::invalid("shares", "must be at least 1")),
        Ok(n) if n <= MAX_SHARES => Ok(n),
        _ => Err(LedgerError::invalid(
            "shares",
            format!("'{s}' is more than the {MAX_SHARES} shares one entry may move"),
        )),
    }
}

fn price(s: &str) -> Result<Decimal, LedgerError> {
    let d = parse_decimal("price_per_share", s)?;
    if d.is_sign_negative() {
        return Err(LedgerError::invalid(
            "price_per_share",
            format!("'{s}' is negative"),
        ));
    }
    if d.scale() > MAX_PRICE_DECIMALS {
        return Err(LedgerError::invalid(
            "price_per_share",
            format!(
                "'{s}' has {} decimal places; at most {MAX_PRICE_DECIMALS} are kept",
                d.scale()
            ),
        ));
    }
    Ok(d)
}

fn holder_kind(s: &str) -> Result<StakeholderKind, LedgerError> {
    match s.to_ascii_lowercase().as_str() {
        "individual" => Ok(StakeholderKind::Individual),
        "institution" => Ok(StakeholderKind::Institution),
        _ => Err(LedgerError::invalid(
            "holder_kind",
            format!("'{s}' is not individual or institution"),
        )),
    }
}

fn class_kind(s: &str) -> Result<ClassKind, LedgerError> {
    match s.to_ascii_lowercase().as_str() {
        "common" => Ok(ClassKind::Common),
        "preferred" => Ok(ClassKind::Preferred),
        _ => Err(LedgerError::invalid(
            "class_kind",
            format!("'{s}' is not common or preferred"),
        )),
    }
}

/// Roles separated by semicolons ("founder; board"): a comma would need quoting.
fn roles(s: &str) -> Result<Vec<Relationship>, LedgerError> {
    s.split(';')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| {
            Relationship::parse(&r.to_ascii_lowercase()).ok_or_else(|| {
                LedgerError::invalid(
                    "roles",
                    format!("'{r}' is not one of founder, employee, investor, advisor, board"),
                )
            })
        })
        .collect()
}

/// Adds the rows to the book: holders and classes it lacks, then one issuance per row.
/// Every error names the file and line; the caller's transaction undoes everything.
pub fn apply(
    book: &mut Book,
    file: &str,
    rows: &[CapTableRow],
) -> Result<ImportSummary, LedgerError> {
    let mark = book.mark();
    let first_entry = book.entries().last().map_or(1, |e| e.id.0 + 1);
    let mut summary = ImportSummary::default();
    for row in rows {
        apply_row(book, file, row, &mut summary).map_err(|e| e.at(&place(file, row.line)))?;
    }
    // The whole history is checked here too, so a conflict names its line.
    book.check_entries(mark).map_err(|(id, e)| {
        let row = id.and_then(|id| rows.get(usize::try_from(id.0 - first_entry).ok()?));
        match row {
            Some(r) => e.at(&place(file, r.line)),
            None => e.at(file),
        }
    })?;
    summary.issuances = rows.len();
    Ok(summary)
}

fn apply_row(
    book: &mut Book,
    file: &str,
    row: &CapTableRow,
    summary: &mut ImportSummary,
) -> Result<(), LedgerError> {
    let currency = book.company.currency;
    let price = row.price_per_share.map(|p| Money::new(p, currency));
    let holder = match book.find_stakeholder("holder", &row.holder) {
        Ok(id) => {
            let known = book.stakeholder(id).map(|s| s.kind);
            if let (Some(given), Some(known)) = (row.holder_kind, known) {
                if given != known {
                    return Err(LedgerError::conflict(
                        "holder_kind",
                        format!("{} is in the book as {known:?}, not {given:?}", row.holder)
                            .to_lowercase(),
                    ));
                }
            }
            id
        }
        Err(_) => {
            summary.new_holders.push(row.holder.clone());
            book.add_stakeholder(NewStakeholder {
                name: row.holder.clone(),
                kind: row.holder_kind.unwrap_or(StakeholderKind::Individual),
                relationships: row.roles.clone(),
                provenance: Provenance::Recorded,
                note: Some(format!("imported from {file}")),
            })?
        }
    };
    let class = match book.find_class("class", &row.class) {
        Ok(id) => {
            let known = book.class(id).map(|c| c.kind);
            if let (Some(given), Some(known)) = (row.class_kind, known) {
                if given != known {
                    return Err(LedgerError::conflict(
                        "class_kind",
                        format!("{} is in the book as {known:?}, not {given:?}", row.class)
                            .to_lowercase(),
                    ));
                }
            }
            id
        }
        Err(_) => {
            let new = match row.class_kind {
                Some(ClassKind::Common) => NewClass::common(&row.class, None),
                Some(ClassKind::Preferred) if price.is_some() => {
                    NewClass::for_round(book, &row.class, price, None)
                }
                Some(ClassKind::Preferred) => {
                    return Err(LedgerError::invalid(
                        "price_per_share",
                        format!(
                            "a new preferred class ({}) takes its original issue price from the first row's price_per_share, which is empty",
                            row.class
                        ),
                    ))
                }
                None => {
                    return Err(LedgerError::unknown(
                        "class_kind",
                        format!(
                            "class '{}' is not in the book; give class_kind (common or preferred) to create it",
                            row.class
                        ),
                    ))
                }
            };
            summary.new_classes.push(row.class.clone());
            book.add_class(new)?
        }
    };
    let memo = row
        .memo
        .clone()
        .unwrap_or_else(|| format!("imported from {file} line {}", row.line));
    book.record(
        row.date,
        Movement::StockIssuance {
            holder,
            class,
            shares: row.shares,
            price_per_share: price,
            round: None,
        },
        Some(memo),
        Provenance::Recorded,
    )?;
    Ok(())
}
