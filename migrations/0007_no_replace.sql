-- Append-only against REPLACE too. `INSERT OR REPLACE` (and `REPLACE INTO`) resolves a conflict
-- by deleting the old row, and SQLite fires no DELETE trigger for that delete (unless the
-- connection turned recursive_triggers on), so the no_delete triggers let a recorded row be
-- changed from plain SQL. A BEFORE INSERT trigger runs before the conflict is resolved: it
-- refuses any insert that would meet an existing row on its id or on one of its unique keys.

CREATE TRIGGER company_no_replace BEFORE INSERT ON company
WHEN EXISTS (SELECT 1 FROM company WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'roundbook: company are append-only; a recorded row is never replaced'); END;

CREATE TRIGGER stakeholders_no_replace BEFORE INSERT ON stakeholders
WHEN EXISTS (SELECT 1 FROM stakeholders WHERE id = NEW.id OR name = NEW.name)
BEGIN SELECT RAISE(ABORT, 'roundbook: stakeholders are append-only; a recorded row is never replaced'); END;

CREATE TRIGGER share_classes_no_replace BEFORE INSERT ON share_classes
WHEN EXISTS (SELECT 1 FROM share_classes WHERE id = NEW.id OR name = NEW.name)
BEGIN SELECT RAISE(ABORT, 'roundbook: share_classes are append-only; a recorded row is never replaced'); END;

CREATE TRIGGER equity_plans_no_replace BEFORE INSERT ON equity_plans
WHEN EXISTS (SELECT 1 FROM equity_plans WHERE id = NEW.id OR name = NEW.name)
BEGIN SELECT RAISE(ABORT, 'roundbook: equity_plans are append-only; a recorded row is never replaced'); END;

CREATE TRIGGER rounds_no_replace BEFORE INSERT ON rounds
WHEN EXISTS (SELECT 1 FROM rounds WHERE id = NEW.id OR name = NEW.name)
BEGIN SELECT RAISE(ABORT, 'roundbook: rounds are append-only; a recorded row is never replaced'); END;

CREATE TRIGGER valuations_no_replace BEFORE INSERT ON valuations
WHEN EXISTS (SELECT 1 FROM valuations WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'roundbook: valuations are append-only; a recorded row is never replaced'); END;

CREATE TRIGGER transactions_no_replace BEFORE INSERT ON transactions
WHEN EXISTS (SELECT 1 FROM transactions WHERE id = NEW.id OR (NEW.kind = 'reversal' AND kind = 'reversal' AND ref_id = NEW.ref_id))
BEGIN SELECT RAISE(ABORT, 'roundbook: transactions are append-only; a recorded row is never replaced'); END;

CREATE TRIGGER book_settings_no_replace BEFORE INSERT ON book_settings
WHEN EXISTS (SELECT 1 FROM book_settings WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'roundbook: book_settings are append-only; a recorded row is never replaced'); END;

CREATE TRIGGER gpu_orders_no_replace BEFORE INSERT ON gpu_orders
WHEN EXISTS (SELECT 1 FROM gpu_orders WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'roundbook: gpu_orders are append-only; a recorded row is never replaced'); END;

CREATE TRIGGER gpu_deliveries_no_replace BEFORE INSERT ON gpu_deliveries
WHEN EXISTS (SELECT 1 FROM gpu_deliveries WHERE id = NEW.id OR (order_id = NEW.order_id AND month = NEW.month))
BEGIN SELECT RAISE(ABORT, 'roundbook: gpu_deliveries are append-only; a recorded row is never replaced'); END;

CREATE TRIGGER compute_facility_no_replace BEFORE INSERT ON compute_facility
WHEN EXISTS (SELECT 1 FROM compute_facility WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'roundbook: compute_facility are append-only; a recorded row is never replaced'); END;

CREATE TRIGGER compute_power_no_replace BEFORE INSERT ON compute_power
WHEN EXISTS (SELECT 1 FROM compute_power WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'roundbook: compute_power are append-only; a recorded row is never replaced'); END;

CREATE TRIGGER compute_depreciation_no_replace BEFORE INSERT ON compute_depreciation
WHEN EXISTS (SELECT 1 FROM compute_depreciation WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'roundbook: compute_depreciation are append-only; a recorded row is never replaced'); END;

CREATE TRIGGER compute_operating_no_replace BEFORE INSERT ON compute_operating
WHEN EXISTS (SELECT 1 FROM compute_operating WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'roundbook: compute_operating are append-only; a recorded row is never replaced'); END;

CREATE TRIGGER gpu_order_cancellations_no_replace BEFORE INSERT ON gpu_order_cancellations
WHEN EXISTS (SELECT 1 FROM gpu_order_cancellations WHERE id = NEW.id OR order_id = NEW.order_id)
BEGIN SELECT RAISE(ABORT, 'roundbook: gpu_order_cancellations are append-only; a recorded row is never replaced'); END;

CREATE TRIGGER sim_scenarios_no_replace BEFORE INSERT ON sim_scenarios
WHEN EXISTS (SELECT 1 FROM sim_scenarios WHERE id = NEW.id OR sha256 = NEW.sha256)
BEGIN SELECT RAISE(ABORT, 'roundbook: sim_scenarios are append-only; a recorded row is never replaced'); END;

CREATE TRIGGER sim_runs_no_replace BEFORE INSERT ON sim_runs
WHEN EXISTS (SELECT 1 FROM sim_runs WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'roundbook: sim_runs are append-only; a recorded row is never replaced'); END;

CREATE TRIGGER sim_scenario_names_no_replace BEFORE INSERT ON sim_scenario_names
WHEN EXISTS (SELECT 1 FROM sim_scenario_names WHERE id = NEW.id OR name = NEW.name)
BEGIN SELECT RAISE(ABORT, 'roundbook: sim_scenario_names are append-only; a recorded row is never replaced'); END;
