-- One online payment a client started: paying an invoice (invoice_id) or refilling
-- the balance (invoice_id NULL). The amount and currency are the server's, decided when
-- it started. state: pending (sent to the provider), processing (the provider accepted
-- it, money not yet confirmed: SEPA debit), paid, failed, cancelled, expired.
-- provider_ref is the provider's id of the payment (Stripe Checkout session id);
-- payment_id the row of payments recorded once it was paid (at most once).
CREATE TABLE payment_attempts (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    invoice_id INTEGER,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    provider_ref TEXT UNIQUE,
    state TEXT NOT NULL,
    payment_id INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX payment_attempts_client ON payment_attempts (client_id, id);

-- Provider events already handled, so that a replayed webhook changes nothing.
CREATE TABLE payment_events (
    provider TEXT NOT NULL,
    event_id TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (provider, event_id)
);
