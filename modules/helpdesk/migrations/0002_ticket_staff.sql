-- The staff member a ticket is assigned to (NULL: nobody).
ALTER TABLE helpdesk_tickets ADD COLUMN staff_id INTEGER REFERENCES staff (id) ON DELETE SET NULL;
