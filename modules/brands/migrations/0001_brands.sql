-- Brands (issue 21): one installation serving several brands, each on its own
-- domains. Brand 1 is the default brand: the installation as it was (its look is the
-- global settings), the brand of unknown hosts and of clients with brand_id 0.
CREATE TABLE brands (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    -- hidden: the sections (module names) the brand does not show, space-separated.
    hidden TEXT NOT NULL DEFAULT '',
    css TEXT NOT NULL DEFAULT '',
    js TEXT NOT NULL DEFAULT '',
    js_url TEXT NOT NULL DEFAULT '',
    logo BLOB,
    logo_type TEXT NOT NULL DEFAULT '',
    login_logo BLOB,
    login_logo_type TEXT NOT NULL DEFAULT '',
    -- version moves with every save: the files' URLs carry it, so browsers may cache
    -- them for long and still see a change at once.
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- A fixed time: the row is the same wherever the migration runs, so migrate-to-postgres
-- recognises it as the migration's own row.
INSERT INTO brands (id, name, created_at, updated_at) VALUES (1, 'Default', '2026-12-03T00:00:00Z', '2026-12-03T00:00:00Z');

-- A host name picks one brand: unique across brands.
CREATE TABLE brand_domains (
    host TEXT PRIMARY KEY COLLATE NOCASE,
    brand_id INTEGER NOT NULL REFERENCES brands (id) ON DELETE CASCADE
);
CREATE INDEX brand_domains_brand ON brand_domains (brand_id);

-- Every request resolves its brand from memory (settings.Memo, per settings
-- revision): a write to either table moves the revision.
CREATE TRIGGER brands_insert_rev AFTER INSERT ON brands
BEGIN UPDATE settings_revision SET rev = rev + 1 WHERE id = 1; END;
CREATE TRIGGER brands_update_rev AFTER UPDATE ON brands
BEGIN UPDATE settings_revision SET rev = rev + 1 WHERE id = 1; END;
CREATE TRIGGER brands_delete_rev AFTER DELETE ON brands
BEGIN UPDATE settings_revision SET rev = rev + 1 WHERE id = 1; END;
CREATE TRIGGER brand_domains_insert_rev AFTER INSERT ON brand_domains
BEGIN UPDATE settings_revision SET rev = rev + 1 WHERE id = 1; END;
CREATE TRIGGER brand_domains_delete_rev AFTER DELETE ON brand_domains
BEGIN UPDATE settings_revision SET rev = rev + 1 WHERE id = 1; END;
