-- Support requests sent by clients from the portal.
CREATE TABLE support_requests (
    id INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    category TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'in_progress', 'done', 'rejected')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX support_requests_client ON support_requests (client_id, id);
CREATE INDEX support_requests_state ON support_requests (state, id);
