-- The staff a request is assigned to (at creation: those with both e-mail flags).
CREATE TABLE support_request_assignees (
    request_id INTEGER NOT NULL REFERENCES support_requests (id) ON DELETE CASCADE,
    staff_id INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    PRIMARY KEY (request_id, staff_id)
);

-- A request's history: created, state changes, staff replies (shown to the client
-- with the state changes) and assignment changes (staff only).
CREATE TABLE support_request_events (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES support_requests (id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL CHECK (kind IN ('created', 'state', 'reply', 'assign')),
    body TEXT NOT NULL DEFAULT ''
);
CREATE INDEX support_request_events_request ON support_request_events (request_id, id);
