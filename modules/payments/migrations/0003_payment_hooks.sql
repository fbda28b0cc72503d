-- Outbound payment webhook queue: one row per payment to post to the billing system
-- (payments_webhook_url). state: queued, sending, sent, failed (gave up after
-- outbox.MaxAttempts). body is the JSON posted. The cursor of payments already queued
-- is meta 'cursor:payments-webhook'.
CREATE TABLE payment_hooks (
    id INTEGER PRIMARY KEY,
    payment_id INTEGER NOT NULL UNIQUE,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at TEXT NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX payment_hooks_due ON payment_hooks (state, next_at);
