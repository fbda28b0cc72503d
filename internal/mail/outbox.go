package mail

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/db"
)

// Entry is one outbox row as shown to staff and the CLI.
type Entry struct {
	ID        int64
	MessageID string // "<token@host>"
	Purpose   string
	ClientID  int64 // 0 if none
	To        []string
	Subject   string
	// Text and HTML are filled by Get only, with the mail's secrets shown as Redacted
	// (empty for mails delivered before secrets were declared).
	Text, HTML    string
	Status        string
	Attempts      int
	LastError     string
	CreatedAt     time.Time
	NextAttemptAt time.Time
	SentAt        time.Time // zero until delivered
}

// ListFilter selects outbox rows; zero fields select everything.
type ListFilter struct {
	Status   string
	Purpose  string
	ClientID int64
	// Limit caps the result (default 50, at most 1000).
	Limit int
}

const entryColumns = `id, message_id, purpose, client_id, recipients, subject, status,
	attempts, last_error, created_at, next_attempt_at, sent_at`

func scanEntry(sc interface{ Scan(...any) error }, extra ...any) (Entry, error) {
	var (
		e                     Entry
		client                sql.NullInt64
		rcpts                 string
		created, next, sentAt sql.NullString
	)
	dest := append([]any{&e.ID, &e.MessageID, &e.Purpose, &client, &rcpts, &e.Subject, &e.Status,
		&e.Attempts, &e.LastError, &created, &next, &sentAt}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return Entry{}, err
	}
	e.ClientID = client.Int64
	if err := json.Unmarshal([]byte(rcpts), &e.To); err != nil {
		return Entry{}, fmt.Errorf("mail: recipients of %d: %w", e.ID, err)
	}
	e.CreatedAt, e.NextAttemptAt, e.SentAt = parseTime(created), parseTime(next), parseTime(sentAt)
	return e, nil
}

// List returns outbox rows without bodies, newest first.
func List(ctx context.Context, r *sql.DB, f ListFilter) ([]Entry, error) {
	var where []string
	var args []any
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.Purpose != "" {
		where, args = append(where, "purpose = ?"), append(args, f.Purpose)
	}
	if f.ClientID != 0 {
		where, args = append(where, "client_id = ?"), append(args, f.ClientID)
	}
	q := "SELECT " + entryColumns + " FROM mail_outbox"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1000)
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, limit)

	rows, err := r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("mail.List: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("mail.List: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Get returns one outbox row with its bodies. A mail still waiting holds its secrets
// (the worker needs them); Get shows them as Redacted, like every column of a done mail.
func Get(ctx context.Context, r *sql.DB, id int64) (Entry, error) {
	var text, html, secrets string
	row := r.QueryRowContext(ctx, "SELECT "+entryColumns+", body_text, body_html, secrets FROM mail_outbox WHERE id = ?", id)
	e, err := scanEntry(row, &text, &html, &secrets)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, ErrNotFound
	}
	if err != nil {
		return Entry{}, fmt.Errorf("mail.Get: %w", err)
	}
	e.Text, e.HTML = redact(text, secrets), redact(html, secrets)
	e.Subject, e.LastError = redact(e.Subject, secrets), redact(e.LastError, secrets)
	return e, nil
}

// Count returns the number of rows with the status ("" counts all).
func Count(ctx context.Context, r *sql.DB, status string) (int, error) {
	var n int
	var err error
	if status == "" {
		err = r.QueryRowContext(ctx, "SELECT COUNT(*) FROM mail_outbox").Scan(&n)
	} else {
		err = r.QueryRowContext(ctx, "SELECT COUNT(*) FROM mail_outbox WHERE status = ?", status).Scan(&n)
	}
	return n, err
}

// CountRecent counts the mails of a purpose enqueued for a client since a time. Run it
// with the transaction that will Enqueue, so that the check and the insert are atomic
// (the write transactions are IMMEDIATE): this is the per-client mail cap.
func CountRecent(ctx context.Context, q Querier, clientID int64, purpose string, since time.Time) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM mail_outbox
		WHERE client_id = ? AND purpose = ? AND created_at >= ?`,
		clientID, purpose, fmtTime(since)).Scan(&n)
	return n, err
}

// Retry queues a failed (or waiting) mail for delivery now, with a fresh attempt count.
// A mail whose secrets were removed (it was given up or its link expired) is refused
// with ErrSecretsRemoved: it would carry a dead link. Call Worker.Kick afterwards to
// send it without waiting for the next poll.
func Retry(ctx context.Context, d *db.DB, id int64) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		var status string
		var removed sql.NullString
		err := tx.QueryRowContext(ctx, "SELECT status, secrets_removed_at FROM mail_outbox WHERE id = ?", id).Scan(&status, &removed)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if status != StatusFailed && status != StatusQueued {
			return ErrNotRetryable
		}
		if removed.Valid {
			return ErrSecretsRemoved
		}
		_, err = tx.ExecContext(ctx, `UPDATE mail_outbox
			SET status = 'queued', attempts = 0, next_attempt_at = ? WHERE id = ?`,
			fmtTime(time.Now()), id)
		return err
	})
}
