-- Schema 3: the compute plan (docs/compute.md). Append-only like everything else.
-- Money is decimal text in the company's currency (never REAL, never SUM()ed in SQL);
-- ratios and rates are decimal text too. Dates are ISO-8601 text; a month is its first day.

CREATE TABLE gpu_orders (
    id          INTEGER PRIMARY KEY,
    model       TEXT NOT NULL,
    vendor      TEXT NOT NULL,
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    unit_price  TEXT NOT NULL,
    ordered     TEXT NOT NULL,
    round_id    INTEGER REFERENCES rounds (id),   -- use of proceeds
    provenance  TEXT NOT NULL CHECK (provenance IN ('recorded', 'public', 'illustrative')),
    note        TEXT,
    recorded_at TEXT NOT NULL
);

CREATE TABLE gpu_deliveries (
    id       INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES gpu_orders (id),
    month    TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    UNIQUE (order_id, month)
);

-- The terms: one table per group; the latest row of a group is in force.
CREATE TABLE compute_facility (
    id          INTEGER PRIMARY KEY,
    infra_ratio TEXT NOT NULL,
    capex       TEXT NOT NULL,
    capex_month TEXT,
    provenance  TEXT NOT NULL CHECK (provenance IN ('recorded', 'public', 'illustrative')),
    note        TEXT,
    recorded_at TEXT NOT NULL
);

CREATE TABLE compute_power (
    id              INTEGER PRIMARY KEY,
    kw_per_gpu      TEXT NOT NULL,
    pue             TEXT NOT NULL,
    usd_per_kwh     TEXT NOT NULL,
    hours_per_month TEXT NOT NULL,
    provenance      TEXT NOT NULL CHECK (provenance IN ('recorded', 'public', 'illustrative')),
    note            TEXT,
    recorded_at     TEXT NOT NULL
);

CREATE TABLE compute_depreciation (
    id          INTEGER PRIMARY KEY,
    years       INTEGER NOT NULL CHECK (years > 0),
    provenance  TEXT NOT NULL CHECK (provenance IN ('recorded', 'public', 'illustrative')),
    note        TEXT,
    recorded_at TEXT NOT NULL
);

CREATE TABLE compute_operating (
    id                    INTEGER PRIMARY KEY,
    opening_cash          TEXT NOT NULL,
    cash_month            TEXT,
    burn_per_month        TEXT NOT NULL,
    burn_growth_annual    TEXT NOT NULL,
    revenue_per_month     TEXT NOT NULL,
    revenue_growth_annual TEXT NOT NULL,
    provenance            TEXT NOT NULL CHECK (provenance IN ('recorded', 'public', 'illustrative')),
    note                  TEXT,
    recorded_at           TEXT NOT NULL
);

CREATE TRIGGER gpu_orders_no_update BEFORE UPDATE ON gpu_orders
BEGIN SELECT RAISE(ABORT, 'roundbook: GPU orders are append-only'); END;
CREATE TRIGGER gpu_orders_no_delete BEFORE DELETE ON gpu_orders
BEGIN SELECT RAISE(ABORT, 'roundbook: GPU orders are append-only'); END;
CREATE TRIGGER gpu_deliveries_no_update BEFORE UPDATE ON gpu_deliveries
BEGIN SELECT RAISE(ABORT, 'roundbook: GPU deliveries are append-only'); END;
CREATE TRIGGER gpu_deliveries_no_delete BEFORE DELETE ON gpu_deliveries
BEGIN SELECT RAISE(ABORT, 'roundbook: GPU deliveries are append-only'); END;
CREATE TRIGGER compute_facility_no_update BEFORE UPDATE ON compute_facility
BEGIN SELECT RAISE(ABORT, 'roundbook: compute terms are append-only; set new terms instead'); END;
CREATE TRIGGER compute_facility_no_delete BEFORE DELETE ON compute_facility
BEGIN SELECT RAISE(ABORT, 'roundbook: compute terms are append-only; set new terms instead'); END;
CREATE TRIGGER compute_power_no_update BEFORE UPDATE ON compute_power
BEGIN SELECT RAISE(ABORT, 'roundbook: compute terms are append-only; set new terms instead'); END;
CREATE TRIGGER compute_power_no_delete BEFORE DELETE ON compute_power
BEGIN SELECT RAISE(ABORT, 'roundbook: compute terms are append-only; set new terms instead'); END;
CREATE TRIGGER compute_depreciation_no_update BEFORE UPDATE ON compute_depreciation
BEGIN SELECT RAISE(ABORT, 'roundbook: compute terms are append-only; set new terms instead'); END;
CREATE TRIGGER compute_depreciation_no_delete BEFORE DELETE ON compute_depreciation
BEGIN SELECT RAISE(ABORT, 'roundbook: compute terms are append-only; set new terms instead'); END;
CREATE TRIGGER compute_operating_no_update BEFORE UPDATE ON compute_operating
BEGIN SELECT RAISE(ABORT, 'roundbook: compute terms are append-only; set new terms instead'); END;
CREATE TRIGGER compute_operating_no_delete BEFORE DELETE ON compute_operating
BEGIN SELECT RAISE(ABORT, 'roundbook: compute terms are append-only; set new terms instead'); END;

-- A cancelled order: the correction for an order entered by mistake or called off. The order's
-- row stays; the plan leaves it out from then on. An order is cancelled at most once.
CREATE TABLE gpu_order_cancellations (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL UNIQUE REFERENCES gpu_orders (id),
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    recorded_at TEXT NOT NULL
);

CREATE TRIGGER gpu_order_cancellations_no_update BEFORE UPDATE ON gpu_order_cancellations
BEGIN SELECT RAISE(ABORT, 'roundbook: order cancellations are append-only'); END;
CREATE TRIGGER gpu_order_cancellations_no_delete BEFORE DELETE ON gpu_order_cancellations
BEGIN SELECT RAISE(ABORT, 'roundbook: order cancellations are append-only'); END;
