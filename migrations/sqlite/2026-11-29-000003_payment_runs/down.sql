DROP INDEX IF EXISTS payments_state_id;
DROP INDEX IF EXISTS payments_run;
DROP TABLE IF EXISTS payment_run_items;
DROP INDEX IF EXISTS payment_runs_created;
DROP TABLE IF EXISTS payment_runs;
