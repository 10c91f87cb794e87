-- The subsidieportaal (crates/portal): sign-in by e-mail link and sessions, kept in the
-- database so that several server processes share them.
--
-- Tokens are stored only as their SHA-256: whoever reads the database cannot sign in.

-- A single-use sign-in link, valid for 15 minutes (used_at set when redeemed).
CREATE TABLE portal_signin_links (
    token_hash  TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP
);

-- Every request for a link, known address or not, to limit them per address and minute.
-- The address is kept as its SHA-256 only.
CREATE TABLE portal_signin_requests (
    id            TEXT PRIMARY KEY,
    address_hash  TEXT NOT NULL,
    requested_at  TIMESTAMP NOT NULL
);
CREATE INDEX portal_signin_requests_address ON portal_signin_requests (address_hash, requested_at);

-- A signed-in browser; it ends on sign-out or 8 hours after it was last seen.
CREATE TABLE portal_sessions (
    token_hash    TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id),
    created_at    TIMESTAMP NOT NULL,
    last_seen_at  TIMESTAMP NOT NULL
);
