-- Schema 2: book-level settings, append-only like everything else.
-- The latest row for a key is in force; earlier rows are its history.
-- key 'rounding': the default RoundingPolicy as JSON (docs/rounding.md).

CREATE TABLE book_settings (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL CHECK (key IN ('rounding')),
    value       TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);

CREATE TRIGGER book_settings_no_update BEFORE UPDATE ON book_settings
BEGIN SELECT RAISE(ABORT, 'roundbook: book settings are append-only; set a new value instead'); END;
CREATE TRIGGER book_settings_no_delete BEFORE DELETE ON book_settings
BEGIN SELECT RAISE(ABORT, 'roundbook: book settings are append-only; set a new value instead'); END;
