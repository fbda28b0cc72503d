-- PostgreSQL's text of 0002_staff_change_ends_sessions.sql: a staff member's sessions
-- (and the "view as client" ones) end when the password, role or active flag changes.
CREATE FUNCTION sessions_end_on_staff_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM sessions WHERE staff_id = NEW.id OR view_as = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER sessions_end_on_staff_change
AFTER UPDATE OF password_hash, role, active ON staff
FOR EACH ROW WHEN (OLD.password_hash IS DISTINCT FROM NEW.password_hash OR OLD.role IS DISTINCT FROM NEW.role
    OR OLD.active IS DISTINCT FROM NEW.active)
EXECUTE FUNCTION sessions_end_on_staff_change();
