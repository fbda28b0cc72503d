-- Several instances may run an SMS worker on one database: a claimed ("sending") row
-- names its worker, and another worker takes it over only once the claim is older
-- than the lease (outbox.Lease).
ALTER TABLE sms_queue ADD COLUMN claimed_by TEXT NULL;
