-- The staff's answer to an erasure or restriction request: required when it is
-- refused (GDPR art. 12(4): the reasons for not taking action), mailed to the client
-- and shown on their own-data page.
ALTER TABLE gdpr_requests ADD COLUMN reply TEXT NOT NULL DEFAULT '';
