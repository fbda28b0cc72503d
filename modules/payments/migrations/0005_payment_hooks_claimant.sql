-- Several instances may post the payment webhook from one database: a row being
-- posted is 'sending', naming its instance and when it was claimed; another instance
-- queues it again only once the claim is older than the lease (outbox.Lease).
ALTER TABLE payment_hooks ADD COLUMN claimed_by TEXT NULL;
ALTER TABLE payment_hooks ADD COLUMN claimed_at TEXT NULL;
