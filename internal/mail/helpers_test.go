package mail

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/db/dbtest"
)

// newTestDB returns a migrated database in the test's temp dir.
func newTestDB(t *testing.T) *db.DB {
	t.Helper()
	d, err := db.Open(dbtest.Target(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := db.Migrate(context.Background(), d, Migrations()); err != nil {
		t.Fatal(err)
	}
	return d
}

// enqueue writes m in its own committed transaction.
func enqueue(t *testing.T, d *db.DB, m Message) int64 {
	t.Helper()
	var id int64
	err := d.Tx(context.Background(), func(tx *sql.Tx) error {
		var err error
		id, err = Enqueue(context.Background(), tx, m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func sampleMessage() Message {
	return Message{
		To:      []string{"Jan Novák <jan.novak@example.cz>"},
		Subject: "Nové heslo",
		Text:    "Dobrý den,\nnastavte si heslo: https://portal.example/p/SECRET-TOKEN-123\n",
		Purpose: "password_link",
		Secrets: []string{"SECRET-TOKEN-123"},
	}
}

// fakeClock starts a minute ahead of the real clock, so that rows enqueued with the
// real time are already due.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Now().Add(time.Minute).UTC().Truncate(time.Second)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testLogger() (*slog.Logger, *syncBuffer) {
	buf := &syncBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

func mustGet(t *testing.T, d *db.DB, id int64) Entry {
	t.Helper()
	e, err := Get(context.Background(), d.R, id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
