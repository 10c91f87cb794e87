-- Rounds of an instrument (issue 18, item 1): each with its window in Amsterdam
-- wall-clock time as the programme file gives it (the closing second included) and
-- optionally its own ceiling within the instrument's. An instrument's opens_on/closes_on
-- stay as the dates from the first round's opening to the last one's closing.
CREATE TABLE instrument_rounds (
    instrument_id     TEXT NOT NULL REFERENCES instruments(id),
    code              TEXT NOT NULL,
    position          INTEGER NOT NULL,
    name              TEXT NOT NULL,
    opens_local       TIMESTAMP NOT NULL,
    closes_local      TIMESTAMP NOT NULL,
    ceiling_cents     BIGINT CHECK (ceiling_cents > 0),
    carry_over        BOOLEAN NOT NULL DEFAULT FALSE,
    only_unfunded_in  TEXT,
    PRIMARY KEY (instrument_id, code),
    CHECK (closes_local > opens_local)
);
-- Every instrument so far had one window of whole days: that is its one round.
INSERT INTO instrument_rounds
    (instrument_id, code, position, name, opens_local, closes_local, ceiling_cents,
     carry_over, only_unfunded_in)
SELECT id, 'ronde-1', 1, 'Openstelling', opens_on || ' 00:00:00', closes_on || ' 23:59:59',
       NULL, FALSE, NULL
FROM instruments;
-- The round an application was submitted in; NULL while it is a draft.
ALTER TABLE applications ADD COLUMN round_code TEXT;
UPDATE applications SET round_code = 'ronde-1' WHERE received_at IS NOT NULL;
CREATE INDEX applications_round ON applications (instrument_id, round_code, state);
-- The round an allocation run placed.
ALTER TABLE allocation_runs ADD COLUMN round_code TEXT;
UPDATE allocation_runs SET round_code = 'ronde-1';
