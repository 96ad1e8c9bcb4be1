-- Schema 4: Monte Carlo scenarios and runs, append-only like everything else.
-- A scenario is stored once per distinct text (its SHA-256); each run names its scenario, seed,
-- paths, backend and engine, and keeps its summary as JSON (the shape `roundbook simulate --json`
-- prints). Floats live only here and in the engine: money in the ledger stays decimal text.

CREATE TABLE sim_scenarios (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT NOT NULL UNIQUE,
    text        TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);

CREATE TABLE sim_runs (
    id             INTEGER PRIMARY KEY,
    scenario_id    INTEGER NOT NULL REFERENCES sim_scenarios (id),
    seed           TEXT NOT NULL,      -- u64 as text: SQLite integers are signed
    paths          INTEGER NOT NULL CHECK (paths > 0),
    horizon_months INTEGER NOT NULL CHECK (horizon_months > 0),
    backend        TEXT NOT NULL,
    adapter        TEXT,
    engine_version TEXT NOT NULL,
    seconds        REAL NOT NULL,
    summary        TEXT NOT NULL,      -- JSON
    recorded_at    TEXT NOT NULL
);

CREATE TRIGGER sim_scenarios_no_update BEFORE UPDATE ON sim_scenarios
BEGIN SELECT RAISE(ABORT, 'roundbook: scenarios are append-only'); END;
CREATE TRIGGER sim_scenarios_no_delete BEFORE DELETE ON sim_scenarios
BEGIN SELECT RAISE(ABORT, 'roundbook: scenarios are append-only'); END;
CREATE TRIGGER sim_runs_no_update BEFORE UPDATE ON sim_runs
BEGIN SELECT RAISE(ABORT, 'roundbook: runs are append-only'); END;
CREATE TRIGGER sim_runs_no_delete BEFORE DELETE ON sim_runs
BEGIN SELECT RAISE(ABORT, 'roundbook: runs are append-only'); END;
