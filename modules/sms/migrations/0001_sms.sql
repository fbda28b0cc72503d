-- The client's telephone directory. number is stored in E.164 ("+420777123456").
CREATE TABLE sms_contacts (
    id INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    number TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX sms_contacts_client ON sms_contacts (client_id, name);

-- Durable SMS queue: a message is stored first and sent later by the worker, like the
-- mail outbox. Timestamps are RFC 3339 UTC text, so they compare as strings.
CREATE TABLE sms_queue (
    id INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    client_id INTEGER REFERENCES clients (id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    text TEXT NOT NULL,
    parts INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_at TEXT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    provider_id TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    sent_at TEXT NULL
);
-- The worker's "what is due" query.
CREATE INDEX sms_queue_due ON sms_queue (status, next_attempt_at);
-- The client's history and the monthly limit.
CREATE INDEX sms_queue_client ON sms_queue (client_id, created_at);
