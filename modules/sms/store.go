package sms

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ispportal/portal/internal/core"
	smslib "github.com/ispportal/portal/internal/sms"
)

// Queue statuses.
const (
	StatusQueued  = "queued"
	StatusSending = "sending"
	StatusSent    = "sent"
	StatusFailed  = "failed"
)

// Errors of the store functions.
var (
	// ErrLimit means the client has used up ci_sms_per_month for this calendar month.
	ErrLimit = errors.New("sms: monthly limit reached")
	// ErrEmptyText refuses a message with no text.
	ErrEmptyText = errors.New("sms: empty text")
	// ErrTextTooLong refuses a text needing more than sms.MaxParts parts.
	ErrTextTooLong = errors.New("sms: text too long")
	// ErrNotE164 refuses a number that was not normalised first.
	ErrNotE164 = errors.New("sms: number must be in international form")
)

// maxTextRunes stops hostile input before the part counter walks it; 10 UCS-2 parts
// hold 670 characters and 10 GSM-7 parts 1530, so anything longer is refused anyway.
const maxTextRunes = 2000

// Contact is one entry of a client's telephone directory.
type Contact struct {
	ID         int64
	ExternalID string
	ClientID   int64
	Name       string
	Number     string // E.164
}

// Message is one queued SMS.
type Message struct {
	ID            int64
	ExternalID    string
	ClientID      int64
	Number        string
	Text          string
	Parts         int
	Status        string
	Attempts      int
	LastError     string
	ProviderID    string
	CreatedAt     time.Time
	NextAttemptAt time.Time
	SentAt        time.Time

	// ClientNumber is filled by the staff lists (ListQueue, `portal sms queue`) only.
	ClientNumber string
}

// ListContacts returns a client's directory sorted by name.
func ListContacts(ctx context.Context, q core.Querier, clientID int64) ([]Contact, error) {
	return core.List(ctx, q, scanContact, `SELECT id, COALESCE(external_id, ''), client_id, name, number
		FROM sms_contacts WHERE client_id = ? ORDER BY lower(name), id`, clientID)
}

func scanContact(row core.Row) (Contact, error) {
	var c Contact
	err := row.Scan(&c.ID, &c.ExternalID, &c.ClientID, &c.Name, &c.Number)
	return c, err
}

// ContactByID loads one of the client's contacts; another client's id gives
// core.ErrNotFound.
func ContactByID(ctx context.Context, q core.Querier, clientID, id int64) (Contact, error) {
	var c Contact
	err := q.QueryRowContext(ctx, `SELECT id, COALESCE(external_id, ''), client_id, name, number
		FROM sms_contacts WHERE id = ? AND client_id = ?`, id, clientID).
		Scan(&c.ID, &c.ExternalID, &c.ClientID, &c.Name, &c.Number)
	if errors.Is(err, sql.ErrNoRows) {
		return c, core.ErrNotFound
	}
	return c, err
}

// SaveContact inserts a contact (ID 0) or updates the client's contact with that ID
// (core.ErrNotFound when it is not theirs). The number must already be E.164.
func SaveContact(ctx context.Context, tx *sql.Tx, c Contact, now time.Time) (int64, error) {
	if !strings.HasPrefix(c.Number, "+") {
		return 0, ErrNotE164
	}
	var err error
	if c.Name, err = core.Required(c.Name); err != nil {
		return 0, fmt.Errorf("sms: contact name %w", err)
	}
	ts := core.Now(now)
	if c.ID == 0 {
		id, err := core.InsertID(ctx, tx, `INSERT INTO sms_contacts (external_id, client_id, name, number, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, core.Null(c.ExternalID), c.ClientID, c.Name, c.Number, ts, ts)
		if err != nil {
			return 0, fmt.Errorf("sms.SaveContact: %w", err)
		}
		return id, nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE sms_contacts SET name = ?, number = ?, updated_at = ?
		WHERE id = ? AND client_id = ?`, c.Name, c.Number, ts, c.ID, c.ClientID)
	if err != nil {
		return 0, fmt.Errorf("sms.SaveContact: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, core.ErrNotFound
	}
	return c.ID, nil
}

// DeleteContact removes one of the client's contacts.
func DeleteContact(ctx context.Context, tx *sql.Tx, clientID, id int64) error {
	res, err := tx.ExecContext(ctx, `DELETE FROM sms_contacts WHERE id = ? AND client_id = ?`, id, clientID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.ErrNotFound
	}
	return nil
}

// monthBounds returns the first instant of now's calendar month and of the next one,
// in the server's local time zone, as stored timestamps.
func monthBounds(now time.Time) (from, to string) {
	l := now.In(time.Local)
	start := time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, time.Local)
	return core.Now(start), core.Now(start.AddDate(0, 1, 0))
}

// CountThisMonth returns how many messages count against the client's monthly limit:
// every message created this calendar month except those that failed (a message the
// provider never delivered is not charged).
func CountThisMonth(ctx context.Context, q core.Querier, clientID int64, now time.Time) (int, error) {
	from, to := monthBounds(now)
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM sms_queue
		WHERE client_id = ? AND created_at >= ? AND created_at < ? AND status <> 'failed'`, clientID, from, to).Scan(&n)
	return n, err
}

// CheckText validates a text and returns its number of parts.
func CheckText(text string) (int, error) {
	if strings.TrimSpace(text) == "" {
		return 0, ErrEmptyText
	}
	if utf8.RuneCountInString(text) > maxTextRunes {
		return 0, ErrTextTooLong
	}
	_, parts, _ := smslib.Parts(text)
	if parts > smslib.MaxParts {
		return parts, ErrTextTooLong
	}
	return parts, nil
}

// EnqueueSMS stores a message for the worker in the caller's write transaction. With
// perMonth > 0 it first counts the client's messages of this calendar month and
// refuses with ErrLimit when the limit is used up; because the count and the insert
// share one IMMEDIATE transaction, two racing sends cannot both take the last one.
// clientID 0 queues a message from staff, outside any limit. number must be E.164.
func EnqueueSMS(ctx context.Context, tx *sql.Tx, clientID int64, number, text string, perMonth int, now time.Time) (int64, error) {
	if !strings.HasPrefix(number, "+") {
		return 0, ErrNotE164
	}
	parts, err := CheckText(text)
	if err != nil {
		return 0, err
	}
	if clientID != 0 && perMonth > 0 {
		n, err := CountThisMonth(ctx, tx, clientID, now)
		if err != nil {
			return 0, err
		}
		if n >= perMonth {
			return 0, ErrLimit
		}
	}
	ts := core.Now(now)
	id, err := core.InsertID(ctx, tx, `INSERT INTO sms_queue (client_id, number, text, parts, status, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, 'queued', ?, ?) RETURNING id`, core.Null(clientID), number, text, parts, ts, ts)
	if err != nil {
		return 0, fmt.Errorf("sms.EnqueueSMS: %w", err)
	}
	return id, nil
}

const messageCols = `id, COALESCE(external_id, ''), COALESCE(client_id, 0), number, text, parts, status, attempts,
	last_error, provider_id, created_at, next_attempt_at, COALESCE(sent_at, '')`

// queueCols and queueFrom read messages with their client's number for staff lists.
// The clients side is renamed (cid, cnumber) so that messageCols' bare names stay
// those of sms_queue; SQLite flattens the subquery into a plain LEFT JOIN on the
// clients' primary key, so a list costs one query whatever its length.
const (
	queueCols = messageCols + `, COALESCE(cnumber, '')`
	queueFrom = ` FROM sms_queue LEFT JOIN (SELECT id AS cid, number AS cnumber FROM clients) c ON c.cid = client_id`
)

// scanQueued scans a row of queueCols.
func scanQueued(row interface{ Scan(...any) error }) (Message, error) {
	var number string
	m, err := scanMessage(row, &number)
	m.ClientNumber = number
	return m, err
}

func scanMessage(row interface{ Scan(...any) error }, extra ...any) (Message, error) {
	var m Message
	var created, next, sent string
	err := row.Scan(append([]any{&m.ID, &m.ExternalID, &m.ClientID, &m.Number, &m.Text, &m.Parts, &m.Status, &m.Attempts,
		&m.LastError, &m.ProviderID, &created, &next, &sent}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return m, core.ErrNotFound
	}
	m.CreatedAt, m.NextAttemptAt, m.SentAt = core.ParseTime(created), core.ParseTime(next), core.ParseTime(sent)
	return m, err
}

// ListMessages returns a client's messages, newest first, at most limit of them.
func ListMessages(ctx context.Context, q core.Querier, clientID int64, limit int) ([]Message, error) {
	scan := func(row core.Row) (Message, error) { return scanMessage(row) }
	return core.List(ctx, q, scan, sqlListMessages, clientID, limit)
}

// sqlListMessages pages by the index on (client_id, created_at, id) (migration 0003),
// so neither database sorts a client's messages to find the newest.
const sqlListMessages = `SELECT ` + messageCols + ` FROM sms_queue WHERE client_id = ?
		ORDER BY created_at DESC, id DESC LIMIT ?`

// MessageByID loads one queued message (any client), for the CLI and API.
func MessageByID(ctx context.Context, q core.Querier, id int64) (Message, error) {
	return scanMessage(q.QueryRowContext(ctx, `SELECT `+messageCols+` FROM sms_queue WHERE id = ?`, id))
}

// ListQueue returns the newest messages of every client, optionally of one status,
// for the staff console's queue view.
func ListQueue(ctx context.Context, q core.Querier, status string, limit int) ([]Message, error) {
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	query, args := listQueueQuery(status, limit)
	return core.List(ctx, q, scanQueued, query, args...)
}

// listQueueQuery orders by id, the order messages were queued in, which the primary
// key (and for one status the index on (status, id), migration 0004) gives: ordered by
// time, every view read and sorted the whole queue, which keeps every message ever
// sent. The status is a condition only when chosen.
func listQueueQuery(status string, limit int) (string, []any) {
	if status == "" {
		return `SELECT ` + queueCols + queueFrom + ` ORDER BY id DESC LIMIT ?`, []any{limit}
	}
	return `SELECT ` + queueCols + queueFrom + ` WHERE status = ? ORDER BY id DESC LIMIT ?`, []any{status, limit}
}

// ErrNotRetryable is returned by Retry for a message that was sent or is being sent.
var ErrNotRetryable = errors.New("sms: only a failed or waiting message can be retried")

// Retry queues a failed (or waiting) message again, due now, with a fresh attempt
// count, so staff can resend after fixing the gateway settings.
func Retry(ctx context.Context, tx *sql.Tx, id int64, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE sms_queue SET status = 'queued', attempts = 0, next_attempt_at = ?, last_error = ''
		WHERE id = ? AND status IN ('failed', 'queued')`, core.Now(now), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	if _, err := MessageByID(ctx, tx, id); err != nil {
		return err
	}
	return ErrNotRetryable
}
