-- The staff client card edits clients by hand (issue 19).
-- version counts saves of a client, so that a form opened before another save is
-- refused instead of overwriting it (core.ErrStale); inactive_reason says why staff
-- deactivated a client.
ALTER TABLE clients ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE clients ADD COLUMN inactive_reason TEXT NOT NULL DEFAULT '';

-- Staff-only notes on a client; never shown in the portal.
CREATE TABLE client_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX client_notes_client ON client_notes (client_id, id);
