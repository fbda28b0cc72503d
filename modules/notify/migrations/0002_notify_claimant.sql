-- Several instances may run the notification worker on one database: a claimed
-- ('sending') row names its instance and when it was claimed, and another instance
-- takes it over only once the claim is older than the lease (outbox.Lease).
ALTER TABLE notify_sent ADD COLUMN claimed_by TEXT NULL;
ALTER TABLE notify_sent ADD COLUMN claimed_at TEXT NULL;
