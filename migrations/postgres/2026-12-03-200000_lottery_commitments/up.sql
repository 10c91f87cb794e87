-- A lottery nobody can steer (issue 18, item 3). For every day on which an instrument
-- allocated by order of receipt is open, a seed is drawn from the operating system's
-- random source before the day begins, and its SHA-256 (the commitment) is published.
-- The seed stays secret until the day is allocated; it can never be replaced: the
-- database refuses every change and every removal.
CREATE TABLE lottery_commitments (
    instrument_id  TEXT NOT NULL REFERENCES instruments(id),
    day            DATE NOT NULL,
    seed           TEXT NOT NULL,
    commitment     TEXT NOT NULL,
    drawn_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (instrument_id, day)
);

-- Allocation that runs by itself (issue 18, item 4): one row per instrument and Amsterdam
-- day that `serve` allocated. The row is inserted first, in the same transaction as the
-- run: the unique key is the lock across processes (a second process waits for the first
-- and then finds the day taken), and a process that dies mid-run leaves neither the row
-- nor the run. No foreign key to the run: the row is written before the run it names.
CREATE TABLE allocation_days (
    instrument_id  TEXT NOT NULL REFERENCES instruments(id),
    day            DATE NOT NULL,
    status         TEXT NOT NULL,
    run_id         TEXT NOT NULL,
    claimed_by     TEXT NOT NULL,
    claimed_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (instrument_id, day)
);

-- The seeds a run revealed, one per day whose lot it drew with a committed seed.
CREATE TABLE allocation_run_seeds (
    run_id         TEXT NOT NULL REFERENCES allocation_runs(id),
    day            DATE NOT NULL,
    seed           TEXT NOT NULL,
    commitment     TEXT NOT NULL,
    PRIMARY KEY (run_id, day)
);
CREATE INDEX allocation_run_seeds_day ON allocation_run_seeds (day);

-- Where a run's seed came from: 'committed' (the days' commitments, in
-- allocation_run_seeds), 'caller' (chosen by whoever started it; tests and the demo
-- only), 'drawn' (drawn when the run started: a ranking). Runs from before this
-- migration did not record it.
ALTER TABLE allocation_runs ADD COLUMN seed_source TEXT NOT NULL DEFAULT 'unrecorded';
-- The day an automatic run allocated; NULL for a run started by hand.
ALTER TABLE allocation_runs ADD COLUMN day DATE;
CREATE TRIGGER lottery_commitments_append_only BEFORE UPDATE OR DELETE ON lottery_commitments
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER allocation_run_seeds_append_only BEFORE UPDATE ON allocation_run_seeds
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
