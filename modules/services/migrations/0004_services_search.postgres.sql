-- SQLite's 0004 adds a trigram index for the console's services search (FTS5, which
-- PostgreSQL does not have); PostgreSQL searches with the LIKE conditions alone, so
-- this number changes nothing here.
SELECT 1;
