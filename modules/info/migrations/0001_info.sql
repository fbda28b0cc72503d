-- Messages from the provider to clients: private (one client), global (everybody) or
-- for one invoice group, optionally valid only between valid_from and valid_until.
CREATE TABLE info_messages (
    id INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('private', 'global', 'group')),
    client_id INTEGER REFERENCES clients (id) ON DELETE CASCADE,
    group_id INTEGER REFERENCES invoice_groups (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    valid_from TEXT,
    valid_until TEXT,
    created_at TEXT NOT NULL,
    CHECK ((kind = 'private') = (client_id IS NOT NULL)),
    CHECK ((kind = 'group') = (group_id IS NOT NULL))
);
CREATE INDEX info_messages_client ON info_messages (client_id);
CREATE INDEX info_messages_group ON info_messages (group_id);

-- Which client has opened which message: reading state is per client, also for
-- global and group messages.
CREATE TABLE info_message_reads (
    message_id INTEGER NOT NULL REFERENCES info_messages (id) ON DELETE CASCADE,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    read_at TEXT NOT NULL,
    PRIMARY KEY (message_id, client_id)
);

-- Field-level history of contact data changes made in the portal: the old value is
-- kept for ever, so no change loses data.
CREATE TABLE info_data_changes (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL,
    actor TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE INDEX info_data_changes_client ON info_data_changes (client_id, id);
