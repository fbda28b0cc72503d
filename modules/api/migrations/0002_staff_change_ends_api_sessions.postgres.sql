-- PostgreSQL's text of 0002_staff_change_ends_api_sessions.sql: an API session ends
-- when its staff account's password, role or active flag changes.
CREATE FUNCTION api_sessions_end_on_staff_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM api_sessions WHERE staff_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER api_sessions_end_on_staff_change
AFTER UPDATE OF password_hash, role, active ON staff
FOR EACH ROW WHEN (OLD.password_hash IS DISTINCT FROM NEW.password_hash OR OLD.role IS DISTINCT FROM NEW.role
    OR OLD.active IS DISTINCT FROM NEW.active)
EXECUTE FUNCTION api_sessions_end_on_staff_change();
