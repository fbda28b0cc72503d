-- Clients belong to a brand (issue 21): 0 is the default brand, which every existing
-- client and every client created without a brand keeps. The brands module owns the
-- brands table; a deleted brand's clients go back to 0.
ALTER TABLE clients ADD COLUMN brand_id INTEGER NOT NULL DEFAULT 0;
