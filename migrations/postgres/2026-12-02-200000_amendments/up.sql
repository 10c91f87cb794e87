-- Amendments after a grant (issue 17, item 2): the grantee asks, reasoned, to raise or
-- lower the granted amount or to extend the accounting deadline; a reviewer decides
-- (four eyes for a raise above the instrument's limit). The decision is a decision
-- (Awb 1:3) with its own objection period.
CREATE TABLE amendments (
    id                TEXT PRIMARY KEY,
    application_id    TEXT NOT NULL REFERENCES applications(id),
    kind              TEXT NOT NULL,      -- verhoging, verlaging, verlenging
    state             TEXT NOT NULL,      -- ingediend, voorgesteld, toegekend, afgewezen, ingetrokken
    -- the grant asked for after the change (raise, lower), in cents
    amount_cents      BIGINT CHECK (amount_cents IS NULL OR amount_cents >= 0),
    -- the accounting deadline asked for (extension)
    accounting_due_on DATE,
    grounds           TEXT NOT NULL,
    submitted_at      TIMESTAMP NOT NULL,
    actor_id          TEXT,
    -- the first of four eyes, for a raise above the limit
    proposed_by       TEXT,
    decided_at        TIMESTAMP,
    decided_by        TEXT,
    motivation        TEXT,
    -- the grant before the decision, in cents
    previous_cents    BIGINT,
    objection_due_on  DATE
);
CREATE INDEX amendments_application ON amendments (application_id, submitted_at);
