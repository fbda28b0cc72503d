-- PostgreSQL's text of 0002_kill_tokens_on_contact_change.sql: links sent to an old
-- address stop working when the client's e-mail or login name changes.
CREATE FUNCTION password_tokens_die_on_contact_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM password_reset_states WHERE token_hash IN
        (SELECT token_hash FROM password_tokens WHERE client_id = NEW.id AND used_at IS NULL);
    UPDATE password_tokens SET used_at = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
        WHERE client_id = NEW.id AND used_at IS NULL;
    RETURN NULL;
END $$;
CREATE TRIGGER password_tokens_die_on_contact_change
AFTER UPDATE OF email, username ON clients
FOR EACH ROW WHEN (OLD.email IS DISTINCT FROM NEW.email OR OLD.username IS DISTINCT FROM NEW.username)
EXECUTE FUNCTION password_tokens_die_on_contact_change();
