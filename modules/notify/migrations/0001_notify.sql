-- A client's saved notification choices. Without a row the defaults apply (see
-- notify.Defaults); quiet hours are local "HH:MM" times, equal meaning none.
CREATE TABLE notify_prefs (
    client_id INTEGER PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
    quiet_from TEXT NOT NULL,
    quiet_to TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The topic × channel pairs switched on, for clients with a notify_prefs row.
CREATE TABLE notify_choices (
    client_id INTEGER NOT NULL REFERENCES notify_prefs (client_id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'push')),
    PRIMARY KEY (client_id, topic, channel)
);

-- Every notification decided, one row per client, topic, event and channel: the unique
-- key is what makes an event that is reported again (a re-import, a retried call, two
-- workers) send nothing more. E-mail and SMS rows hand the message to their outbox at
-- once ('sent' then means handed over); SMS in quiet hours and push wait here
-- ('queued', or 'held' until due_at) for the worker.
CREATE TABLE notify_sent (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    event_key TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'push')),
    status TEXT NOT NULL CHECK (status IN ('queued', 'held', 'sending', 'sent', 'failed')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    -- url is the portal page the notification is about (opened from a push).
    url TEXT NOT NULL DEFAULT '',
    due_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    sent_at TEXT NULL,
    UNIQUE (client_id, topic, event_key, channel)
);
CREATE INDEX notify_sent_due ON notify_sent (status, due_at);
CREATE INDEX notify_sent_client ON notify_sent (client_id, created_at);

-- Web push subscriptions, one per browser (endpoint) of a client.
CREATE TABLE notify_push (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    endpoint TEXT NOT NULL UNIQUE,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX notify_push_client ON notify_push (client_id);

-- Outage and maintenance notices staff (or the billing system) sent: each is one
-- event (key "notice:<id>") for every client it reached. external_id makes the API's
-- notify.announce idempotent.
CREATE TABLE notify_notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    external_id TEXT UNIQUE,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    audience TEXT NOT NULL CHECK (audience IN ('all', 'group', 'client')),
    group_id INTEGER NULL,
    client_id INTEGER NULL REFERENCES clients (id) ON DELETE SET NULL,
    clients INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
