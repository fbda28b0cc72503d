-- The people an account holder invited to log in to the portal (issue 21): each has
-- their own login name, password, lockout counter (lockout "person:<id>"), sessions and
-- role. A row is created by the invitation (login NULL until accepted); the link's
-- token is stored only as its SHA-256, lives invite_expires and works once.
CREATE TABLE people (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    login TEXT COLLATE NOCASE UNIQUE,
    password_hash TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL CHECK (role IN ('billing', 'technical', 'readonly')),
    active INTEGER NOT NULL DEFAULT 1,
    invite_hash TEXT UNIQUE,
    invite_expires TEXT,
    invited_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    accepted_at TEXT,
    last_login TEXT
);
CREATE INDEX people_client ON people (client_id, id);

-- A person's sessions end when staff or the holder change their role or disable or
-- remove them, whatever path did it (service, API, CLI).
CREATE TRIGGER people_end_sessions_on_change
AFTER UPDATE OF role, active ON people
WHEN OLD.role IS NOT NEW.role OR OLD.active IS NOT NEW.active
BEGIN
    DELETE FROM sessions WHERE person_id = NEW.id;
END;
CREATE TRIGGER people_end_sessions_on_delete
AFTER DELETE ON people
BEGIN
    DELETE FROM sessions WHERE person_id = OLD.id;
END;
