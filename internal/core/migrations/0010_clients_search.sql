-- Staff find clients by any part of their number, username, name, e-mail, phones or
-- company (core.SearchClients). LIKE '%text%' can use no index, so a text few clients
-- contain read every client before the page could show "none": 170 ms at 100,000
-- clients. This trigram index (SQLite's FTS5) finds those few in a millisecond; the
-- search then checks them with the same LIKE, so what it finds does not change.
-- It indexes the columns of clients in place (external content): the triggers below
-- keep it in step with every statement that writes clients. PostgreSQL has a no-op of
-- this number (0010_clients_search.postgres.sql) and searches with LIKE alone.
CREATE VIRTUAL TABLE clients_search USING fts5(number, username, name, email, phone, mobile, company,
    content = 'clients', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO clients_search (clients_search) VALUES ('rebuild');

CREATE TRIGGER clients_search_insert AFTER INSERT ON clients BEGIN
    INSERT INTO clients_search (rowid, number, username, name, email, phone, mobile, company)
    VALUES (new.id, new.number, new.username, new.name, new.email, new.phone, new.mobile, new.company);
END;

-- An external-content index forgets a row by being told the values it indexed.
CREATE TRIGGER clients_search_delete AFTER DELETE ON clients BEGIN
    INSERT INTO clients_search (clients_search, rowid, number, username, name, email, phone, mobile, company)
    VALUES ('delete', old.id, old.number, old.username, old.name, old.email, old.phone, old.mobile, old.company);
END;

CREATE TRIGGER clients_search_update AFTER UPDATE OF id, number, username, name, email, phone, mobile, company ON clients BEGIN
    INSERT INTO clients_search (clients_search, rowid, number, username, name, email, phone, mobile, company)
    VALUES ('delete', old.id, old.number, old.username, old.name, old.email, old.phone, old.mobile, old.company);
    INSERT INTO clients_search (rowid, number, username, name, email, phone, mobile, company)
    VALUES (new.id, new.number, new.username, new.name, new.email, new.phone, new.mobile, new.company);
END;
