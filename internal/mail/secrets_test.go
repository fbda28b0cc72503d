package mail_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
)

const secret = "SECRET-TOKEN-123"

// secretMessage is a password-link mail that declares its token.
func secretMessage(expires time.Time) mail.Message {
	m := mail.SampleMessage()
	m.HTML = `<p><a href="https://portal.example/p/` + secret + `">nastavit heslo</a></p>`
	m.Secrets = []string{secret}
	m.ExpiresAt = expires
	return m
}

// rowHolds reports the columns of a row that contain s, whatever their name: no column
// may keep a usable token once the mail is done.
func rowHolds(t *testing.T, d *db.DB, id int64, s string) []string {
	t.Helper()
	rows, err := d.R.Query(`SELECT * FROM mail_outbox WHERE id = ?`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	if !rows.Next() {
		t.Fatalf("row %d missing", id)
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	var out []string
	for i, v := range vals {
		if strings.Contains(v.String, s) {
			out = append(out, cols[i])
		}
	}
	return out
}

func TestSecretsLeaveTheOutboxWhenMailIsDone(t *testing.T) {
	ctx := context.Background()

	t.Run("delivered", func(t *testing.T) {
		d := mail.NewTestDB(t)
		srv := mailtest.Start(t)
		clock := mail.NewFakeClock()
		log, _ := mail.TestLogger()
		w := mail.NewWorker(d, srv.Config, log, clock.Now)
		id := mail.EnqueueCommitted(t, d, secretMessage(clock.Now().Add(time.Hour)))
		// Queued: the row needs the token to send it, but nobody reading it sees it.
		if e := mail.MustGet(t, d, id); strings.Contains(e.Text+e.HTML, secret) || !strings.Contains(e.Text, mail.Redacted) {
			t.Fatalf("Get shows the live token: %q %q", e.Text, e.HTML)
		}
		if s, _, err := w.RunOnce(ctx); s != 1 || err != nil {
			t.Fatalf("RunOnce = %d, %v", s, err)
		}
		if got := srv.WaitFor(t, 1, 2*time.Second)[0]; !strings.Contains(got.Text, secret) || !strings.Contains(got.HTML, secret) {
			t.Fatalf("the client did not get the link: %q", got.Text)
		}
		if cols := rowHolds(t, d, id, secret); len(cols) > 0 {
			t.Fatalf("token kept after delivery in %v", cols)
		}
		e := mail.MustGet(t, d, id)
		if !strings.Contains(e.Text, "nastavte si heslo: https://portal.example/p/"+mail.Redacted) || !strings.Contains(e.HTML, mail.Redacted) {
			t.Fatalf("delivered body = %q / %q, want the text with the token removed", e.Text, e.HTML)
		}
	})

	t.Run("given up", func(t *testing.T) {
		d := mail.NewTestDB(t)
		srv := mailtest.Start(t)
		srv.Stop()
		clock := mail.NewFakeClock()
		log, logs := mail.TestLogger()
		w := mail.NewWorker(d, srv.Config, log, clock.Now)
		id := mail.EnqueueCommitted(t, d, secretMessage(time.Time{})) // no expiry: only the attempts end it
		for i := 0; i < mail.MaxAttempts; i++ {
			w.RunOnce(ctx)
			if i < mail.MaxAttempts-1 && len(rowHolds(t, d, id, secret)) == 0 {
				t.Fatalf("token gone after attempt %d: the retry would send a dead link", i+1)
			}
			clock.Advance(2 * time.Hour)
		}
		if e := mail.MustGet(t, d, id); e.Status != mail.StatusFailed {
			t.Fatalf("status %s after %d attempts", e.Status, mail.MaxAttempts)
		}
		if cols := rowHolds(t, d, id, secret); len(cols) > 0 {
			t.Fatalf("token kept after giving up in %v", cols)
		}
		if err := mail.Retry(ctx, d, id); !errors.Is(err, mail.ErrSecretsRemoved) {
			t.Fatalf("Retry of a mail whose link was removed = %v", err)
		}
		if strings.Contains(logs.String(), secret) {
			t.Fatal("token in the log")
		}
	})

	t.Run("interrupted for the last time", func(t *testing.T) {
		d := mail.NewTestDB(t)
		clock := mail.NewFakeClock()
		log, _ := mail.TestLogger()
		id := mail.EnqueueCommitted(t, d, secretMessage(time.Time{}))
		d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.Exec(`UPDATE mail_outbox SET status = 'sending', attempts = ? WHERE id = ?`, mail.MaxAttempts-1, id)
			return err
		})
		mail.NewWorker(d, func() mail.SMTPConfig { return mail.SMTPConfig{} }, log, clock.Now).RunOnce(ctx)
		if e := mail.MustGet(t, d, id); e.Status != mail.StatusFailed {
			t.Fatalf("status %s", e.Status)
		}
		if cols := rowHolds(t, d, id, secret); len(cols) > 0 {
			t.Fatalf("token kept in %v", cols)
		}
	})

	t.Run("expired while waiting", func(t *testing.T) {
		d := mail.NewTestDB(t)
		clock := mail.NewFakeClock()
		log, _ := mail.TestLogger()
		// No SMTP server configured: the mail waits, and the link dies meanwhile.
		w := mail.NewWorker(d, func() mail.SMTPConfig { return mail.SMTPConfig{} }, log, clock.Now)
		id := mail.EnqueueCommitted(t, d, secretMessage(clock.Now().Add(time.Hour)))
		clock.Advance(time.Hour - time.Second)
		w.RunOnce(ctx)
		if e := mail.MustGet(t, d, id); e.Status != mail.StatusQueued || len(rowHolds(t, d, id, secret)) == 0 {
			t.Fatalf("expired early: %+v", e)
		}
		clock.Advance(time.Second)
		w.RunOnce(ctx)
		e := mail.MustGet(t, d, id)
		if e.Status != mail.StatusFailed || !strings.Contains(e.LastError, "expired") {
			t.Fatalf("after expiry: %+v", e)
		}
		if cols := rowHolds(t, d, id, secret); len(cols) > 0 {
			t.Fatalf("token kept after expiry in %v", cols)
		}
		if err := mail.Retry(ctx, d, id); !errors.Is(err, mail.ErrSecretsRemoved) {
			t.Fatalf("Retry of an expired link mail = %v", err)
		}
	})
}
