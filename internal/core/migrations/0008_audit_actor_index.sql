-- The audit page filters by actor ("staff:eva", "client:1001", "api:billing") newest
-- first; without an index that was a read of the log backwards until a page of the
-- actor's entries turned up (0.2 s in two million entries for a rare actor).
CREATE INDEX audit_log_actor ON audit_log (actor, id);
