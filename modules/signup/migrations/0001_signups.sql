-- Self sign-ups. A row is made when a visitor submits the form (state unverified);
-- confirming the e-mail link creates the client from the template customer (state
-- pending, or approved when sign-ups may log in before approval), and staff or the
-- billing system approve or reject it. token_hash is the SHA-256 of the link's 32
-- random bytes: the link itself exists only in the mail. password_hash holds the
-- chosen password's argon2id hash until the account exists, then it is cleared.
-- seq numbers confirmed sign-ups in the order they were confirmed: the cursor of the
-- API's signup.list.
CREATE TABLE signups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    username TEXT NOT NULL COLLATE NOCASE,
    password_hash TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT '',
    consents TEXT NOT NULL DEFAULT '[]',
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'unverified' CHECK (state IN ('unverified', 'pending', 'approved', 'rejected')),
    verified_at TEXT,
    client_id INTEGER UNIQUE REFERENCES clients (id) ON DELETE CASCADE,
    seq INTEGER UNIQUE,
    reason TEXT NOT NULL DEFAULT '',
    decided_at TEXT,
    decided_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX signups_email ON signups (email COLLATE NOCASE);
CREATE INDEX signups_username ON signups (username);
