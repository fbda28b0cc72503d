-- Server-side sessions. The cookie holds a random token; only its SHA-256 is stored, so
-- a copy of the database does not hand out live sessions.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,                 -- client | staff
    client_id INTEGER REFERENCES clients (id) ON DELETE CASCADE,
    staff_id INTEGER REFERENCES staff (id) ON DELETE CASCADE,
    restricted INTEGER NOT NULL DEFAULT 0, -- logged in with a one-time password: may only set a new one
    view_as INTEGER NOT NULL DEFAULT 0,    -- a staff member looking at the portal as this client (read-only)
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_client ON sessions (client_id);
CREATE INDEX sessions_staff ON sessions (staff_id);
