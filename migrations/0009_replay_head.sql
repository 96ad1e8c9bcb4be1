-- The replay's head (crates/ledger/src/head.rs, crates/store/src/head.rs): the accounts the
-- journal's invariants read, as they stand after the last entry, so that an entry dated on or
-- after it is checked without loading and replaying the whole journal.
--
-- These tables are a cache derived from the journal, not recorded data: the store rewrites them
-- as entries are appended. `head.through` names the last entry they cover, with its chain hash;
-- when the journal has moved on without them (an entry recorded through a full replay, or by an
-- older build), they are stale and the next append rebuilds them from a full replay.
CREATE TABLE replay_head (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    through        INTEGER,
    through_hash   TEXT,
    last_effective TEXT
);
INSERT INTO replay_head (id) VALUES (1);

CREATE TABLE head_held (
    holder INTEGER NOT NULL,
    class  INTEGER NOT NULL,
    shares INTEGER NOT NULL,
    PRIMARY KEY (holder, class)
) WITHOUT ROWID;

CREATE TABLE head_grants (
    grant_id    INTEGER PRIMARY KEY,
    holder      INTEGER NOT NULL,
    plan        INTEGER NOT NULL,
    expires     TEXT,
    outstanding INTEGER NOT NULL
);
CREATE INDEX head_grants_expiring ON head_grants (expires) WHERE expires IS NOT NULL AND outstanding > 0;

CREATE TABLE head_plans (
    plan      INTEGER PRIMARY KEY,
    reserved  INTEGER NOT NULL,
    granted   INTEGER NOT NULL,
    exercised INTEGER NOT NULL,
    lapsed    INTEGER NOT NULL
);

-- authorized_set = 1 when an entry set the class's authorised shares (authorized NULL: no limit).
CREATE TABLE head_classes (
    class          INTEGER PRIMARY KEY,
    claimed        INTEGER NOT NULL,
    authorized_set INTEGER NOT NULL CHECK (authorized_set IN (0, 1)),
    authorized     INTEGER
);

CREATE TABLE head_convertibles (
    instrument INTEGER PRIMARY KEY,
    state      INTEGER NOT NULL
);
