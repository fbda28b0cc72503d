-- The brand whose domain the form was sent on: the confirmation link points there and
-- the new account belongs to it (0: the default brand).
ALTER TABLE signups ADD COLUMN brand_id INTEGER NOT NULL DEFAULT 0;
