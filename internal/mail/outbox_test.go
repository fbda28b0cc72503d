package mail

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestEnqueueRolledBackLeavesNoRow(t *testing.T) {
	d := newTestDB(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := Enqueue(ctx, tx, sampleMessage()); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Tx = %v", err)
	}
	if n, _ := Count(ctx, d.R, ""); n != 0 {
		t.Fatalf("rows after rollback = %d, want 0", n)
	}
	enqueue(t, d, sampleMessage())
	if n, _ := Count(ctx, d.R, StatusQueued); n != 1 {
		t.Fatalf("rows after commit = %d, want 1", n)
	}
}

func TestEnqueueValidation(t *testing.T) {
	d := newTestDB(t)
	ctx := context.Background()
	mod := func(f func(*Message)) Message { m := sampleMessage(); f(&m); return m }
	cases := []struct {
		name string
		m    Message
		want error
	}{
		{"no recipient", mod(func(m *Message) { m.To = nil }), ErrNoRecipients},
		{"blank recipient", mod(func(m *Message) { m.To = []string{"  "} }), ErrNoRecipients},
		{"bad address", mod(func(m *Message) { m.To = []string{"not an address"} }), ErrInvalidAddress},
		{"no domain", mod(func(m *Message) { m.To = []string{"jan@"} }), ErrInvalidAddress},
		{"two in one", mod(func(m *Message) { m.To = []string{"a@x.cz, b@x.cz"} }), ErrInvalidAddress},
		{"empty subject", mod(func(m *Message) { m.Subject = "  " }), ErrEmptySubject},
		{"empty body", mod(func(m *Message) { m.Text = "" }), ErrEmptyBody},
		{"LF in subject", mod(func(m *Message) { m.Subject = "Hi\nBcc: victim@evil.tld" }), ErrHeaderInjection},
		{"CR in subject", mod(func(m *Message) { m.Subject = "Hi\rBcc: victim@evil.tld" }), ErrHeaderInjection},
		{"CRLF in address", mod(func(m *Message) { m.To = []string{"a@x.cz\r\nBcc: victim@evil.tld"} }), ErrHeaderInjection},
		{"LF in name", mod(func(m *Message) { m.To = []string{"\"Jan\nBcc: v@evil.tld\" <a@x.cz>"} }), ErrHeaderInjection},
		{"NUL in subject", mod(func(m *Message) { m.Subject = "a\x00b" }), ErrHeaderInjection},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := d.Tx(ctx, func(tx *sql.Tx) error {
				_, err := Enqueue(ctx, tx, c.m)
				return err
			})
			if !errors.Is(err, c.want) {
				t.Fatalf("Enqueue = %v, want %v", err, c.want)
			}
		})
	}
	if n, _ := Count(ctx, d.R, ""); n != 0 {
		t.Fatalf("%d rows written by refused mails", n)
	}
}

func TestListGetCountRetry(t *testing.T) {
	d := newTestDB(t)
	ctx := context.Background()
	a := enqueue(t, d, sampleMessage())
	m := sampleMessage()
	m.Purpose, m.ClientID, m.HTML = "ticket_reply", 42, "<p>Ahoj</p>"
	m.To = []string{"a@x.cz", "b@y.cz"}
	b := enqueue(t, d, m)

	all, err := List(ctx, d.R, ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != b || all[1].ID != a {
		t.Fatalf("List newest first = %+v", all)
	}
	if all[0].Text != "" || all[0].ClientID != 42 || len(all[0].To) != 2 {
		t.Fatalf("List entry = %+v (bodies must not be listed)", all[0])
	}
	if got, _ := List(ctx, d.R, ListFilter{Purpose: "password_link"}); len(got) != 1 || got[0].ID != a {
		t.Fatalf("List by purpose = %+v", got)
	}
	if got, _ := List(ctx, d.R, ListFilter{Limit: 1}); len(got) != 1 {
		t.Fatalf("List limit 1 = %d rows", len(got))
	}
	e := mustGet(t, d, b)
	if e.HTML != "<p>Ahoj</p>" || !strings.Contains(e.Text, "heslo: https://portal.example/p/"+Redacted) || e.Status != StatusQueued {
		t.Fatalf("Get = %+v", e)
	}
	// A queued mail's id has no domain yet: the worker adds the configured one.
	if !strings.HasPrefix(e.MessageID, "<") || strings.Contains(e.MessageID, "@") || e.MessageID == mustGet(t, d, a).MessageID {
		t.Fatalf("Message-ID %q not unique or malformed", e.MessageID)
	}
	if _, err := Get(ctx, d.R, 999); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get missing = %v", err)
	}
	if n, _ := CountRecent(ctx, d.R, 42, "ticket_reply", time.Now().Add(-time.Minute)); n != 1 {
		t.Fatalf("CountRecent = %d", n)
	}
	if n, _ := CountRecent(ctx, d.R, 42, "ticket_reply", time.Now().Add(time.Minute)); n != 0 {
		t.Fatalf("CountRecent in the future = %d", n)
	}

	// Retry: failed → queued with a fresh count; sent cannot be retried.
	if _, err := d.W.Exec(`UPDATE mail_outbox SET status = 'failed', attempts = 10, next_attempt_at = '2099-01-01T00:00:00Z' WHERE id = ?`, a); err != nil {
		t.Fatal(err)
	}
	if n, _ := Count(ctx, d.R, StatusFailed); n != 1 {
		t.Fatalf("Count failed = %d", n)
	}
	if err := Retry(ctx, d, a); err != nil {
		t.Fatal(err)
	}
	if e := mustGet(t, d, a); e.Status != StatusQueued || e.Attempts != 0 || e.NextAttemptAt.After(time.Now()) {
		t.Fatalf("after Retry = %+v", e)
	}
	d.W.Exec(`UPDATE mail_outbox SET status = 'sent' WHERE id = ?`, a)
	if err := Retry(ctx, d, a); !errors.Is(err, ErrNotRetryable) {
		t.Fatalf("Retry sent = %v", err)
	}
	if err := Retry(ctx, d, 999); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Retry missing = %v", err)
	}
}

func TestBackoffSchedule(t *testing.T) {
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute,
		8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour, time.Hour}
	for i, w := range want {
		if got := Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %s, want %s", i+1, got, w)
		}
	}
}

// A mail queued with the caller's clock is counted in that clock's windows.
func TestEnqueueUsesCallersClock(t *testing.T) {
	d := newTestDB(t)
	ctx := context.Background()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	m := sampleMessage()
	m.At, m.ClientID, m.Purpose = at, 7, "password_link"
	id := enqueue(t, d, m)
	e, err := Get(ctx, d.R, id)
	if err != nil || !e.CreatedAt.Equal(at) {
		t.Fatalf("created at %v (%v), want %v", e.CreatedAt, err, at)
	}
	if n, _ := CountRecent(ctx, d.R, 7, "password_link", at.Add(-15*time.Minute)); n != 1 {
		t.Fatalf("CountRecent in the caller's window = %d, want 1", n)
	}
	if n, _ := CountRecent(ctx, d.R, 7, "password_link", at.Add(time.Minute)); n != 0 {
		t.Fatalf("CountRecent after the window = %d, want 0", n)
	}
}
