package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/db/dbtest"
	"github.com/ispportal/portal/internal/db/pgcluster"
	"github.com/ispportal/portal/internal/testkit"
)

// PostgreSQL restarted under load: requests in flight get the plain error page
// (never the driver's text), and the portal serves again once the server is back,
// without a restart of its own.
func TestPostgresRestartUnderLoad(t *testing.T) {
	if !dbtest.Postgres() {
		t.Skip("postgres-only: restarts the PostgreSQL server")
	}
	c, err := pgcluster.Start() // its own: the shared cluster serves other tests
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	if err := c.Create(context.Background(), "portal", ""); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, dbtest.URLFile), []byte(c.DatabaseURL("portal")), 0o600); err != nil {
		t.Fatal(err)
	}
	env := testkit.NewIn(t, dir, newNotes)
	b := env.Browser()
	b.Post("/notes/add", nil).Expect(t, 200, "stored")

	restarted := make(chan error, 1)
	go func() {
		time.Sleep(100 * time.Millisecond)
		restarted <- c.Restart()
	}()
	failed, done := 0, false
	for !done {
		select {
		case err := <-restarted:
			if err != nil {
				t.Fatal(err)
			}
			done = true
		default:
		}
		r := b.Post("/notes/add", nil)
		switch r.StatusCode {
		case 200:
		case 500, 503:
			failed++
			r.Lacks(t, "SQLSTATE", "postgres", "connection", "dial", "EOF", dir)
		default:
			t.Fatalf("during the restart: status %d\n%s", r.StatusCode, r.Body)
		}
	}
	t.Logf("%d requests failed while PostgreSQL restarted", failed)
	// Back: at most one more failure each (a pooled connection the restart cut),
	// then writes and reads succeed.
	for _, path := range []string{"/notes/add", "/notes/add", "/healthz"} {
		var r *testkit.Response
		for i := 0; i < 3; i++ {
			env.Clock.Advance(2 * time.Second) // past the cached health answer
			if path == "/healthz" {
				r = b.Get(path)
			} else {
				r = b.Post(path, nil)
			}
			if r.StatusCode == 200 {
				break
			}
		}
		if r.StatusCode != 200 {
			t.Fatalf("%s after the restart: %d\n%s", path, r.StatusCode, strings.TrimSpace(r.Body))
		}
	}
}
