-- Durable outbox: a mail is written in the transaction of whatever caused it and sent
-- later by the worker. Timestamps are RFC 3339 UTC text, so they compare as strings.
CREATE TABLE mail_outbox (
	id INTEGER PRIMARY KEY,
	message_id TEXT NOT NULL UNIQUE,           -- "<token@host>", fixed at enqueue
	purpose TEXT NOT NULL DEFAULT '',
	client_id INTEGER NULL,                     -- NULL when the mail concerns no client
	recipients TEXT NOT NULL,                   -- JSON array of addresses
	subject TEXT NOT NULL,
	body_text TEXT NOT NULL,                    -- cleared once delivered
	body_html TEXT NOT NULL DEFAULT '',         -- cleared once delivered
	status TEXT NOT NULL DEFAULT 'queued'
		CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	next_attempt_at TEXT NOT NULL,
	claimed_at TEXT NULL,
	sent_at TEXT NULL
);

-- The worker's "what is due" query.
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
-- Per-client rate limits ("at most 3 password mails per 15 min").
CREATE INDEX mail_outbox_client ON mail_outbox (client_id, purpose, created_at);
