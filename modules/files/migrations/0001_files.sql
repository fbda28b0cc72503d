-- Files the provider publishes in the portal (price lists, terms, forms).
-- stored_path is relative to the data directory ("files/<random name>").
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL DEFAULT '',
    stored_path TEXT NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    content_type TEXT NOT NULL DEFAULT 'application/octet-stream',
    created_at TEXT NOT NULL
);

-- A file with rows here is shown only to clients of these invoice groups; a file
-- without rows is shown to everybody.
CREATE TABLE file_groups (
    file_id INTEGER NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    group_id INTEGER NOT NULL REFERENCES invoice_groups (id) ON DELETE CASCADE,
    PRIMARY KEY (file_id, group_id)
);
CREATE INDEX file_groups_group ON file_groups (group_id);
