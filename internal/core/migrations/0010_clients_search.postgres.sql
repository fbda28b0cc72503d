-- SQLite's 0010 adds a trigram index for the staff's client search (FTS5, which
-- PostgreSQL does not have); PostgreSQL searches with the LIKE conditions alone, so
-- this number changes nothing here.
SELECT 1;
