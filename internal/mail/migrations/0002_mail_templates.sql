-- Staff-edited e-mail templates. invoice_group_id NULL = default for all groups;
-- language '' = any language.
CREATE TABLE mail_templates (
	id INTEGER PRIMARY KEY,
	purpose TEXT NOT NULL,
	invoice_group_id INTEGER NULL,
	language TEXT NOT NULL DEFAULT '',
	subject TEXT NOT NULL,
	body TEXT NOT NULL,
	updated_at TEXT NOT NULL
);

-- UNIQUE (purpose, invoice_group_id, language) would let any number of NULL-group rows
-- through, because NULLs are distinct in unique constraints; the expression folds NULL
-- to 0 (no real group has id 0). Works in SQLite and PostgreSQL alike.
CREATE UNIQUE INDEX mail_templates_key
	ON mail_templates (purpose, COALESCE(invoice_group_id, 0), language);
