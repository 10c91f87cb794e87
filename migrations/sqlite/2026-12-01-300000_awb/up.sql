-- The Awb after the first decision (issue 17).

-- Mails withdrawn before they were sent because the state changed so that they no
-- longer apply (a waiver withdraws the accounting reminder). Moved out of the outbox,
-- so the dispatcher never sees them, and kept here with why, so nothing is lost.
CREATE TABLE outbox_cancelled (
    id              TEXT PRIMARY KEY,
    application_id  TEXT,
    recipient       TEXT NOT NULL,
    template        TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    cancelled_at    TIMESTAMP NOT NULL,
    reason          TEXT NOT NULL
);
CREATE INDEX outbox_cancelled_application ON outbox_cancelled (application_id);

-- Objections decided (Awb chapters 6 and 7): the decision term and its one extension
-- (7:10), the hearing (7:2), the chance to mend an omission (6:6), the outcome.
ALTER TABLE objections ADD COLUMN due_on DATE;
ALTER TABLE objections ADD COLUMN extended_at TIMESTAMP;
ALTER TABLE objections ADD COLUMN hearing TEXT;
ALTER TABLE objections ADD COLUMN mend_request TEXT;
ALTER TABLE objections ADD COLUMN mend_due_on DATE;
ALTER TABLE objections ADD COLUMN decided_at TIMESTAMP;
ALTER TABLE objections ADD COLUMN decided_by TEXT;
ALTER TABLE objections ADD COLUMN motivation TEXT;
-- One objection per decision: a later one for the same decision is further grounds.
CREATE INDEX objections_application ON objections (application_id, decision);
