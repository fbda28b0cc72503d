-- The console's message list pages by id, newest first, optionally of one kind, and
-- counts the kind for its pager: an index on (kind, id) serves both without reading
-- the whole table, which private messages (a few per client, kept) make the largest
-- of the module. It serves the information page's "global messages" branch too, so
-- the partial index migration 0002 made for that goes.
CREATE INDEX info_messages_kind ON info_messages (kind, id);
DROP INDEX info_messages_global;
