-- The Helpdesk tab (and the dashboard's card) lists a client's tickets by (updated_at,
-- id), latest first. SQLite's rowid ends every index, so (client_id, updated_at) gave
-- that order; a PostgreSQL index does not, and its generic plan read and sorted every
-- ticket of the client. Naming id gives both databases the order without a sort.
CREATE INDEX helpdesk_tickets_client_id ON helpdesk_tickets (client_id, updated_at, id);
DROP INDEX helpdesk_tickets_client;
