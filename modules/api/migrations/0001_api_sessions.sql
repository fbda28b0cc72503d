-- Sessions of the management API. The session id handed to the caller is a random
-- 32-byte token; only its SHA-256 is stored, so a copy of the database cannot be used to
-- call the API. A session ends after idle_ttl without calls (expires_at moves forward
-- on use) and at the latest at hard_expires_at, whatever its use.
CREATE TABLE api_sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    staff_id INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    ip TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    last_used TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    hard_expires_at TEXT NOT NULL
);
CREATE INDEX api_sessions_staff ON api_sessions (staff_id);
CREATE INDEX api_sessions_expires ON api_sessions (expires_at);
