-- The client's contracts, annexes and other documents. Only rows with
-- display_in_portal = 1 are listed and downloadable in the portal. stored_path is
-- relative to the data directory ("documents/<random name>"), a name we generate;
-- file_name is the sanitised original name, offered as the download name only.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'other',
    doc_date TEXT NOT NULL,
    file_name TEXT NOT NULL DEFAULT '',
    stored_path TEXT NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    content_type TEXT NOT NULL DEFAULT 'application/octet-stream',
    display_in_portal INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX documents_client ON documents (client_id, display_in_portal, doc_date);
