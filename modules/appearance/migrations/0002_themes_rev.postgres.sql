-- PostgreSQL's text of 0002_themes_rev.sql: a write to the stored themes moves the
-- settings revision (settings_revision_bump, from the settings migrations).
CREATE TRIGGER staff_themes_rev AFTER INSERT OR UPDATE OR DELETE ON staff_themes
FOR EACH ROW EXECUTE FUNCTION settings_revision_bump();
CREATE TRIGGER staff_theme_files_rev AFTER INSERT OR UPDATE OR DELETE ON staff_theme_files
FOR EACH ROW EXECUTE FUNCTION settings_revision_bump();
