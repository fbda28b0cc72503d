-- The notifications page lists a client's latest notifications by (created_at, id),
-- newest first. SQLite's rowid ends every index, so (client_id, created_at) gave that
-- order; a PostgreSQL index does not, and its generic plan read and sorted every
-- notification the client ever had. Naming id gives both databases the order.
CREATE INDEX notify_sent_client_id ON notify_sent (client_id, created_at, id);
DROP INDEX notify_sent_client;
