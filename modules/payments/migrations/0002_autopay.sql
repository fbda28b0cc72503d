-- A client's saved payment method for automatic payments (a card or SEPA mandate saved
-- through a Stripe SetupIntent). state: setup (sent to the provider's page, not yet
-- confirmed) or active. customer_ref is the provider's customer, method_ref the saved
-- payment method, label what the subscriber sees ("visa •••• 4242").
CREATE TABLE autopay_mandates (
    client_id INTEGER PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    customer_ref TEXT NOT NULL,
    method_ref TEXT NOT NULL DEFAULT '',
    label TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX autopay_mandates_customer ON autopay_mandates (customer_ref);

-- Automatic charges of unpaid invoices: one row per invoice, with its tries. state:
-- retrying (next_try set), processing (the provider accepted, money not confirmed),
-- paid, failed (gave up after the last try). last_ref is the last PaymentIntent.
CREATE TABLE autopay_charges (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    invoice_id INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    tries INTEGER NOT NULL DEFAULT 0,
    next_try TEXT NOT NULL,
    state TEXT NOT NULL,
    last_ref TEXT NOT NULL DEFAULT '',
    last_error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (client_id, invoice_id)
);
