DROP INDEX IF EXISTS outbox_failed;
DROP INDEX IF EXISTS outbox_pending;
ALTER TABLE outbox DROP COLUMN claim_token;
