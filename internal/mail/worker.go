package mail

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
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

// Worker delivers the outbox. Run one per database: a second worker started against the
// same file re-queues the first one's in-flight row and may send it twice (same
// Message-ID).
type Worker struct {
	d    *db.DB
	cfg  func() SMTPConfig
	log  *slog.Logger
	now  func() time.Time
	loop *outbox.Loop

	// PollInterval is how often Run looks for due mails when not kicked (default 10 s).
	PollInterval time.Duration

	mu        sync.Mutex // one round at a time
	recovered bool
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
	w := &Worker{d: d, cfg: cfg, log: log, now: now, PollInterval: 10 * time.Second}
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
// The first call of a Worker re-queues rows left in "sending" by a previous process.
func (w *Worker) RunOnce(ctx context.Context) (sent, failed int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()

	if err := w.requeueSending(ctx, !w.recovered); err != nil {
		return 0, 0, err
	}
	w.recovered = true
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
			sendErr = w.send(client, cfg, o)
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

// outgoing is a claimed row.
type outgoing struct {
	id                  int64
	attempts            int
	messageID, purpose  string
	to                  []string
	subject, text, html string
}

// claim marks the next due row "sending" and returns it, completing its Message-ID with
// host on the first claim. The write transaction is IMMEDIATE, so no other writer can
// claim the same row in between.
func (w *Worker) claim(ctx context.Context, host string) (o outgoing, ok bool, err error) {
	now := fmtTime(w.now())
	err = w.d.Tx(ctx, func(tx *sql.Tx) error {
		var rcpts string
		err := tx.QueryRowContext(ctx, `SELECT id, attempts, message_id, purpose, recipients,
				subject, body_text, body_html
			FROM mail_outbox WHERE status = 'queued' AND next_attempt_at <= ?
				AND (expires_at IS NULL OR expires_at > ?)
			ORDER BY next_attempt_at, id LIMIT 1`, now, now).
			Scan(&o.id, &o.attempts, &o.messageID, &o.purpose, &rcpts, &o.subject, &o.text, &o.html)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(rcpts), &o.to); err != nil {
			return err
		}
		o.messageID = withDomain(o.messageID, host)
		_, err = tx.ExecContext(ctx, `UPDATE mail_outbox SET status = 'sending', claimed_at = ?, message_id = ?
			WHERE id = ? AND status = 'queued'`, now, o.messageID, o.id)
		ok = err == nil
		return err
	})
	return o, ok, err
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
	return w.d.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE mail_outbox SET status = 'queued' WHERE id = ? AND status = 'sending'`, id)
		return err
	})
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

// requeueSending puts rows stuck in "sending" back in the queue, to be sent again now
// with their Message-ID: all of them when this worker starts (they belong to a process
// that died mid-send), afterwards only those claimed over outbox.StaleSending ago. The
// interrupted send counts as an attempt, so a mail that crashes the process every time
// ends up failed instead of looping.
func (w *Worker) requeueSending(ctx context.Context, all bool) error {
	now := w.now()
	cutoff := now.Add(-outbox.StaleSending)
	if all {
		cutoff = now.Add(time.Hour * 24 * 365 * 100)
	}
	return w.d.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE mail_outbox
			SET status = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE 'queued' END,
				attempts = attempts + 1,
				last_error = 'interrupted while sending; sent again (same Message-ID)',
				next_attempt_at = ?
			WHERE status = 'sending' AND (claimed_at IS NULL OR claimed_at < ?)`,
			MaxAttempts, fmtTime(now), fmtTime(cutoff))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			w.log.Warn("mail.Worker: re-queued mails interrupted while sending", "count", n)
		}
		return w.removeSecrets(ctx, tx) // those interrupted for the last time failed
	})
}
