package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ispportal/portal/internal/core"
)

// Errors of Reveal and Resend.
var (
	// ErrNothingToReveal: the mail holds no link any more (delivered, given up or
	// expired), or never held one.
	ErrNothingToReveal = errors.New("mail: the mail holds no valid link")
	// ErrNotResendable: only a delivered mail is sent again (retry a failed one).
	ErrNotResendable = errors.New("mail: only a sent mail can be sent again")
)

// Reveal returns one mail with its secrets shown (a password link), only while the
// row still holds them and the mail has not expired, i.e. while the link it carries
// is still valid; otherwise ErrNothingToReveal. The caller audits the viewing.
func Reveal(ctx context.Context, r *sql.DB, id int64, now time.Time) (Entry, error) {
	var text, html, secrets string
	var expires sql.NullString
	row := r.QueryRowContext(ctx, "SELECT "+entryColumns+", body_text, body_html, secrets, expires_at FROM mail_outbox WHERE id = ?", id)
	e, err := scanEntry(row, &text, &html, &secrets, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, ErrNotFound
	}
	if err != nil {
		return Entry{}, fmt.Errorf("mail.Reveal: %w", err)
	}
	if secrets == "" || (expires.Valid && !parseTime(expires).After(now)) {
		return Entry{}, ErrNothingToReveal
	}
	e.Text, e.HTML = text, html
	return e, nil
}

// Resend queues a copy of a sent mail (same recipients, subject and bodies, a new
// Message-ID) and returns its id; call Worker.Kick after the commit. A mail that
// carried a link is refused with ErrSecretsRemoved (its link is gone from the row; the
// client needs a new one), a mail that is not sent with ErrNotResendable.
func Resend(ctx context.Context, tx *sql.Tx, id int64, now time.Time) (int64, error) {
	var status, secrets string
	var removed sql.NullString
	err := tx.QueryRowContext(ctx, "SELECT status, secrets, secrets_removed_at FROM mail_outbox WHERE id = ?", id).Scan(&status, &secrets, &removed)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	if removed.Valid || secrets != "" {
		return 0, ErrSecretsRemoved
	}
	if status != StatusSent {
		return 0, ErrNotResendable
	}
	at := fmtTime(now)
	newID, err := core.InsertID(ctx, tx, `INSERT INTO mail_outbox
		(message_id, purpose, client_id, recipients, subject, body_text, body_html,
		 status, attempts, last_error, created_at, next_attempt_at, secrets, expires_at)
		SELECT ?, purpose, client_id, recipients, subject, body_text, body_html, 'queued', 0, '', ?, ?, '', NULL
		FROM mail_outbox WHERE id = ? RETURNING id`, newMessageID(), at, at, id)
	if err != nil {
		return 0, fmt.Errorf("mail.Resend: %w", err)
	}
	return newID, nil
}

// LastAttemptFailed reports whether the newest mail the worker tried to deliver failed
// (its last attempt has an error and it is not sent): delivery is broken right now,
// whatever older mails did. No attempt at all is not a failure.
func LastAttemptFailed(ctx context.Context, r *sql.DB) (bool, error) {
	var status string
	err := r.QueryRowContext(ctx, `SELECT status FROM mail_outbox WHERE status = 'sent' OR last_error <> ''
		ORDER BY id DESC LIMIT 1`).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil && status != StatusSent, err
}
