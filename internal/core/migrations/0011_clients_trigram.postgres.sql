-- A trigram index (pg_trgm; trusted, so the database's owner may create it, as citext)
-- for the staff's client search: PostgreSQL's counterpart of SQLite's 0010. The search
-- matches lower(column) LIKE lower('%text%') (ILIKE here) in seven columns. Seven
-- indexes, one a column, are never chosen (PostgreSQL prices seven GIN scans above
-- reading the table), so the index holds the seven columns in one text, which the
-- search asks first (core.SearchClients); the column conditions then decide.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX clients_search_trgm ON clients USING gin ((lower(number || ' ' || COALESCE(CAST(username AS TEXT), '') || ' ' ||
    name || ' ' || email || ' ' || phone || ' ' || mobile || ' ' || company)) gin_trgm_ops);
-- The planner tells a rare text from a common one by the statistics of the index's
-- expression, which only ANALYZE gathers: without them every text looks rare, and a
-- text all clients contain would be looked up in the index and sorted (0.4 s at
-- 100,000 clients) instead of walked to the page's end (7 ms).
ANALYZE clients;
