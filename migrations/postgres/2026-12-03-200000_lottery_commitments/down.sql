ALTER TABLE allocation_runs DROP COLUMN day;
ALTER TABLE allocation_runs DROP COLUMN seed_source;
DROP TRIGGER IF EXISTS allocation_run_seeds_append_only ON allocation_run_seeds;
DROP TRIGGER IF EXISTS lottery_commitments_append_only ON lottery_commitments;
DROP INDEX IF EXISTS allocation_run_seeds_day;
DROP TABLE IF EXISTS allocation_run_seeds;
DROP TABLE IF EXISTS allocation_days;
DROP TABLE IF EXISTS lottery_commitments;
