-- A password link goes to an address; when the client's e-mail or login name changes
-- (the client's data change, the console, the API, the CLI), links already sent to the
-- old address must stop working (SECURITY.md item 13). A trigger covers every path.
CREATE TRIGGER password_tokens_die_on_contact_change
AFTER UPDATE OF email, username ON clients
WHEN OLD.email IS NOT NEW.email OR OLD.username IS NOT NEW.username
BEGIN
    DELETE FROM password_reset_states WHERE token_hash IN
        (SELECT token_hash FROM password_tokens WHERE client_id = NEW.id AND used_at IS NULL);
    UPDATE password_tokens SET used_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
        WHERE client_id = NEW.id AND used_at IS NULL;
END;
