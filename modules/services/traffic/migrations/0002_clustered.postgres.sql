-- PostgreSQL's text of 0002_clustered.sql: nothing to do. SQLite's migration rebuilds
-- the traffic tables WITHOUT ROWID so that a graph's rows lie on neighbouring pages;
-- PostgreSQL keeps every table as a heap and answers a graph's range through the
-- primary key's index (service_id, bucket) that 0001 created, which is what the
-- clustered table buys on SQLite.
SELECT 1;
