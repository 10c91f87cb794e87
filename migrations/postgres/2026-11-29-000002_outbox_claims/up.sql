-- Claims on outbox rows, for the e-mail dispatcher (crates/notify).
--
-- A dispatcher claims due rows by writing a fresh random claim_token and a lease end in
-- claimed_until, in one short transaction; it sends them afterwards and marks each one
-- sent (or failed) only where the row still carries its token. A claim whose lease ran
-- out (the dispatcher crashed) may be taken over by another dispatcher: the mail is then
-- sent again with the same Message-ID, never lost.
ALTER TABLE outbox ADD COLUMN claim_token TEXT;

-- What the dispatcher looks for: rows neither sent nor failed, by due time.
CREATE INDEX outbox_pending ON outbox (due_at) WHERE sent_at IS NULL AND failed_at IS NULL;
-- What the admin looks at: failed rows.
CREATE INDEX outbox_failed ON outbox (failed_at) WHERE failed_at IS NOT NULL;
