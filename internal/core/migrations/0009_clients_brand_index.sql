-- The brands lists count each brand's clients in one pass grouped by brand_id; this
-- index makes that pass a walk of a small ordered index instead of a read of every
-- client and a sort (50–70 ms at 100,000 clients, 8 ms with it).
CREATE INDEX clients_brand ON clients (brand_id);
