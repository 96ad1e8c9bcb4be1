-- Stock splits and authorised-share adjustments join the journal's kinds.
-- SQLite cannot change a CHECK constraint in place, so the journal table is rebuilt with
-- the same columns, rows, index and append-only triggers (https://sqlite.org/lang_altertable.html,
-- "Making Other Kinds Of Table Schema Changes"). The old table is renamed first so that the
-- rows' self-references (ref_id) move with it and the new table's point at the new table.
--
-- stock-split:                  class_id, quantity = numerator, quantity2 = denominator,
--                               terms = {"rounding": RoundingPolicy, "converting_classes": [id]}
-- authorized-shares-adjustment: class_id, quantity = the new authorised shares

DROP TRIGGER transactions_no_update;
DROP TRIGGER transactions_no_delete;
DROP INDEX transactions_one_reversal;
DROP INDEX transactions_effective;
ALTER TABLE transactions RENAME TO transactions_before_splits;

CREATE TABLE transactions (
    id              INTEGER PRIMARY KEY,
    effective       TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN (
                        'stock-issuance', 'option-grant', 'exercise', 'transfer',
                        'stock-cancellation', 'option-cancellation', 'repurchase',
                        'pool-increase', 'stock-conversion', 'convertible-issuance',
                        'convertible-conversion', 'conversion-ratio-adjustment', 'reversal',
                        'stock-split', 'authorized-shares-adjustment')),
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
    terms           TEXT,   -- SAFE / note terms, or a split's rounding and classes, as JSON
    ratio           TEXT,   -- conversion-ratio-adjustment: the class's new conversion ratio, decimal text
    reason          TEXT,
    memo            TEXT,
    provenance      TEXT NOT NULL
);

INSERT INTO transactions (id, effective, recorded_at, kind, holder_id, counterparty_id, class_id,
    to_class_id, plan_id, ref_id, round_id, quantity, quantity2, price, expires, terms, ratio,
    reason, memo, provenance)
SELECT id, effective, recorded_at, kind, holder_id, counterparty_id, class_id,
    to_class_id, plan_id, ref_id, round_id, quantity, quantity2, price, expires, terms, ratio,
    reason, memo, provenance
FROM transactions_before_splits ORDER BY id;

DROP TABLE transactions_before_splits;

CREATE UNIQUE INDEX transactions_one_reversal ON transactions (ref_id) WHERE kind = 'reversal';
CREATE INDEX transactions_effective ON transactions (effective);
CREATE TRIGGER transactions_no_update BEFORE UPDATE ON transactions
BEGIN SELECT RAISE(ABORT, 'roundbook: transactions are append-only; record a reversal instead'); END;
CREATE TRIGGER transactions_no_delete BEFORE DELETE ON transactions
BEGIN SELECT RAISE(ABORT, 'roundbook: transactions are append-only; record a reversal instead'); END;
