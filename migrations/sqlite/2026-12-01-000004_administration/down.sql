DROP TRIGGER IF EXISTS admin_history_no_delete;
DROP TRIGGER IF EXISTS admin_history_append_only;
DROP INDEX IF EXISTS admin_history_subject;
DROP TABLE IF EXISTS admin_history;
DROP INDEX IF EXISTS users_email_unique;
ALTER TABLE organisations DROP COLUMN contact_person;
ALTER TABLE users DROP COLUMN deactivated_at;
ALTER TABLE api_tokens DROP COLUMN expires_at;
