-- Every instance serves the stored themes from memory, memoised per settings revision
-- (settings.Memo): a write to them moves the revision, so an upload or a new theme
-- made through one instance is served by every other one from its next request.
CREATE TRIGGER staff_themes_insert_rev AFTER INSERT ON staff_themes
BEGIN UPDATE settings_revision SET rev = rev + 1 WHERE id = 1; END;
CREATE TRIGGER staff_themes_update_rev AFTER UPDATE ON staff_themes
BEGIN UPDATE settings_revision SET rev = rev + 1 WHERE id = 1; END;
CREATE TRIGGER staff_themes_delete_rev AFTER DELETE ON staff_themes
BEGIN UPDATE settings_revision SET rev = rev + 1 WHERE id = 1; END;
CREATE TRIGGER staff_theme_files_insert_rev AFTER INSERT ON staff_theme_files
BEGIN UPDATE settings_revision SET rev = rev + 1 WHERE id = 1; END;
CREATE TRIGGER staff_theme_files_update_rev AFTER UPDATE ON staff_theme_files
BEGIN UPDATE settings_revision SET rev = rev + 1 WHERE id = 1; END;
CREATE TRIGGER staff_theme_files_delete_rev AFTER DELETE ON staff_theme_files
BEGIN UPDATE settings_revision SET rev = rev + 1 WHERE id = 1; END;
