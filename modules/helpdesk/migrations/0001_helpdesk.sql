-- Helpdesk departments; portal_requests marks the one(s) that take tickets created in
-- the portal and switch the Helpdesk tab on.
CREATE TABLE helpdesk_departments (
    id INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    name TEXT NOT NULL,
    portal_requests INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX helpdesk_departments_portal ON helpdesk_departments (portal_requests);

-- A ticket; client_id is NULL while no client is assigned (the ticket stays with staff
-- when the client is deleted).
CREATE TABLE helpdesk_tickets (
    id INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    client_id INTEGER REFERENCES clients (id) ON DELETE SET NULL,
    department_id INTEGER NOT NULL REFERENCES helpdesk_departments (id),
    subject TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'waiting', 'closed')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX helpdesk_tickets_client ON helpdesk_tickets (client_id, updated_at);

-- One item of a ticket's conversation.
CREATE TABLE helpdesk_items (
    id INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    ticket_id INTEGER NOT NULL REFERENCES helpdesk_tickets (id) ON DELETE CASCADE,
    type TEXT NOT NULL CHECK (type IN ('email', 'sms', 'in_person', 'phone', 'note')),
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    body TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX helpdesk_items_ticket ON helpdesk_items (ticket_id, created_at);
