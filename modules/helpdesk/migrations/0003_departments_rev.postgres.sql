-- PostgreSQL's text of 0003_departments_rev.sql: a write to the departments moves the
-- settings revision (settings_revision_bump, from the settings migrations).
CREATE TRIGGER helpdesk_departments_rev AFTER INSERT OR UPDATE OR DELETE ON helpdesk_departments
FOR EACH ROW EXECUTE FUNCTION settings_revision_bump();
