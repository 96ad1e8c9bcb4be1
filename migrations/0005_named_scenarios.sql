-- Schema 5: scenario files imported into the book under a name (`roundbook import scenario`).
-- The text itself is kept once in sim_scenarios (by its SHA-256, schema 4); a name points at
-- it. A name is given once and never moved to another text: import under a new name instead.

CREATE TABLE sim_scenario_names (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    scenario_id INTEGER NOT NULL REFERENCES sim_scenarios (id),
    source      TEXT,               -- the file it was imported from, as given
    recorded_at TEXT NOT NULL
);

CREATE TRIGGER sim_scenario_names_no_update BEFORE UPDATE ON sim_scenario_names
BEGIN SELECT RAISE(ABORT, 'roundbook: scenario names are append-only'); END;
CREATE TRIGGER sim_scenario_names_no_delete BEFORE DELETE ON sim_scenario_names
BEGIN SELECT RAISE(ABORT, 'roundbook: scenario names are append-only'); END;
