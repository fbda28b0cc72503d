package pgcluster

import (
	"context"
	"database/sql"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"
)

// A program started in the background by a non-interactive shell (make bench under
// nohup, a CI step ending in &) begins with SIGINT ignored, and so does every child it
// starts. Stop must still stop such a cluster: it used to send the watchdog SIGINT,
// which the watchdog's shell could not trap, and wait for it for ever.
func TestStopWithInterruptIgnored(t *testing.T) {
	signal.Ignore(syscall.SIGINT)
	c, err := Start()
	signal.Reset(syscall.SIGINT)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { c.Stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("Stop did not return in 60 s")
	}
	if _, err := os.Stat(c.Dir); !os.IsNotExist(err) {
		t.Errorf("the cluster's folder %s is still there after Stop (%v)", c.Dir, err)
	}
}

// make bench DB=postgres compares the portal on SQLite with the portal on a
// PostgreSQL server set up as an installation would be: durable writes and memory
// sized to the machine, not a test cluster's.
func TestStartProduction(t *testing.T) {
	c, err := StartProduction()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	db, err := sql.Open("pgx", c.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got := map[string]string{}
	rows, err := db.QueryContext(context.Background(), `SELECT name, setting FROM pg_settings
		WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'listen_addresses')`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name, setting string
		if err := rows.Scan(&name, &setting); err != nil {
			t.Fatal(err)
		}
		got[name] = setting
	}
	rows.Close()
	for name, want := range map[string]string{"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on", "listen_addresses": ""} {
		if got[name] != want {
			t.Errorf("%s = %q, want %q", name, got[name], want)
		}
	}
	// shared_buffers is a quarter of the memory (at least 128 MB): compare in bytes.
	var shared int64
	if err := db.QueryRow(`SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'shared_buffers'`).Scan(&shared); err != nil {
		t.Fatal(err)
	}
	if want := max(min(memTotal()/4, 8<<30), 128<<20); shared < want-8192 || shared > want+8192 {
		t.Errorf("shared_buffers = %d bytes, want about %d (a quarter of %d)", shared, want, memTotal())
	}
}
