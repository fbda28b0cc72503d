-- The console's queue lists the newest messages of one status (failed ones, to
-- retry) by id; the worker's index on (status, next_attempt_at) found them but not in
-- that order, so every view sorted all messages of the status, and sent ones pile up.
CREATE INDEX sms_queue_status ON sms_queue (status, id);
