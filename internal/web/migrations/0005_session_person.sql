-- The invited person of an account (modules/people) a portal session belongs to:
-- person_id 0 is the account holder. person (the login name) tags the audit entries
-- of the session; role is the person's role when the session started (a change of
-- role ends the person's sessions, by the people module's trigger).
ALTER TABLE sessions ADD COLUMN person_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN person TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN role TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_person ON sessions (person_id) WHERE person_id <> 0;
