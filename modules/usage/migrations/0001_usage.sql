-- Usage records: what a client's service used (a call, an SMS, a data session), as
-- the billing system rated it. Pushed through the API, idempotent by external_id.
-- service_id names a row of the services module, which may be left out of the
-- portal: no foreign key; a deleted service's records stay (billing history).
-- at is Unix seconds (UTC); quantity is an integer of unit; rate is the decimal
-- price per unit as the billing system printed it; cost in minor units.
CREATE TABLE usage_records (
    id INTEGER PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    service_id INTEGER NOT NULL,
    at INTEGER NOT NULL,
    type TEXT NOT NULL,
    destination TEXT NOT NULL DEFAULT '',
    quantity INTEGER NOT NULL,
    unit TEXT NOT NULL,
    rate TEXT NOT NULL DEFAULT '',
    cost INTEGER NOT NULL,
    currency TEXT NOT NULL
);
-- The Detailed list, the CSV export and the summary read one client's records by
-- time, newest first, with keyset pagination on (at, id): the rowid ends every index,
-- so (client_id, at) orders both. A service filter takes (service_id, at) instead.
CREATE INDEX usage_client_at ON usage_records (client_id, at);
CREATE INDEX usage_service_at ON usage_records (service_id, at);
