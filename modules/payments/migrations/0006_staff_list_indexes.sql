-- The console's Online payments page lists the newest saved methods and the last
-- changed automatic charges of every client; without indexes in those orders each
-- view read and sorted both tables (charges keep one row per invoice charged, so
-- they grow every month).
CREATE INDEX autopay_mandates_created ON autopay_mandates (created_at, client_id);
CREATE INDEX autopay_charges_updated ON autopay_charges (updated_at, id);
