-- A batch of prepaid vouchers staff generated: each worth value (minor units) in
-- currency, redeemable until expires (a calendar day, inclusive). voided_at set: no
-- code of the batch can be redeemed any more.
CREATE TABLE voucher_batches (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    value INTEGER NOT NULL,
    currency TEXT NOT NULL,
    expires TEXT NOT NULL,
    count INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    voided_at TEXT
);

-- One voucher. code_hash is HMAC-SHA256 of the normalised code with a server secret
-- (the code itself is shown once, when the batch is generated, and never stored).
-- redeemed_at / client_id / payment_id are set together, once.
CREATE TABLE vouchers (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES voucher_batches (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL UNIQUE,
    redeemed_at TEXT,
    client_id INTEGER REFERENCES clients (id) ON DELETE SET NULL,
    payment_id INTEGER
);
CREATE INDEX vouchers_batch ON vouchers (batch_id);
