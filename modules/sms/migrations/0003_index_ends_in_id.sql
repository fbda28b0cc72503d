-- The SMS tab pages a client's messages by (created_at, id), newest first. On SQLite
-- the rowid ends every index, so (client_id, created_at) gave that order; a
-- PostgreSQL index does not, and its generic plan (the one a prepared statement
-- settles on) read and sorted every message of the client to show the newest: a
-- business client sending thousands a month pays that on every view. Naming id in
-- the index gives both databases the order without a sort (usage's 0003 found it).
CREATE INDEX sms_queue_client_id ON sms_queue (client_id, created_at, id);
DROP INDEX sms_queue_client;
