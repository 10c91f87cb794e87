-- subsidie: initial schema (SQLite). Money is in whole euro-cents (BIGINT).
-- Keep this file and ../../postgres/<same name>/up.sql in step: one set of queries runs on both.

CREATE TABLE programmes (
    id              TEXT PRIMARY KEY,            -- the programme code
    name            TEXT NOT NULL,
    funder          TEXT NOT NULL,
    envelope_cents  BIGINT NOT NULL CHECK (envelope_cents > 0),
    starts_on       DATE NOT NULL,
    ends_on         DATE NOT NULL,
    created_at      TIMESTAMP NOT NULL
);

-- One row per instrument; it is also the budget row that every reservation and grant
-- updates under a row lock, so its CHECK is the last line of defence for the ceiling.
CREATE TABLE instruments (
    id                      TEXT PRIMARY KEY,
    programme_id            TEXT NOT NULL REFERENCES programmes(id),
    code                    TEXT NOT NULL,
    name                    TEXT NOT NULL,
    kind                    TEXT NOT NULL,
    policy                  TEXT NOT NULL,
    uniqueness              TEXT NOT NULL,
    min_cents               BIGINT NOT NULL,
    max_cents               BIGINT NOT NULL,
    fixed_amount            BOOLEAN NOT NULL,
    opens_on                DATE NOT NULL,
    closes_on               DATE NOT NULL,
    advance_percent         INTEGER NOT NULL CHECK (advance_percent BETWEEN 0 AND 100),
    decision_term_weeks     INTEGER NOT NULL,
    supplement_term_days    INTEGER NOT NULL,
    four_eyes_above_cents   BIGINT,
    accounting_deadline     DATE,
    waitlist_closed         BOOLEAN NOT NULL DEFAULT FALSE,
    ceiling_cents           BIGINT NOT NULL CHECK (ceiling_cents > 0),
    reserved_cents          BIGINT NOT NULL DEFAULT 0,
    granted_cents           BIGINT NOT NULL DEFAULT 0,
    settled_cents           BIGINT NOT NULL DEFAULT 0,
    paid_cents              BIGINT NOT NULL DEFAULT 0,
    recovered_cents         BIGINT NOT NULL DEFAULT 0,
    UNIQUE (programme_id, code),
    CHECK (reserved_cents >= 0 AND granted_cents >= 0 AND settled_cents >= 0
           AND paid_cents >= 0 AND recovered_cents >= 0),
    CHECK (settled_cents <= granted_cents),
    CHECK (reserved_cents + granted_cents <= ceiling_cents)
);

CREATE TABLE regions (
    id           TEXT PRIMARY KEY,               -- the region code
    name         TEXT NOT NULL,
    inhabitants  BIGINT NOT NULL CHECK (inhabitants >= 0)
);

CREATE TABLE disciplines (
    id    TEXT PRIMARY KEY,                      -- the discipline code
    name  TEXT NOT NULL
);

CREATE TABLE organisations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    region_id   TEXT NOT NULL REFERENCES regions(id),
    iban        TEXT NOT NULL,
    email       TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    email            TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('aanvrager', 'beoordelaar', 'financien', 'beheerder')),
    organisation_id  TEXT REFERENCES organisations(id),
    created_at       TIMESTAMP NOT NULL,
    CHECK ((role = 'aanvrager') = (organisation_id IS NOT NULL))
);

CREATE TABLE api_tokens (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    token_hash  TEXT NOT NULL UNIQUE,            -- SHA-256 of the token; the token itself is never stored
    label       TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);

CREATE TABLE conflicts_of_interest (
    user_id     TEXT NOT NULL REFERENCES users(id),
    region_id   TEXT NOT NULL REFERENCES regions(id),
    declared_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, region_id)
);

CREATE TABLE applications (
    id                   TEXT PRIMARY KEY,
    reference            TEXT NOT NULL UNIQUE,
    instrument_id        TEXT NOT NULL REFERENCES instruments(id),
    organisation_id      TEXT NOT NULL REFERENCES organisations(id),
    region_id            TEXT NOT NULL REFERENCES regions(id),
    discipline_id        TEXT REFERENCES disciplines(id),
    -- Set while the application counts against the instrument's uniqueness rule;
    -- cleared when it ends without money (rejected, withdrawn, not considered).
    uniqueness_key       TEXT UNIQUE,
    state                TEXT NOT NULL,
    title                TEXT NOT NULL,
    description          TEXT NOT NULL,
    requested_cents      BIGINT NOT NULL CHECK (requested_cents >= 0),
    reserved_cents       BIGINT NOT NULL DEFAULT 0 CHECK (reserved_cents >= 0),
    granted_cents        BIGINT NOT NULL DEFAULT 0 CHECK (granted_cents >= 0),
    settled_cents        BIGINT CHECK (settled_cents >= 0),
    score                INTEGER CHECK (score BETWEEN 0 AND 100),
    received_at          TIMESTAMP,
    received_day         DATE,
    decision_due_on      DATE,
    supplement_request   TEXT,
    supplement_due_on    DATE,
    decided_at           TIMESTAMP,
    decision_motivation  TEXT,
    objection_due_on     DATE,
    waitlist_position    INTEGER,
    grant_proposed_by    TEXT REFERENCES users(id),
    grant_proposed_cents BIGINT,
    version              BIGINT NOT NULL DEFAULT 1,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    CHECK (granted_cents = 0 OR reserved_cents = 0)
);
CREATE INDEX applications_instrument_state ON applications (instrument_id, state);
CREATE INDEX applications_organisation ON applications (organisation_id);

CREATE TABLE application_history (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id  TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    at              TIMESTAMP NOT NULL,
    actor_id        TEXT,
    command         TEXT NOT NULL,
    from_state      TEXT,
    to_state        TEXT NOT NULL,
    reason          TEXT
);
CREATE INDEX application_history_application ON application_history (application_id, id);

CREATE TABLE ledger_entries (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    instrument_id    TEXT NOT NULL REFERENCES instruments(id),
    application_id   TEXT REFERENCES applications(id),
    kind             TEXT NOT NULL,
    reserved_delta   BIGINT NOT NULL,
    granted_delta    BIGINT NOT NULL,
    settled_delta    BIGINT NOT NULL,
    paid_delta       BIGINT NOT NULL,
    recovered_delta  BIGINT NOT NULL,
    at               TIMESTAMP NOT NULL,
    actor_id         TEXT
);
CREATE INDEX ledger_entries_instrument ON ledger_entries (instrument_id);

CREATE TABLE allocation_runs (
    id                     TEXT PRIMARY KEY,
    instrument_id          TEXT NOT NULL REFERENCES instruments(id),
    policy                 TEXT NOT NULL,
    seed                   TEXT NOT NULL,
    lottery_days           TEXT NOT NULL,    -- comma-separated ISO dates that went to lot
    available_before_cents BIGINT NOT NULL,
    reserved_total_cents   BIGINT NOT NULL,
    actor_id               TEXT,
    at                     TIMESTAMP NOT NULL
);

CREATE TABLE allocation_placements (
    run_id          TEXT NOT NULL REFERENCES allocation_runs(id),
    position        INTEGER NOT NULL,
    application_id  TEXT NOT NULL REFERENCES applications(id),
    reference       TEXT NOT NULL,
    decision        TEXT NOT NULL,
    lot_key         TEXT,
    PRIMARY KEY (run_id, position)
);

CREATE TABLE payments (
    id              TEXT PRIMARY KEY,
    reference       TEXT NOT NULL UNIQUE,
    application_id  TEXT NOT NULL REFERENCES applications(id),
    instrument_id   TEXT NOT NULL REFERENCES instruments(id),
    kind            TEXT NOT NULL,           -- voorschot, restant, terugvordering
    amount_cents    BIGINT NOT NULL CHECK (amount_cents > 0),
    due_on          DATE NOT NULL,
    state           TEXT NOT NULL,           -- gepland, in_betaalronde, betaald, mislukt
    run_id          TEXT,
    created_at      TIMESTAMP NOT NULL,
    settled_at      TIMESTAMP
);
CREATE INDEX payments_due ON payments (state, due_on);

CREATE TABLE objections (
    id              TEXT PRIMARY KEY,
    application_id  TEXT NOT NULL REFERENCES applications(id),
    decision        TEXT NOT NULL,           -- the command of the decision objected to
    grounds         TEXT NOT NULL,
    submitted_at    TIMESTAMP NOT NULL,
    state           TEXT NOT NULL,           -- ingediend, gegrond, ongegrond
    actor_id        TEXT
);

CREATE TABLE outbox (
    id               TEXT PRIMARY KEY,       -- also the stable Message-ID
    application_id   TEXT REFERENCES applications(id) ON DELETE SET NULL,
    recipient        TEXT NOT NULL,
    template         TEXT NOT NULL,
    payload          TEXT NOT NULL,          -- JSON with the facts the template needs
    created_at       TIMESTAMP NOT NULL,
    due_at           TIMESTAMP NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    claimed_until    TIMESTAMP,
    sent_at          TIMESTAMP,
    failed_at        TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (sent_at, failed_at, due_at);

CREATE TABLE idempotency_keys (
    user_id          TEXT NOT NULL,
    key              TEXT NOT NULL,
    request_hash     TEXT NOT NULL,
    response_status  INTEGER NOT NULL,
    response_body    TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, key)
);

-- History and ledger are append-only: the database itself refuses to change them.
CREATE TRIGGER application_history_append_only BEFORE UPDATE ON application_history
BEGIN
    SELECT RAISE(ABORT, 'table application_history is append-only');
END;
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'table ledger_entries is append-only');
END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN
    SELECT RAISE(ABORT, 'table ledger_entries is append-only');
END;
