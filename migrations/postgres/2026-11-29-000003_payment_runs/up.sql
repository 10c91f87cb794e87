-- Payment runs (betaalrondes) on PostgreSQL, for crates/service/src/payments.rs.
--
-- A run takes every due payment (advance or remainder, state 'gepland', due on or before
-- up_to) in one conditional UPDATE of payments (state 'in_betaalronde', run_id set), so a
-- payment is never in two runs. The run keeps a snapshot of every transfer as it went
-- into the SEPA file (payment_run_items): the file of a run can be written again byte for
-- byte, whatever happens to the organisation's name or IBAN later. Recoveries
-- (terugvorderingen) are receivables and never enter a run.

CREATE TABLE payment_runs (
    id              TEXT PRIMARY KEY,
    message_id      TEXT NOT NULL UNIQUE,     -- SEPA MsgId, at most 35 characters
    created_at      TIMESTAMP NOT NULL,       -- UTC; the file's CreDtTm (in Dutch time)
    up_to           DATE NOT NULL,            -- payments due on or before this day
    execution_date  DATE NOT NULL,            -- SEPA ReqdExctnDt
    payment_count   BIGINT NOT NULL CHECK (payment_count > 0),
    total_cents     BIGINT NOT NULL CHECK (total_cents > 0),
    state           TEXT NOT NULL CHECK (state IN ('aangemaakt', 'betaald')),
    actor_id        TEXT,
    paid_at         TIMESTAMP
);
CREATE INDEX payment_runs_created ON payment_runs (created_at);

CREATE TABLE payment_run_items (
    run_id                 TEXT NOT NULL REFERENCES payment_runs(id),
    payment_id             TEXT NOT NULL REFERENCES payments(id),
    reference              TEXT NOT NULL,     -- the payment reference: SEPA EndToEndId
    kind                   TEXT NOT NULL,     -- voorschot, restant
    amount_cents           BIGINT NOT NULL CHECK (amount_cents > 0),
    instrument_id          TEXT NOT NULL,
    region_id              TEXT NOT NULL,
    application_reference  TEXT NOT NULL,
    creditor_name          TEXT NOT NULL,
    creditor_iban          TEXT NOT NULL,
    failed_at              TIMESTAMP,         -- the bank refused this transfer
    failure_reason         TEXT,
    PRIMARY KEY (run_id, payment_id)
);

-- Selecting a run's payments, and paging through them by id.
CREATE INDEX payments_run ON payments (run_id, id);
-- Paging through the paid payments by id for the disbursement report: without it the
-- planner takes payments_due (state, due_on) and sorts every page.
CREATE INDEX payments_state_id ON payments (state, id);
