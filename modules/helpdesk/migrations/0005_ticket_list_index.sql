-- The console's ticket list shows the 200 most recently changed tickets of every
-- client, of one state or all. Without an index in that order both databases read
-- and sorted every ticket for each view: 0.5 s at the 200,000 tickets of the bench's
-- 100,000-client data set. These give the order, with and without the state filter.
CREATE INDEX helpdesk_tickets_updated ON helpdesk_tickets (updated_at, id);
CREATE INDEX helpdesk_tickets_state_updated ON helpdesk_tickets (state, updated_at, id);
