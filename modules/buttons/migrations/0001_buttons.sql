-- The provider's own menu buttons.
CREATE TABLE custom_buttons (
    id INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    label_en TEXT NOT NULL,
    label_cs TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0,
    new_tab INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Bumped by every write, so that each process reloads its cached buttons.
CREATE TABLE custom_buttons_revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    rev INTEGER NOT NULL
);
INSERT INTO custom_buttons_revision (id, rev) VALUES (1, 0);
