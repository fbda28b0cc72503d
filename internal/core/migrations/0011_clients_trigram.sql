-- PostgreSQL's trigram index for the staff's client search (0011's .postgres.sql);
-- SQLite has its own since 0010 (FTS5), so this number changes nothing here.
SELECT 1;
