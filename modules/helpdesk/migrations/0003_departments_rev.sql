-- Whether a department takes portal requests decides the Helpdesk tab on every page
-- (and the Requests tab's place), which pages memoise per settings revision
-- (settings.Memo); a write to the departments moves the revision so every process
-- sees the change on its next request.
CREATE TRIGGER helpdesk_departments_insert_rev AFTER INSERT ON helpdesk_departments
BEGIN UPDATE settings_revision SET rev = rev + 1 WHERE id = 1; END;
CREATE TRIGGER helpdesk_departments_update_rev AFTER UPDATE ON helpdesk_departments
BEGIN UPDATE settings_revision SET rev = rev + 1 WHERE id = 1; END;
CREATE TRIGGER helpdesk_departments_delete_rev AFTER DELETE ON helpdesk_departments
BEGIN UPDATE settings_revision SET rev = rev + 1 WHERE id = 1; END;
