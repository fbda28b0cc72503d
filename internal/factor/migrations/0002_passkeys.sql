-- Passkeys (WebAuthn credentials) of both audiences. credential is the library's
-- JSON of the credential (public key, flags, sign counter); never a private key.
CREATE TABLE IF NOT EXISTS factor_passkeys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    account_id INTEGER NOT NULL,
    credential_id BLOB NOT NULL UNIQUE,
    name TEXT NOT NULL,
    credential TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT
);
CREATE INDEX IF NOT EXISTS factor_passkeys_account ON factor_passkeys (kind, account_id);
-- A WebAuthn ceremony in progress: its challenge (the library's session data), single
-- use, bound to an account (0: a discoverable login) and a purpose.
CREATE TABLE IF NOT EXISTS factor_ceremonies (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    account_id INTEGER NOT NULL,
    purpose TEXT NOT NULL,
    session TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
