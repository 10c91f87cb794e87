DROP INDEX IF EXISTS outbox_application;
