-- Several instances may run the autopay worker on one database: a charge being tried
-- is 'charging', naming its instance and when it was claimed; another instance makes
-- it due again only once the claim is older than the lease (outbox.Lease).
ALTER TABLE autopay_charges ADD COLUMN claimed_by TEXT NULL;
ALTER TABLE autopay_charges ADD COLUMN claimed_at TEXT NULL;
