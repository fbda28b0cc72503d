-- The devices a staff member has logged in to the console from, for the staff
-- new-device mail (ci_staff_login_notify_new_device), like known_devices for clients.
CREATE TABLE staff_known_devices (
    staff_id INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    device TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (staff_id, device)
) WITHOUT ROWID;
