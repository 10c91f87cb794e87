-- The use cases look up an application's waiting mails (cancel_obsolete, on every
-- submission and decision). Without this index SQLite scanned every unsent mail, so a
-- submission slowed down as the outbox grew during an opening rush.
CREATE INDEX outbox_application ON outbox (application_id);
