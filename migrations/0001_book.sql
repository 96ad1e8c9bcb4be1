-- Roundbook book file, schema 1.
-- Forward-only: once landed, this file is never edited; later changes are new files.
-- Every table is append-only. Money is decimal text in the company's currency
-- (never REAL, never SUM()ed in SQL). Dates are ISO-8601 text; recorded_at is UTC RFC 3339.

CREATE TABLE company (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    name         TEXT NOT NULL,
    legal_name   TEXT NOT NULL,
    founded      TEXT NOT NULL,
    currency     TEXT NOT NULL CHECK (length(currency) = 3),
    jurisdiction TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);

CREATE TABLE stakeholders (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind          TEXT NOT NULL CHECK (kind IN ('individual', 'institution')),
    relationships TEXT NOT NULL,   -- comma-separated: founder,employee,investor,advisor,board
    provenance    TEXT NOT NULL CHECK (provenance IN ('recorded', 'public', 'illustrative')),
    note          TEXT,
    recorded_at   TEXT NOT NULL
);

CREATE TABLE share_classes (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind                 TEXT NOT NULL CHECK (kind IN ('common', 'preferred')),
    original_issue_price TEXT,
    preference_multiple  TEXT NOT NULL,
    participation        TEXT NOT NULL CHECK (participation IN ('none', 'full', 'capped')),
    participation_cap    TEXT,
    seniority            INTEGER NOT NULL,   -- higher is paid first (OCF order)
    conversion_ratio     TEXT NOT NULL,
    anti_dilution        TEXT NOT NULL,
    authorized           INTEGER CHECK (authorized IS NULL OR authorized > 0),
    provenance           TEXT NOT NULL,
    recorded_at          TEXT NOT NULL
);

CREATE TABLE equity_plans (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    class_id    INTEGER NOT NULL REFERENCES share_classes (id),
    adopted     TEXT NOT NULL,
    provenance  TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);

CREATE TABLE rounds (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE COLLATE NOCASE,
    date                TEXT NOT NULL,
    class_id            INTEGER NOT NULL REFERENCES share_classes (id),
    pre_money           TEXT NOT NULL,
    amount_raised       TEXT NOT NULL,
    post_money          TEXT NOT NULL,
    price_per_share     TEXT NOT NULL,
    pre_money_fd_shares INTEGER NOT NULL,
    lead_id             INTEGER REFERENCES stakeholders (id),
    rounding            TEXT NOT NULL,   -- the RoundingPolicy used, as JSON
    provenance          TEXT NOT NULL,   -- basis of the terms (pre-money, raised, post-money)
    price_provenance    TEXT NOT NULL,   -- basis of the price, share counts, lead, allocations
    note                TEXT,
    recorded_at         TEXT NOT NULL
);

CREATE TABLE valuations (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('409a', 'round-mark')),
    effective       TEXT NOT NULL,
    class_id        INTEGER NOT NULL REFERENCES share_classes (id),
    price_per_share TEXT NOT NULL,
    company_value   TEXT,
    provider        TEXT,
    round_id        INTEGER REFERENCES rounds (id),
    provenance      TEXT NOT NULL,
    recorded_at     TEXT NOT NULL
);

-- The journal. One row per movement; a correction is a 'reversal' row whose
-- ref_id names the entry it undoes. Columns used depend on kind (see store/src/rows.rs).
CREATE TABLE transactions (
    id              INTEGER PRIMARY KEY,
    effective       TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN (
                        'stock-issuance', 'option-grant', 'exercise', 'transfer',
                        'stock-cancellation', 'option-cancellation', 'repurchase',
                        'pool-increase', 'stock-conversion', 'convertible-issuance',
                        'convertible-conversion', 'conversion-ratio-adjustment', 'reversal')),
    holder_id       INTEGER REFERENCES stakeholders (id),
    counterparty_id INTEGER REFERENCES stakeholders (id),
    class_id        INTEGER REFERENCES share_classes (id),
    to_class_id     INTEGER REFERENCES share_classes (id),
    plan_id         INTEGER REFERENCES equity_plans (id),
    ref_id          INTEGER REFERENCES transactions (id),
    round_id        INTEGER REFERENCES rounds (id),
    quantity        INTEGER CHECK (quantity IS NULL OR quantity > 0),
    quantity2       INTEGER CHECK (quantity2 IS NULL OR quantity2 > 0),
    price           TEXT,
    expires         TEXT,
    terms           TEXT,   -- SAFE / note terms as JSON
    ratio           TEXT,   -- conversion-ratio-adjustment: the class's new conversion ratio, decimal text
    reason          TEXT,
    memo            TEXT,
    provenance      TEXT NOT NULL
);

-- An entry is reversed at most once, enforced by the database as well as the ledger.
CREATE UNIQUE INDEX transactions_one_reversal ON transactions (ref_id) WHERE kind = 'reversal';
CREATE INDEX transactions_effective ON transactions (effective);

-- Append-only, enforced by the database rather than by every caller.
CREATE TRIGGER company_no_update BEFORE UPDATE ON company
BEGIN SELECT RAISE(ABORT, 'roundbook: company is append-only'); END;
CREATE TRIGGER company_no_delete BEFORE DELETE ON company
BEGIN SELECT RAISE(ABORT, 'roundbook: company is append-only'); END;
CREATE TRIGGER stakeholders_no_update BEFORE UPDATE ON stakeholders
BEGIN SELECT RAISE(ABORT, 'roundbook: stakeholders are append-only'); END;
CREATE TRIGGER stakeholders_no_delete BEFORE DELETE ON stakeholders
BEGIN SELECT RAISE(ABORT, 'roundbook: stakeholders are append-only'); END;
CREATE TRIGGER share_classes_no_update BEFORE UPDATE ON share_classes
BEGIN SELECT RAISE(ABORT, 'roundbook: share classes are append-only'); END;
CREATE TRIGGER share_classes_no_delete BEFORE DELETE ON share_classes
BEGIN SELECT RAISE(ABORT, 'roundbook: share classes are append-only'); END;
CREATE TRIGGER equity_plans_no_update BEFORE UPDATE ON equity_plans
BEGIN SELECT RAISE(ABORT, 'roundbook: equity plans are append-only'); END;
CREATE TRIGGER equity_plans_no_delete BEFORE DELETE ON equity_plans
BEGIN SELECT RAISE(ABORT, 'roundbook: equity plans are append-only'); END;
CREATE TRIGGER rounds_no_update BEFORE UPDATE ON rounds
BEGIN SELECT RAISE(ABORT, 'roundbook: rounds are append-only'); END;
CREATE TRIGGER rounds_no_delete BEFORE DELETE ON rounds
BEGIN SELECT RAISE(ABORT, 'roundbook: rounds are append-only'); END;
CREATE TRIGGER valuations_no_update BEFORE UPDATE ON valuations
BEGIN SELECT RAISE(ABORT, 'roundbook: valuations are append-only'); END;
CREATE TRIGGER valuations_no_delete BEFORE DELETE ON valuations
BEGIN SELECT RAISE(ABORT, 'roundbook: valuations are append-only'); END;
CREATE TRIGGER transactions_no_update BEFORE UPDATE ON transactions
BEGIN SELECT RAISE(ABORT, 'roundbook: transactions are append-only; record a reversal instead'); END;
CREATE TRIGGER transactions_no_delete BEFORE DELETE ON transactions
BEGIN SELECT RAISE(ABORT, 'roundbook: transactions are append-only; record a reversal instead'); END;
