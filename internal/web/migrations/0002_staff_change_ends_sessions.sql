-- A staff member's console sessions, and the portal sessions they opened with "view as
-- client", end when the account's password, role or active flag changes (SECURITY.md
-- items 17 and 25). A trigger covers every path that changes a staff account: the CLI
-- today, any console or API form later, core.SaveStaff or not. The one change that is
-- not a new password, the login's rehash to new hashing parameters, also ends the
-- member's other sessions; that happens once per account after an upgrade.
CREATE TRIGGER sessions_end_on_staff_change
AFTER UPDATE OF password_hash, role, active ON staff
WHEN OLD.password_hash IS NOT NEW.password_hash OR OLD.role IS NOT NEW.role OR OLD.active IS NOT NEW.active
BEGIN
    DELETE FROM sessions WHERE staff_id = NEW.id OR view_as = NEW.id;
END;
