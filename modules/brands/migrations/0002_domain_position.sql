-- The order staff gave a brand's host names (the first is its address): kept in a
-- column, since SQLite's rowid order has no PostgreSQL equivalent.
ALTER TABLE brand_domains ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
