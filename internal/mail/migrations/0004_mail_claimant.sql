-- Several instances may run a mail worker on one database: a claimed ("sending") row
-- names its worker, and another worker takes it over only once the claim is older
-- than the lease (outbox.Lease), not at its own start.
ALTER TABLE mail_outbox ADD COLUMN claimed_by TEXT NULL;
