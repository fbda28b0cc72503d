-- Invoices the billing system issued to a client. Dates (issued, due, taxable, paid_on)
-- are calendar dates YYYY-MM-DD, not moments; money is in minor units (hundredths).
-- Overdue is not stored: it follows from paid = 0 and due < today.
CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    external_id TEXT UNIQUE,
    number TEXT NOT NULL,
    issued TEXT NOT NULL,
    due TEXT NOT NULL,
    taxable TEXT NOT NULL,
    amount INTEGER NOT NULL,
    amount_vat INTEGER NOT NULL,
    currency TEXT NOT NULL,
    variable_symbol TEXT NOT NULL DEFAULT '',
    paid INTEGER NOT NULL DEFAULT 0,
    paid_on TEXT NOT NULL DEFAULT '',
    pdf_path TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX invoices_client ON invoices (client_id, issued);

-- Lines of an invoice. quantity is in thousandths (1.5 pcs = 1500), vat_rate in percent.
CREATE TABLE invoice_items (
    id INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    description TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    unit_price INTEGER NOT NULL,
    vat_rate INTEGER NOT NULL
);
CREATE INDEX invoice_items_invoice ON invoice_items (invoice_id, position);

-- Money the client paid. method: bank, cash, card, other.
CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    external_id TEXT UNIQUE,
    paid_on TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    method TEXT NOT NULL,
    invoice_id INTEGER REFERENCES invoices (id) ON DELETE SET NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX payments_client ON payments (client_id, paid_on);
