-- A client's portal password. Only the argon2id hash (PHC string) is stored.
-- must_change marks a one-time password set by staff: it works for one login
-- (otp_used_at is set then) until otp_expires_at, and that login may only set a new
-- password. No external_id: passwords are never synced from the billing system.
CREATE TABLE client_credentials (
    client_id INTEGER PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
    password_hash TEXT NOT NULL,
    must_change INTEGER NOT NULL DEFAULT 0,
    otp_expires_at TEXT,
    otp_used_at TEXT,
    changed_at TEXT NOT NULL
);

-- Password links. token_hash is the SHA-256 of the 32 random bytes in the link; the
-- link itself exists only in the mail. purpose: reset (asked by the client) or staff
-- (sent by staff, lives longer). A token is dead once used_at is set: used, replaced
-- by a newer one, or killed by a password change.
CREATE TABLE password_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX password_tokens_client ON password_tokens (client_id);

-- The browser's side of an opened link: GET /password/reset?token=... swaps the token
-- for this short-lived state (a cookie holding its random key) and redirects to a URL
-- without the token, so the token never sits in the address bar, history or logs.
CREATE TABLE password_reset_states (
    state_hash TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL REFERENCES password_tokens (token_hash) ON DELETE CASCADE,
    expires_at TEXT NOT NULL
);
CREATE INDEX password_reset_states_token ON password_reset_states (token_hash);
