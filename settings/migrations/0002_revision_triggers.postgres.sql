-- PostgreSQL's text of 0002_revision_triggers.sql: a write to invoice_groups moves the
-- settings revision, so every process rebuilds what it memoised (settings.Memo).
CREATE FUNCTION settings_revision_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE settings_revision SET rev = rev + 1 WHERE id = 1;
    RETURN NULL;
END $$;
CREATE TRIGGER invoice_groups_rev AFTER INSERT OR UPDATE OR DELETE ON invoice_groups
FOR EACH ROW EXECUTE FUNCTION settings_revision_bump();
