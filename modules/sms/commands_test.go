package sms

import (
	"bytes"
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
)

// TestQueueCommandShowsClientNumber checks that `portal sms queue` names the client by
// number (what staff know), not by the internal id, and filters by number.
func TestQueueCommandShowsClientNumber(t *testing.T) {
	f := newFixture(t)
	f.env.Tx(func(tx *sql.Tx) error {
		if _, err := EnqueueSMS(context.Background(), tx, f.c1, "+420777123456", "One", 0, f.env.Clock.Now()); err != nil {
			return err
		}
		_, err := EnqueueSMS(context.Background(), tx, f.c2, "+420777654321", "Two", 0, f.env.Clock.Now())
		return err
	})
	queue := func(args ...string) map[string]string {
		t.Helper()
		var out bytes.Buffer
		if err := listQueue(context.Background(), f.env.Deps, app.IO{Out: &out, Err: &out}, args); err != nil {
			t.Fatal(err)
		}
		clients := map[string]string{} // phone number -> CLIENT column
		for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n")[1:] {
			fields := strings.Fields(line) // ID, date, time, CLIENT, NUMBER, ...
			clients[fields[4]] = fields[3]
		}
		return clients
	}
	if got := queue(); got["+420777123456"] != "5001" || got["+420777654321"] != "5002" {
		t.Fatalf("CLIENT column: %v; want the client numbers 5001 and 5002", got)
	}
	if got := queue("--client", "5002"); len(got) != 1 || got["+420777654321"] != "5002" {
		t.Fatalf("--client 5002: %v", got)
	}
}
