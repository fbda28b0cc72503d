package app_test

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/testkit"
)

// notes is a module that stores what it is sent: a row of 20 KB needs new pages, so
// it fails on a full database.
type notes struct{ d app.Deps }

func newNotes(d app.Deps) app.Module { return &notes{d: d} }

func (m *notes) Info() app.Info {
	return app.Info{Name: "notes", Prefix: "/notes", Area: app.Public,
		Migrations: fstest.MapFS{"0001_notes.sql": {Data: []byte(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body BLOB NOT NULL);`)}}}
}

func (m *notes) Mount(r fiber.Router) {
	r.Post("/add", func(c *fiber.Ctx) error {
		if _, err := m.d.DB.W.ExecContext(c.UserContext(), `INSERT INTO notes (body) VALUES (?)`, make([]byte, 20000)); err != nil {
			return err
		}
		return c.SendString("stored")
	})
}

// A full or read-only database: users get the 503 page (not 500) and /healthz fails
// until it can write again.
func TestStorageFullIsUnavailable(t *testing.T) {
	env := testkit.New(t, newNotes)
	b := env.Browser()
	b.Post("/notes/add", nil).Expect(t, 200, "stored")
	b.Get("/healthz").Expect(t, 200, "ok")

	testkit.FillDatabase(t, env.Deps.DB)
	env.Clock.Advance(2 * time.Second) // past the cached health answer
	r := b.Get("/healthz").Expect(t, 503)
	r.Lacks(t, env.Config.DataDir, "max_page_count")
	r = b.Post("/notes/add", nil).Expect(t, 503, "Saving is not possible right now", "Nothing was changed")
	r.Lacks(t, "disk is full", env.Config.DataDir)
	if r.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	b.Header.Set("Accept-Language", "cs")
	b.Post("/notes/add", nil).Expect(t, 503, "Ukládání teď není možné")
	b.Header.Del("Accept-Language")
	if !strings.Contains(env.Logs.String(), "app.health: database cannot take writes") {
		t.Error("the failing health check was not logged")
	}

	testkit.FreeDatabase(t, env.Deps.DB)
	env.Clock.Advance(2 * time.Second)
	b.Get("/healthz").Expect(t, 200, "ok")
	b.Post("/notes/add", nil).Expect(t, 200, "stored")

	// Read-only (SQLITE_READONLY on the writer): the same. (FillDatabase is that
	// already on PostgreSQL.)
	if env.Deps.DB.Dialect == db.Postgres {
		return
	}
	if _, err := env.Deps.DB.W.Exec(`PRAGMA query_only = 1`); err != nil {
		t.Fatal(err)
	}
	env.Clock.Advance(2 * time.Second)
	b.Get("/healthz").Expect(t, 503)
	b.Post("/notes/add", nil).Expect(t, 503, "Saving is not possible right now")
	if _, err := env.Deps.DB.W.Exec(`PRAGMA query_only = 0`); err != nil {
		t.Fatal(err)
	}
	env.Clock.Advance(2 * time.Second)
	b.Get("/healthz").Expect(t, 200, "ok")
}
