-- A new username is compared with every client number without regard to case, as the
-- login looks usernames up (core.CheckLoginNames); this index keeps that a lookup.
CREATE INDEX clients_number_nocase ON clients (number COLLATE NOCASE);
