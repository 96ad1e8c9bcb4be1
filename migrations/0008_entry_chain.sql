-- The journal's hash chain: each entry's SHA-256 over the one before and the entry's row as
-- stored (crates/store/src/chain.rs), so a change made outside Roundbook (an edited amount, a
-- removed, reordered or added row) is found by `roundbook check`, naming the first entry that
-- differs. Existing books are chained once, when this migration runs.
CREATE TABLE entry_chain (
    entry_id INTEGER PRIMARY KEY REFERENCES transactions (id),
    hash     TEXT NOT NULL CHECK (length(hash) = 64)
);

CREATE TRIGGER entry_chain_no_update BEFORE UPDATE ON entry_chain
BEGIN SELECT RAISE(ABORT, 'roundbook: entry_chain is append-only'); END;
CREATE TRIGGER entry_chain_no_delete BEFORE DELETE ON entry_chain
BEGIN SELECT RAISE(ABORT, 'roundbook: entry_chain is append-only'); END;
CREATE TRIGGER entry_chain_no_replace BEFORE INSERT ON entry_chain
WHEN EXISTS (SELECT 1 FROM entry_chain WHERE entry_id = NEW.entry_id)
BEGIN SELECT RAISE(ABORT, 'roundbook: entry_chain is append-only; a recorded row is never replaced'); END;
