-- Consent documents staff publish (marketing, data processing, ...). Editing a text
-- creates a new row in consent_versions and bumps current_version; old texts stay, so
-- it is always known which text a client agreed to. Documents are deactivated, not
-- deleted, once anybody has acted on them.
CREATE TABLE consent_documents (
    id INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    title TEXT NOT NULL,
    current_version INTEGER NOT NULL DEFAULT 1,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Every version of a document's text (staff HTML, sanitised when shown).
CREATE TABLE consent_versions (
    document_id INTEGER NOT NULL REFERENCES consent_documents (id),
    version INTEGER NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (document_id, version)
);

-- The purposes a client can tick on a document, in display order.
CREATE TABLE consent_purposes (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES consent_documents (id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (document_id, name)
);

-- Every consent action, append-only: the client's current state of a document is the
-- row with the highest seq. seq counts the client's actions on that document from 1
-- without gaps; a form carries the seq it was built from, so a replayed or stale
-- action is refused. purposes is a JSON array of the purpose names agreed after the
-- action (empty for a withdrawal), copied so that the record stands on its own.
CREATE TABLE consent_history (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES consent_documents (id),
    seq INTEGER NOT NULL,
    version INTEGER NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('given', 'changed', 'withdrawn')),
    purposes TEXT NOT NULL DEFAULT '[]',
    at TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    actor TEXT NOT NULL DEFAULT 'client',
    UNIQUE (client_id, document_id, seq)
);
CREATE INDEX consent_history_document ON consent_history (document_id);

-- SQLite triggers, the one non-portable part of this schema (a PostgreSQL port needs
-- equivalent triggers or REVOKE UPDATE, DELETE): history rows are never updated or
-- deleted, except by the cascade when the client record itself is erased, and a new
-- row must continue its client's sequence for that document without a gap.
CREATE TRIGGER consent_history_no_update BEFORE UPDATE ON consent_history
BEGIN
    SELECT RAISE(ABORT, 'consent_history is append-only');
END;

CREATE TRIGGER consent_history_no_delete BEFORE DELETE ON consent_history
WHEN EXISTS (SELECT 1 FROM clients WHERE id = OLD.client_id)
BEGIN
    SELECT RAISE(ABORT, 'consent_history is append-only');
END;

CREATE TRIGGER consent_history_in_order BEFORE INSERT ON consent_history
WHEN NEW.seq <> (SELECT COALESCE(MAX(seq), 0) + 1 FROM consent_history
                 WHERE client_id = NEW.client_id AND document_id = NEW.document_id)
BEGIN
    SELECT RAISE(ABORT, 'consent_history: seq out of order');
END;

-- A text a client may have agreed to is never rewritten or removed.
CREATE TRIGGER consent_versions_no_update BEFORE UPDATE ON consent_versions
BEGIN
    SELECT RAISE(ABORT, 'consent_versions is append-only');
END;

CREATE TRIGGER consent_versions_no_delete BEFORE DELETE ON consent_versions
BEGIN
    SELECT RAISE(ABORT, 'consent_versions is append-only');
END;
