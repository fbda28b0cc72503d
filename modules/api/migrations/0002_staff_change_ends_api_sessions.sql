-- An API session id (SID) ends when its staff account's password, role or active flag
-- changes, like the account's console sessions (internal/web's migration 0002): a
-- trigger, so that every path that changes a staff account is covered, and a
-- deactivated account that is enabled again does not get its old SIDs back.
CREATE TRIGGER api_sessions_end_on_staff_change
AFTER UPDATE OF password_hash, role, active ON staff
WHEN OLD.password_hash IS NOT NEW.password_hash OR OLD.role IS NOT NEW.role OR OLD.active IS NOT NEW.active
BEGIN
    DELETE FROM api_sessions WHERE staff_id = NEW.id;
END;
