-- Price lists the billing system pushes: one per tariff (tariff_external_id names a
-- tariff of the services module, which may be left out: no foreign key), or for
-- every client when tariff_external_id is ''. A client sees the lists of its
-- services' tariffs and the general ones.
CREATE TABLE rate_lists (
    id INTEGER PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    tariff_external_id TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX rate_lists_tariff ON rate_lists (tariff_external_id);

-- Per-destination voice rates of a list. Prices in millionths of the currency unit
-- (0.49 CZK is 490000), so that they sort and compare as numbers; billing increments
-- in seconds ("60/60": the first 60 s, then each 60 s).
CREATE TABLE rates (
    id INTEGER PRIMARY KEY,
    list_id INTEGER NOT NULL REFERENCES rate_lists (id) ON DELETE CASCADE,
    prefix TEXT NOT NULL,
    destination TEXT NOT NULL,
    price INTEGER NOT NULL,
    connection_fee INTEGER NOT NULL DEFAULT 0,
    first_increment INTEGER NOT NULL DEFAULT 1,
    next_increment INTEGER NOT NULL DEFAULT 1,
    effective_from TEXT NOT NULL,
    UNIQUE (list_id, prefix, effective_from)
);
-- The page sorts by prefix (the unique index), destination or price.
CREATE INDEX rates_destination ON rates (list_id, destination);
CREATE INDEX rates_price ON rates (list_id, price);
