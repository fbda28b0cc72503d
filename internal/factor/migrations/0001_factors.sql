-- Second factors of logins, keyed by (kind, account_id): kind is "client" or "staff"
-- (the lockout kinds), account_id the client's or staff member's id. No foreign keys:
-- the two kinds live in different tables; deleting an account calls factor.Reset.
CREATE TABLE IF NOT EXISTS factor_totp (
    kind TEXT NOT NULL,
    account_id INTEGER NOT NULL,
    secret TEXT NOT NULL,          -- base32; never shown again after enrolment
    confirmed_at TEXT,             -- NULL while enrolment waits for its confirming code
    last_step INTEGER NOT NULL DEFAULT 0, -- the newest 30 s step whose code was accepted
    created_at TEXT NOT NULL,
    PRIMARY KEY (kind, account_id)
);
-- Recovery codes: SHA-256 of the normalised code, single use.
CREATE TABLE IF NOT EXISTS factor_recovery (
    kind TEXT NOT NULL,
    account_id INTEGER NOT NULL,
    code_hash TEXT NOT NULL,
    used_at TEXT,
    PRIMARY KEY (kind, account_id, code_hash)
);
-- A login that proved the password and waits for its second factor (or for enrolment
-- when the policy requires one). token_hash is SHA-256 of the cookie's value.
CREATE TABLE IF NOT EXISTS factor_pending (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    account_id INTEGER NOT NULL,
    restricted INTEGER NOT NULL DEFAULT 0, -- a one-time-password login: the session may only set a password
    expires_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS factor_pending_expires ON factor_pending (expires_at);
