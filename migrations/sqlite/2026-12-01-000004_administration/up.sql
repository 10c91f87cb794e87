-- Administration on SQLite (crates/service/src/registry): token expiry, deactivated
-- users, an organisation's contact person, one user per e-mail address, and the history
-- of every administrative change (who did what, when).

-- Tokens expire; a token issued before this migration gets the default term of 90 days
-- from its creation, so none stays valid for ever.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
UPDATE api_tokens SET expires_at = datetime(created_at, '+90 days') WHERE expires_at IS NULL;

-- A deactivated user keeps its rows (the history names it) but no token of it works.
ALTER TABLE users ADD COLUMN deactivated_at TIMESTAMP;

ALTER TABLE organisations ADD COLUMN contact_person TEXT;

-- One user per e-mail address, compared without case. Databases made before this rule may
-- hold duplicates (every `serve --demo-tokens` made the same four addresses again): the
-- oldest user of an address keeps it; every later one is deactivated and its address
-- prefixed, so the index can be built and nothing is deleted.
UPDATE users
   SET deactivated_at = COALESCE(deactivated_at, CURRENT_TIMESTAMP),
       email = 'dubbel-' || id || '-' || email
 WHERE EXISTS (
    SELECT 1 FROM users AS older
     WHERE lower(older.email) = lower(users.email)
       AND (older.created_at < users.created_at
            OR (older.created_at = users.created_at AND older.id < users.id)));
CREATE UNIQUE INDEX users_email_unique ON users (lower(email));

CREATE TABLE admin_history (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            TIMESTAMP NOT NULL,
    actor_id      TEXT,                 -- NULL: the engine itself (`system`)
    subject_kind  TEXT NOT NULL,        -- gebruiker, organisatie, token
    subject_id    TEXT NOT NULL,
    action        TEXT NOT NULL,        -- aangemaakt, ingetrokken, gedeactiveerd, gewijzigd, ...
    detail        TEXT NOT NULL         -- what changed, in Dutch
);
CREATE INDEX admin_history_subject ON admin_history (subject_kind, subject_id, id);
CREATE TRIGGER admin_history_append_only BEFORE UPDATE ON admin_history
BEGIN
    SELECT RAISE(ABORT, 'table admin_history is append-only');
END;
CREATE TRIGGER admin_history_no_delete BEFORE DELETE ON admin_history
BEGIN
    SELECT RAISE(ABORT, 'table admin_history is append-only');
END;
