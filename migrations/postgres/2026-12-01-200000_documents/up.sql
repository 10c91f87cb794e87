-- Documents on an application (issue 15): the programme file's required documents per
-- instrument, each document's facts, and its content in chunks of at most 256 KiB so
-- that neither writing nor reading ever holds a whole file in memory.

-- The documents an application under an instrument must carry before submission.
CREATE TABLE instrument_documents (
    instrument_id  TEXT NOT NULL REFERENCES instruments(id),
    kind           TEXT NOT NULL,
    name           TEXT NOT NULL,
    position       INTEGER NOT NULL,
    PRIMARY KEY (instrument_id, kind)
);

-- One uploaded file. `supplement` is true when it came with a supplement (after
-- submission, while one was asked); those are never removed.
CREATE TABLE documents (
    id              TEXT PRIMARY KEY,
    application_id  TEXT NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    media_type      TEXT NOT NULL,
    size_bytes      BIGINT NOT NULL,
    sha256          TEXT NOT NULL,
    supplement      BOOLEAN NOT NULL,
    uploaded_by     TEXT,
    uploaded_at     TIMESTAMP NOT NULL
);
CREATE INDEX documents_application ON documents (application_id, uploaded_at);

-- The content, in order of `seq` from 0.
CREATE TABLE document_chunks (
    document_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    data         BYTEA NOT NULL,
    PRIMARY KEY (document_id, seq)
);
