-- Per-client Show/Hide overrides of portal sections (issue 21): staff force a module's
-- section shown or hidden for one client over the global (and brand) settings.
-- A list like "+helpdesk -invoices", read with the client's row on every page, so the
-- override costs no query of its own (core.ParseSections).
ALTER TABLE clients ADD COLUMN sections TEXT NOT NULL DEFAULT '';
