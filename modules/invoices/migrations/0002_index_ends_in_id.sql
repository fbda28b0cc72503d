-- The Invoicing tab pages a client's invoices by (issued, id) and payments by
-- (paid_on, id), newest first. SQLite's rowid ends every index, so (client_id,
-- issued) and (client_id, paid_on) gave those orders; a PostgreSQL index does not,
-- and its generic plan read and sorted all of the client's rows for every page.
-- Naming id gives both databases the order without a sort.
CREATE INDEX invoices_client_id ON invoices (client_id, issued, id);
DROP INDEX invoices_client;
CREATE INDEX payments_client_id ON payments (client_id, paid_on, id);
DROP INDEX payments_client;
