-- The devices (web.Device of the User-Agent: "Firefox / Windows") a client has logged
-- in from. Sessions are deleted at logout, so this small table is what tells a new
-- device from a known one for the login-notification mail.
CREATE TABLE known_devices (
    client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    device TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (client_id, device)
) WITHOUT ROWID;
