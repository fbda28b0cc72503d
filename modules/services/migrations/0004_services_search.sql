-- The console's services search looks for a text anywhere in a service's name, IP
-- address or installation address, or its client's number or name. Walking every
-- service took 250–400 ms at 150,000 services when few contain the text; this trigram
-- index (SQLite's FTS5), with core's clients_search for the client's fields, finds
-- those few first, and the same LIKE conditions then decide (staffServicesFound).
-- It indexes the columns of services in place; the triggers keep it in step with every
-- statement that writes services. PostgreSQL has a no-op of this number.
CREATE VIRTUAL TABLE services_search USING fts5(name, ip_address, address,
    content = 'services', content_rowid = 'id', tokenize = 'trigram');
INSERT INTO services_search (services_search) VALUES ('rebuild');

CREATE TRIGGER services_search_insert AFTER INSERT ON services BEGIN
    INSERT INTO services_search (rowid, name, ip_address, address) VALUES (new.id, new.name, new.ip_address, new.address);
END;

-- An external-content index forgets a row by being told the values it indexed.
CREATE TRIGGER services_search_delete AFTER DELETE ON services BEGIN
    INSERT INTO services_search (services_search, rowid, name, ip_address, address)
    VALUES ('delete', old.id, old.name, old.ip_address, old.address);
END;

CREATE TRIGGER services_search_update AFTER UPDATE OF id, name, ip_address, address ON services BEGIN
    INSERT INTO services_search (services_search, rowid, name, ip_address, address)
    VALUES ('delete', old.id, old.name, old.ip_address, old.address);
    INSERT INTO services_search (rowid, name, ip_address, address) VALUES (new.id, new.name, new.ip_address, new.address);
END;
