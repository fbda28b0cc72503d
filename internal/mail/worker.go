package mail

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/outbox"
)

// MaxAttempts is how many failed attempts give a mail up (outbox.MaxAttempts).
const MaxAttempts = outbox.MaxAttempts

// Backoff returns the wait after the n-th failed attempt (n ≥ 1), the schedule the
// SMS queue uses too.
func Backoff(n int) time.Duration { return outbox.Backoff(n) }

// Worker delivers the outbox. Any number of workers (one per instance) may share one
// database: each mail is claimed by exactly one, and a mail left "sending" by a worker
// that died is sent again (same Message-ID) once its claim is older than
// outbox.Lease.
type Worker struct {
	d    *db.DB
	cfg  func() SMTPConfig
	log  *slog.Logger
	now  func() time.Time
	loop *outbox.Loop

	// PollInterval is how often Run looks for due mails when not kicked (default 10 s).
	PollInterval time.Duration

	// Claimant names this worker's claims (outbox.NewClaimant).
	Claimant string

	mu sync.Mutex // one round at a time
}

// NewWorker returns a worker. cfg is called at every round, so settings changed by staff
// apply without a restart. now is the clock (time.Now outside tests).
func NewWorker(d *db.DB, cfg func() SMTPConfig, log *slog.Logger, now func() time.Time) *Worker {
	if log == nil {
		log = slog.Default()
	}
	if now == nil {
		now = time.Now
	}
	w := &Worker{d: d, cfg: cfg, log: log, now: now, PollInterval: 10 * time.Second, Claimant: outbox.NewClaimant()}
	w.loop = outbox.New("mail.Worker.Run", log, func(ctx context.Context) (int, error) {
		sent, failed, err := w.RunOnce(ctx)
		return sent + failed, err
	})
	return w
}

// Kick wakes Run now, e.g. after a transaction with Enqueue committed. It never blocks.
func (w *Worker) Kick() { w.loop.Kick() }

// Run delivers due mails until ctx is done, polling every PollInterval and woken early
// by Kick.
func (w *Worker) Run(ctx context.Context) { w.loop.Run(ctx, w.PollInterval) }

// RunOnce delivers the mails that are due now, one by one, and reports how many were
// delivered and how many attempts failed. With no SMTP host configured it sends nothing.
// Each round first re-queues the rows whose claim expired (a worker died mid-send).
func (w *Worker) RunOnce(ctx context.Context) (sent, failed int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()

	if err := w.requeueSending(ctx); err != nil {
		return 0, 0, err
	}
	// Before the SMTP check: mails wait while no server is configured, and their links
	// must not outlive them in the table.
	if err := w.expire(ctx); err != nil {
		return 0, 0, err
	}

	cfg := w.cfg()
	if cfg.Host == "" {
		return 0, 0, nil
	}
	if err := validateConfig(cfg); err != nil {
		return 0, 0, err
	}

	var client *gomail.Client
	defer func() {
		if client != nil {
			client.Close()
		}
	}()
	for sent+failed < outbox.BatchSize && ctx.Err() == nil {
		o, ok, err := w.claim(ctx, cfg.hostname())
		if err != nil {
			return sent, failed, err
		}
		if !ok {
			break
		}
		// One connection per round; after any error it is dropped and redialled, since
		// its state is unknown. A failed dial ends the round: the server is down, and
		// the other due mails would only wait for the same timeout.
		var sendErr error
		connDown := false
		if client == nil {
			client, sendErr = w.dial(ctx, cfg)
			connDown = sendErr != nil
		}
		if sendErr == nil {
			sendErr = w.send(client, senderOf(ctx, cfg, o), o)
		}
		if sendErr == nil {
			if err := w.markSent(ctx, o.id); err != nil {
				return sent, failed, err
			}
			sent++
			w.log.Info("mail.Worker: sent", "id", o.id, "purpose", o.purpose, "rcpt_domain", recipientDomains(o.to))
			continue
		}
		if ctx.Err() != nil {
			// Shutting down, not a delivery failure: put the row back as it was.
			return sent, failed, w.release(o.id)
		}
		failed++
		if client != nil {
			client.Close()
			client = nil
		}
		if err := w.markFailed(ctx, o, cleanError(sendErr, cfg, o.to)); err != nil {
			return sent, failed, err
		}
		if connDown {
			break
		}
	}
	return sent, failed, ctx.Err()
}

func (w *Worker) dial(ctx context.Context, cfg SMTPConfig) (*gomail.Client, error) {
	c, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	if err := c.DialWithContext(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

func (w *Worker) send(c *gomail.Client, cfg SMTPConfig, o outgoing) error {
	m, err := buildMsg(cfg, o, w.now())
	if err != nil {
		return err
	}
	err = c.Send(m)
	if err != nil && m.IsDelivered() {
		// The server accepted the data and only the RSET after it failed: the mail is
		// delivered, and counting it as failed would send it twice.
		w.log.Warn("mail.Worker: error after delivery", "id", o.id, "err", cleanError(err, cfg, o.to))
		return nil
	}
	return err
}

// senderOf is cfg with the sender's name of o: its client's brand's, when
// FromNameOf gives one that cannot break the header.
func senderOf(ctx context.Context, cfg SMTPConfig, o outgoing) SMTPConfig {
	if cfg.FromNameOf != nil && o.clientID != 0 {
		if n := cfg.FromNameOf(ctx, o.clientID); n != "" && !hasLineBreak(n) {
			cfg.FromName = n
		}
	}
	return cfg
}

// outgoing is a claimed row.
type outgoing struct {
	id                  int64
	clientID            int64
	attempts            int
	messageID, purpose  string
	to                  []string
	subject, text, html string
}

// queue is the outbox as outbox.Queue sees it.
var queue = outbox.Queue{Table: "mail_outbox", State: "status", Claimed: StatusSending,
	Due:   "status = 'queued' AND next_attempt_at <= ? AND (expires_at IS NULL OR expires_at > ?)",
	Order: "next_attempt_at, id"}

// claim marks the next due row "sending" by this worker and returns it, completing its
// Message-ID with host on the first claim.
func (w *Worker) claim(ctx context.Context, host string) (o outgoing, ok bool, err error) {
	now := w.now()
	err = w.d.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		o.id, ok, err = queue.Claim(ctx, w.d, tx, w.Claimant, now, fmtTime(now), fmtTime(now))
		if !ok || err != nil {
			return err
		}
		var rcpts string
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(client_id, 0), attempts, message_id, purpose, recipients, subject,
			body_text, body_html FROM mail_outbox WHERE id = ?`, o.id).
			Scan(&o.clientID, &o.attempts, &o.messageID, &o.purpose, &rcpts, &o.subject, &o.text, &o.html); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(rcpts), &o.to); err != nil {
			return err
		}
		o.messageID = withDomain(o.messageID, host)
		_, err = tx.ExecContext(ctx, `UPDATE mail_outbox SET message_id = ? WHERE id = ?`, o.messageID, o.id)
		return err
	})
	return o, ok && err == nil, err
}

// markSent records the delivery and removes the mail's secrets (a password link's
// token has no business staying in the database once it went out).
func (w *Worker) markSent(ctx context.Context, id int64) error {
	// A cancelled ctx must not leave a delivered mail in "sending" (it would be sent
	// again), so this write ignores cancellation.
	ctx = context.WithoutCancel(ctx)
	return w.d.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE mail_outbox SET status = 'sent', sent_at = ?, last_error = ''
			WHERE id = ?`, fmtTime(w.now()), id); err != nil {
			return err
		}
		return w.removeSecrets(ctx, tx)
	})
}

// expire gives up the waiting mails whose ExpiresAt has passed: their link no longer
// works, so sending them would only confuse, and their secrets go.
func (w *Worker) expire(ctx context.Context) error {
	now := fmtTime(w.now())
	return w.d.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE mail_outbox
			SET status = 'failed', last_error = 'expired before it could be delivered; the link in it no longer works'
			WHERE status = 'queued' AND expires_at IS NOT NULL AND expires_at <= ?`, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			w.log.Warn("mail.Worker: gave up mails whose link expired before delivery", "count", n)
		}
		return w.removeSecrets(ctx, tx)
	})
}

// removeSecrets replaces the secrets of every done (sent or failed) mail by Redacted in
// all its text columns and forgets them, in the caller's transaction. Only rows still
// holding secrets are read (a partial index covers them), so this stays cheap.
func (w *Worker) removeSecrets(ctx context.Context, tx *sql.Tx) error {
	type row struct {
		id                                    int64
		subject, text, html, lastErr, secrets string
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, subject, body_text, body_html, last_error, secrets
		FROM mail_outbox WHERE secrets <> '' AND status IN ('sent', 'failed')`)
	if err != nil {
		return err
	}
	var done []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.subject, &r.text, &r.html, &r.lastErr, &r.secrets); err != nil {
			rows.Close()
			return err
		}
		done = append(done, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	now := fmtTime(w.now())
	for _, r := range done {
		if _, err := tx.ExecContext(ctx, `UPDATE mail_outbox
			SET subject = ?, body_text = ?, body_html = ?, last_error = ?, secrets = '', secrets_removed_at = ?
			WHERE id = ?`, redact(r.subject, r.secrets), redact(r.text, r.secrets), redact(r.html, r.secrets),
			redact(r.lastErr, r.secrets), now, r.id); err != nil {
			return err
		}
	}
	return nil
}

// release returns a claimed row to the queue without counting an attempt.
func (w *Worker) release(id int64) error {
	ctx := context.Background()
	return w.d.Tx(ctx, func(tx *sql.Tx) error { return queue.Release(ctx, tx, id, w.Claimant, StatusQueued) })
}

// markFailed counts a failed attempt: back to "queued" with a later next_attempt_at, or
// "failed" after MaxAttempts.
func (w *Worker) markFailed(ctx context.Context, o outgoing, reason string) error {
	ctx = context.WithoutCancel(ctx)
	n := o.attempts + 1
	status := StatusQueued
	if n >= MaxAttempts {
		status = StatusFailed
	}
	next := w.now().Add(Backoff(n))
	w.log.Warn("mail.Worker: attempt failed", "id", o.id, "purpose", o.purpose,
		"rcpt_domain", recipientDomains(o.to), "attempts", n, "status", status, "err", reason)
	return w.d.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE mail_outbox
			SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?`,
			status, n, reason, fmtTime(next), o.id); err != nil {
			return err
		}
		return w.removeSecrets(ctx, tx) // when this was the last attempt
	})
}

// requeueSending puts rows whose claim expired (their worker died mid-send, see
// outbox.Lease) back in the queue, to be sent again now with their Message-ID. The
// interrupted send counts as an attempt, so a mail that crashes the process every time
// ends up failed instead of looping.
func (w *Worker) requeueSending(ctx context.Context) error {
	now := w.now()
	return w.d.Tx(ctx, func(tx *sql.Tx) error {
		n, err := queue.TakeOver(ctx, tx, now, `status = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE 'queued' END,
				attempts = attempts + 1,
				last_error = 'interrupted while sending; sent again (same Message-ID)',
				next_attempt_at = ?`, MaxAttempts, fmtTime(now))
		if err != nil {
			return err
		}
		if n > 0 {
			w.log.Warn("mail.Worker: re-queued mails interrupted while sending", "count", n)
		}
		return w.removeSecrets(ctx, tx) // those interrupted for the last time failed
	})
}
