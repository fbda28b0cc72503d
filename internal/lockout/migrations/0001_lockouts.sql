-- Failed-login counters, one row per (kind, principal). kind says whose accounts
-- ("client", "staff"); principal is the canonical account ("id:42") or, for names
-- that match no account, "name:" + SHA-256 of the folded name, so unknown names can
-- be locked too (no account discovery) and a password typed into the name field is
-- never stored. A row exists only while there are failures: success deletes it.
-- IF NOT EXISTS: the table is created by the auth module's migrations today and may be
-- moved to the boot list (lockout.Migrations) later without a conflict.
CREATE TABLE IF NOT EXISTS lockouts (
    kind TEXT NOT NULL,
    principal TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    last_failure TEXT NOT NULL,
    PRIMARY KEY (kind, principal)
);
CREATE INDEX IF NOT EXISTS lockouts_last_failure ON lockouts (last_failure);
