-- Decisions as PDF letters (issue 18, item 5). Each decision's letter is made once, in
-- the transaction that queues its e-mail, and kept here with its SHA-256: the archive
-- copy, the e-mail's attachment and the download are the same bytes. The id is the id of
-- the outbox row of the e-mail that carries it. Never changed, never removed: the
-- database refuses both.
CREATE TABLE decision_letters (
    id              TEXT PRIMARY KEY,
    application_id  TEXT NOT NULL REFERENCES applications(id),
    template        TEXT NOT NULL,
    title           TEXT NOT NULL,
    dated_on        DATE NOT NULL,
    file_name       TEXT NOT NULL,
    size_bytes      BIGINT NOT NULL,
    sha256          TEXT NOT NULL,
    content         BYTEA NOT NULL,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX decision_letters_application ON decision_letters (application_id, created_at);
CREATE TRIGGER decision_letters_append_only BEFORE UPDATE OR DELETE ON decision_letters
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
