-- Case-insensitive lookups are written lower(x) = lower(?), a form SQLite and
-- PostgreSQL both answer (COLLATE NOCASE is SQLite's alone); these expression indexes
-- keep them lookups. They replace the NOCASE indexes those queries used before.
CREATE INDEX clients_email_lower ON clients (lower(email));
CREATE INDEX clients_number_lower ON clients (lower(number));
DROP INDEX clients_email;
DROP INDEX clients_number_nocase;
