-- Secrets the server needs across restarts and processes (CSRF and flash keys).
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- A group of clients sharing a supplier identity, contact text, e-mail templates and
-- file visibility.
CREATE TABLE invoice_groups (
    id INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    name TEXT NOT NULL,
    supplier_name TEXT NOT NULL DEFAULT '',
    street TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    registration_no TEXT NOT NULL DEFAULT '',
    vat_no TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    web TEXT NOT NULL DEFAULT '',
    bank_account TEXT NOT NULL DEFAULT '',
    iban TEXT NOT NULL DEFAULT '',
    bic TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL DEFAULT 'CZK',
    created_at TEXT NOT NULL
);

-- The subscriber. number is the client number they log in with; username is the
-- optional custom login name (unique without regard to case).
CREATE TABLE clients (
    id INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    number TEXT NOT NULL UNIQUE,
    username TEXT UNIQUE COLLATE NOCASE,
    invoice_group_id INTEGER REFERENCES invoice_groups (id),
    name TEXT NOT NULL,
    is_business INTEGER NOT NULL DEFAULT 0,
    company TEXT NOT NULL DEFAULT '',
    registration_no TEXT NOT NULL DEFAULT '',
    vat_no TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    mobile TEXT NOT NULL DEFAULT '',
    street TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    inv_street TEXT NOT NULL DEFAULT '',
    inv_city TEXT NOT NULL DEFAULT '',
    inv_postcode TEXT NOT NULL DEFAULT '',
    inv_country TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX clients_group ON clients (invoice_group_id);
CREATE INDEX clients_email ON clients (email COLLATE NOCASE);

-- The ISP's employees. role: admin, support, readonly, api.
CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    send_tasks_email INTEGER NOT NULL DEFAULT 0,
    send_portal_requests INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

-- Every staff action and every security event worth looking back at.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    client_id INTEGER,
    detail TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_client ON audit_log (client_id, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
