-- Rounds (issue 18, item 1).
ALTER TABLE allocation_runs DROP COLUMN round_code;
DROP INDEX IF EXISTS applications_round;
ALTER TABLE applications DROP COLUMN round_code;
DROP TABLE instrument_rounds;
