-- Global messages are found through this partial index; private and group ones
-- through the client_id and group_id indexes (see visibleTo in message_store.go).
CREATE INDEX info_messages_global ON info_messages (kind) WHERE kind = 'global';
