// Package mail is the portal's outgoing e-mail: a durable outbox table, a worker that
// delivers it over SMTP, and staff-editable templates.
//
// Delivery is at-least-once. A module writes the mail with Enqueue inside the same
// transaction as the change that caused it, so the mail exists exactly when that change
// committed and no request ever waits for SMTP. The Worker marks a row "sending" in its
// own transaction before talking to the server and "sent" afterwards; a crash between
// the two leaves the row in "sending", and the next worker re-sends it. The resend
// carries the Message-ID fixed at enqueue, so mail clients and most servers collapse
// the duplicate.
//
// Bodies may contain password links: they are never logged. A mail declares its tokens
// as Message.Secrets; nobody reading the outbox sees them, and they are removed from
// every column of the row once the mail is delivered, given up or expired, so that no
// usable token stays at rest. The rest of the mail is kept for staff to read.
package mail

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	netmail "net/mail"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
)

// Outbox statuses.
const (
	StatusQueued  = "queued"
	StatusSending = "sending"
	StatusSent    = "sent"
	StatusFailed  = "failed"
)

// Redacted replaces a Message's Secrets in the stored mail once it is done, and in
// what Get shows while it waits.
const Redacted = "[removed]"

// Limits on what Enqueue accepts.
const (
	maxRecipients = 50
	maxSubject    = 400 // runes; RFC 5322 lines stop at 998 bytes and encoded words grow
)

// Errors returned by Enqueue and the outbox helpers.
var (
	ErrNoRecipients    = errors.New("mail: no recipient")
	ErrInvalidAddress  = errors.New("mail: invalid address")
	ErrHeaderInjection = errors.New("mail: line break in a header value")
	ErrEmptySubject    = errors.New("mail: empty subject")
	ErrEmptyBody       = errors.New("mail: empty text body")
	ErrNotFound        = errors.New("mail: no such mail")
	ErrNotRetryable    = errors.New("mail: only queued or failed mails can be retried")
	// ErrSecretsRemoved refuses to retry a mail whose link was removed after it was
	// given up or expired: it would carry a dead link. Send a new one instead.
	ErrSecretsRemoved = errors.New("mail: the mail's link was removed; send a new one")
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the package's schema (tables mail_outbox and mail_templates) for
// db.Migrate.
func Migrations() db.Source {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		// The path is a compile-time constant of the embed above.
		panic(err)
	}
	return db.Source{Name: "mail", FS: sub}
}

// Message is one mail to enqueue.
type Message struct {
	// To holds one or more addresses, "jan@example.cz" or "Jan Novák <jan@example.cz>".
	To      []string
	Subject string
	// Text is the plain-text body; it is always sent.
	Text string
	// HTML is an optional alternative body.
	HTML string
	// Purpose names the kind of mail ("password_link") for listings and rate limits.
	Purpose string
	// ClientID is the client the mail concerns, 0 if none.
	ClientID int64
	// Secrets are substrings of the mail (a password link's token) that must not stay
	// at rest once the mail is done: they are shown to nobody who reads the outbox, and
	// are replaced by Redacted in every column when the mail is delivered, given up or
	// expired.
	Secrets []string
	// ExpiresAt is when the mail stops being worth sending (its link dies); a mail still
	// waiting then is given up. Zero means it never expires.
	ExpiresAt time.Time
	// At is when the mail was queued; zero means now. Callers pass their app clock so
	// that CountRecent windows (e.g. 3 links per 15 minutes) use the same time.
	At time.Time
}

// Querier is what *sql.DB and *sql.Tx have in common for reads.
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Enqueue validates m and writes it to the outbox in the caller's transaction. It
// returns the row id. Nothing is sent until tx commits and the worker picks it up;
// call Worker.Kick after the commit to have it sent without waiting for the next poll.
func Enqueue(ctx context.Context, tx *sql.Tx, m Message) (int64, error) {
	to, err := validate(m)
	if err != nil {
		return 0, err
	}
	rcpts, err := json.Marshal(to)
	if err != nil {
		return 0, err
	}
	secrets, err := encodeSecrets(m.Secrets)
	if err != nil {
		return 0, err
	}
	var client, expires any
	if m.ClientID != 0 {
		client = m.ClientID
	}
	if !m.ExpiresAt.IsZero() {
		expires = fmtTime(m.ExpiresAt)
	}
	at := m.At
	if at.IsZero() {
		at = time.Now()
	}
	now := fmtTime(at)
	id, err := core.InsertID(ctx, tx, `INSERT INTO mail_outbox
		(message_id, purpose, client_id, recipients, subject, body_text, body_html,
		 status, attempts, last_error, created_at, next_attempt_at, secrets, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', 0, '', ?, ?, ?, ?) RETURNING id`,
		newMessageID(), m.Purpose, client, string(rcpts), m.Subject, m.Text, m.HTML, now, now, secrets, expires)
	if err != nil {
		return 0, fmt.Errorf("mail.Enqueue: %w", err)
	}
	return id, nil
}

// encodeSecrets stores the non-empty, distinct secrets as a JSON array ("" for none).
func encodeSecrets(list []string) (string, error) {
	var keep []string
	for _, v := range list {
		if v != "" && !slices.Contains(keep, v) {
			keep = append(keep, v)
		}
	}
	if len(keep) == 0 {
		return "", nil
	}
	b, err := json.Marshal(keep)
	return string(b), err
}

// redact replaces every secret of a stored JSON list in s.
func redact(s, secrets string) string {
	if secrets == "" {
		return s
	}
	var list []string
	if err := json.Unmarshal([]byte(secrets), &list); err != nil {
		// Never written by Enqueue; fail closed rather than show the body.
		return Redacted
	}
	for _, v := range list {
		if v != "" {
			s = strings.ReplaceAll(s, v, Redacted)
		}
	}
	return s
}

// validate checks m and returns the trimmed recipients. Line breaks are refused rather
// than stripped: a CR/LF in a header value is either a bug or an injection attempt.
func validate(m Message) ([]string, error) {
	if len(m.To) == 0 {
		return nil, ErrNoRecipients
	}
	if len(m.To) > maxRecipients {
		return nil, fmt.Errorf("%w: more than %d recipients", ErrInvalidAddress, maxRecipients)
	}
	to := make([]string, 0, len(m.To))
	for _, raw := range m.To {
		a := strings.TrimSpace(raw)
		if hasLineBreak(a) {
			return nil, ErrHeaderInjection
		}
		if a == "" {
			return nil, ErrNoRecipients
		}
		if _, err := parseAddress(a); err != nil {
			return nil, err
		}
		to = append(to, a)
	}
	if hasLineBreak(m.Subject) || hasLineBreak(m.Purpose) {
		return nil, ErrHeaderInjection
	}
	if strings.TrimSpace(m.Subject) == "" {
		return nil, ErrEmptySubject
	}
	if utf8.RuneCountInString(m.Subject) > maxSubject || !utf8.ValidString(m.Subject) {
		return nil, fmt.Errorf("mail: subject longer than %d characters or not UTF-8", maxSubject)
	}
	if strings.TrimSpace(m.Text) == "" {
		return nil, ErrEmptyBody
	}
	return to, nil
}

// parseAddress accepts exactly one address with a domain.
func parseAddress(s string) (*netmail.Address, error) {
	a, err := netmail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %q", ErrInvalidAddress, s)
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at <= 0 || at == len(a.Address)-1 {
		return nil, fmt.Errorf("%w: %q", ErrInvalidAddress, s)
	}
	return a, nil
}

func hasLineBreak(s string) bool {
	return strings.ContainsAny(s, "\r\n\x00")
}

// newMessageID returns the local part of a Message-ID in angle brackets, "<random>".
// The worker adds the domain (SMTPConfig.Hostname, the portal's public name) when it
// first claims the mail and stores the whole id, so a resend after a crash carries the
// same id; the machine's own host name ("vm") never appears in a mail.
func newMessageID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return "<" + hex.EncodeToString(b[:]) + ">"
}

// withDomain completes an id from newMessageID with host; ids that already have a
// domain (rows queued before this scheme, or a resend) are returned as they are.
func withDomain(id, host string) string {
	if strings.Contains(id, "@") {
		return id
	}
	return strings.TrimSuffix(id, ">") + "@" + host + ">"
}

// HostnameFromURL returns the host name of an absolute URL such as ci_url, or "" when
// there is none or it is an IP address (no name a receiving server could check).
func HostnameFromURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	h := u.Hostname()
	if net.ParseIP(h) != nil {
		return ""
	}
	return dotAtom(h)
}

// dotAtom keeps what a domain in HELO and a Message-ID may hold, or returns "" when
// nothing sensible is left, so a strange value cannot break the greeting or a header.
func dotAtom(h string) string {
	clean := strings.Map(func(r rune) rune {
		if r == '.' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, h)
	clean = strings.ToLower(strings.Trim(clean, ".-"))
	if clean == "" || strings.Contains(clean, "..") {
		return ""
	}
	return clean
}

// recipientDomains returns the distinct domains of the addresses, for logs: the local
// part of an address identifies a person and stays out of the logs.
func recipientDomains(to []string) string {
	var out []string
	for _, s := range to {
		d := "?"
		if a, err := netmail.ParseAddress(s); err == nil {
			d = strings.ToLower(a.Address[strings.LastIndexByte(a.Address, '@')+1:])
		}
		dup := false
		for _, x := range out {
			dup = dup || x == d
		}
		if !dup {
			out = append(out, d)
		}
	}
	return strings.Join(out, ",")
}

// fmtTime formats t as stored: RFC 3339 in UTC with whole seconds, so that the text
// columns sort and compare in time order.
func fmtTime(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}

func parseTime(s sql.NullString) time.Time {
	if !s.Valid || s.String == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s.String)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Recipients splits a client's e-mail field ("a@x.cz; b@y.cz") into addresses.
func Recipients(email string) []string {
	var out []string
	for _, a := range strings.FieldsFunc(email, func(r rune) bool { return r == ',' || r == ';' }) {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}
