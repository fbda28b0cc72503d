-- Own-data exports that were too big to serve at once: the worker builds them, stores
-- a ZIP (export.json and export.pdf) under the data directory and mails the client a
-- link. token_hash is the SHA-256 of the link's random token; the link opens only in
-- a session of the same client and only until expires_at.
CREATE TABLE gdpr_exports (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'ready', 'failed', 'expired')),
    lang TEXT NOT NULL DEFAULT '',
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    ready_at TEXT,
    expires_at TEXT,
    token_hash TEXT UNIQUE,
    path TEXT NOT NULL DEFAULT '',
    size INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX gdpr_exports_client ON gdpr_exports (client_id, id);
CREATE INDEX gdpr_exports_state ON gdpr_exports (state);

-- Erasure and restriction requests a client files from the GDPR page (GDPR articles
-- 17 and 18). Staff work them in the console; every state change is audited
-- (privacy.request.<state>). Kept here rather than in the requests module: they have
-- their own states and legal deadline, belong in the client's own export, and must
-- exist whether or not the support-request form is on.
CREATE TABLE gdpr_requests (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('erasure', 'restriction')),
    note TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'in_progress', 'done', 'refused')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    handled_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX gdpr_requests_state ON gdpr_requests (state, id);
CREATE INDEX gdpr_requests_client ON gdpr_requests (client_id, id);
