-- A brand's own value of a setting the registry marks PerBrand (issue 21): it overlays
-- the global value for requests on the brand's domains and for its clients' mails.
-- Order of precedence: invoice-group value > brand value > global value > default.
CREATE TABLE settings_brand (
    key TEXT NOT NULL,
    brand_id INTEGER NOT NULL,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (key, brand_id)
);

-- Which brand a recorded change was for (0: the global or group value).
ALTER TABLE settings_audit ADD COLUMN brand_id INTEGER NOT NULL DEFAULT 0;
