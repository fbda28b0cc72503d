-- A mail's secrets (a password link's token) are kept beside it only while it may still
-- be sent; the worker replaces them by "[removed]" in every column once the mail is
-- delivered, given up or expired (secrets_removed_at says when). The bodies of done
-- mails are kept otherwise, so staff can see what a client was sent.
ALTER TABLE mail_outbox ADD COLUMN secrets TEXT NOT NULL DEFAULT '';  -- JSON array, '' when none are left
ALTER TABLE mail_outbox ADD COLUMN secrets_removed_at TEXT NULL;
ALTER TABLE mail_outbox ADD COLUMN expires_at TEXT NULL;              -- not worth sending after this

-- Only rows that still hold secrets are swept.
CREATE INDEX mail_outbox_secrets ON mail_outbox (status) WHERE secrets <> '';

-- Rows written before this migration declare no secrets. Done ones lose their bodies,
-- which may hold a link. Password-link mails still waiting (the auth module's purpose
-- "password_link") are given up: their links have most likely expired, and the token
-- in them could not be removed after sending. The client asks for a new link.
UPDATE mail_outbox SET body_text = '', body_html = '' WHERE status IN ('sent', 'failed');
UPDATE mail_outbox SET status = 'failed', body_text = '', body_html = '',
	last_error = 'queued before an upgrade; the link in it was removed, send a new one'
	WHERE purpose = 'password_link' AND status IN ('queued', 'sending');
