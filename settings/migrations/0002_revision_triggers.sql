-- Every page's footer shows the client's invoice group (the supplier identity), which
-- pages memoise per settings revision (settings.Memo); a write to invoice_groups moves
-- the revision so every process rebuilds it on its next request.
CREATE TRIGGER invoice_groups_insert_rev AFTER INSERT ON invoice_groups
BEGIN UPDATE settings_revision SET rev = rev + 1 WHERE id = 1; END;
CREATE TRIGGER invoice_groups_update_rev AFTER UPDATE ON invoice_groups
BEGIN UPDATE settings_revision SET rev = rev + 1 WHERE id = 1; END;
CREATE TRIGGER invoice_groups_delete_rev AFTER DELETE ON invoice_groups
BEGIN UPDATE settings_revision SET rev = rev + 1 WHERE id = 1; END;
