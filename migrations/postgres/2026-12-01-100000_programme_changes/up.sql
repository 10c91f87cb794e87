-- The history of a programme's configuration as administrators change it between
-- seeds: who changed what, when, from which value to which, and why.
CREATE TABLE programme_changes (
    id             BIGSERIAL PRIMARY KEY,
    programme_id   TEXT NOT NULL REFERENCES programmes(id),
    instrument_id  TEXT REFERENCES instruments(id),
    at             TIMESTAMP NOT NULL,
    actor_id       TEXT,
    change         TEXT NOT NULL,
    old_value      TEXT,
    new_value      TEXT NOT NULL,
    reason         TEXT
);
CREATE INDEX programme_changes_programme ON programme_changes (programme_id, id);
