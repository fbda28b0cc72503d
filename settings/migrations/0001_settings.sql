-- Stored values; defaults live in Go, so a new setting needs no migration.
-- group_id 0 is the global value; other ids are per-invoice-group overrides.
CREATE TABLE settings (
    key TEXT NOT NULL,
    group_id INTEGER NOT NULL DEFAULT 0,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (key, group_id)
);

-- Bumped by every write, so that every process notices changes made by another.
CREATE TABLE settings_revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    rev INTEGER NOT NULL
);
INSERT INTO settings_revision (id, rev) VALUES (1, 1);

CREATE TABLE settings_audit (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    group_id INTEGER NOT NULL DEFAULT 0,
    old_value TEXT,
    new_value TEXT,
    actor TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX settings_audit_key ON settings_audit (key, id);
