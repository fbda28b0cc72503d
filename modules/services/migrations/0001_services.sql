-- Tariffs: what a service is sold as. Money in minor units; speeds in kbit/s.
-- FUP (fair usage): when fup_limit_bytes > 0, traffic above it within one
-- fup_period (day, week or month) reduces the speed to fup_down/up_kbit.
CREATE TABLE tariffs (
    id INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'internet',
    price INTEGER NOT NULL DEFAULT 0,
    currency TEXT NOT NULL DEFAULT 'CZK',
    down_kbit INTEGER NOT NULL DEFAULT 0,
    up_kbit INTEGER NOT NULL DEFAULT 0,
    hide_traffic INTEGER NOT NULL DEFAULT 0,
    fup_limit_bytes INTEGER NOT NULL DEFAULT 0,
    fup_period TEXT NOT NULL DEFAULT 'month',
    fup_down_kbit INTEGER NOT NULL DEFAULT 0,
    fup_up_kbit INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Services: one contracted service of a client.
CREATE TABLE services (
    id INTEGER PRIMARY KEY,
    external_id TEXT UNIQUE,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    tariff_id INTEGER NOT NULL REFERENCES tariffs (id),
    kind TEXT NOT NULL DEFAULT 'internet',
    name TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'active',
    activated_on TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    ip_address TEXT NOT NULL DEFAULT '',
    dhcp INTEGER NOT NULL DEFAULT 0,
    mac_address TEXT NOT NULL DEFAULT '',
    price_override INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX services_client ON services (client_id);
CREATE INDEX services_tariff ON services (tariff_id);

-- Parameters printed on the configuration sheet (gateway, DNS, SIP login...).
CREATE TABLE service_params (
    id INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    value TEXT NOT NULL DEFAULT ''
);
CREATE INDEX service_params_service ON service_params (service_id, position);
