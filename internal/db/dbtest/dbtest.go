// Package dbtest gives tests a database of the engine they run on: a temp SQLite
// file by default, or, with PORTAL_TEST_DATABASE set (see pgcluster), a fresh
// database on a PostgreSQL cluster that is thrown away with the test process.
package dbtest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/db/pgcluster"
)

// Postgres reports whether the tests run on PostgreSQL.
func Postgres() bool { return pgcluster.Postgres() }

// Target returns the database a test should open: a SQLite file in dir, or on
// PostgreSQL a new empty database, dropped when the test ends.
func Target(t testing.TB, dir string) string {
	t.Helper()
	if !pgcluster.Postgres() {
		return filepath.Join(dir, "portal.db")
	}
	c, err := pgcluster.Shared()
	if err != nil {
		t.Fatal(err)
	}
	name := pgcluster.NewName("t")
	if err := c.Create(context.Background(), name, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Drop(context.Background(), name) })
	return c.DatabaseURL(name)
}

// URLFile names, in a test's data directory, the PostgreSQL database that directory's
// portal runs on (ForDir; testkit keeps its copies of a migrated database there too).
const URLFile = "postgres.url"

// ForDir returns the database of the portal whose data directory is dir: the SQLite
// file in it, or on PostgreSQL the database named in dir/URLFile (testkit writes
// one), else the one this process gave dir before, else a new empty one (dropped
// when the test ends). The directory itself is left alone: a command refusing bad
// input must not find it made.
func ForDir(t testing.TB, dir string) string {
	t.Helper()
	if !pgcluster.Postgres() {
		return filepath.Join(dir, "portal.db")
	}
	if u, err := os.ReadFile(filepath.Join(dir, URLFile)); err == nil {
		return string(u)
	}
	forDir.Lock()
	defer forDir.Unlock()
	if u, ok := forDir.urls[dir]; ok {
		return u
	}
	u := Target(t, dir)
	if forDir.urls == nil {
		forDir.urls = map[string]string{}
	}
	forDir.urls[dir] = u
	return u
}

var forDir struct {
	sync.Mutex
	urls map[string]string
}

// Open opens a new empty database for the test (Target) and closes it at the end.
func Open(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(Target(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// SkipSQLiteOnly skips a test that checks a property of SQLite itself when the tests
// run on PostgreSQL; why says what.
func SkipSQLiteOnly(t testing.TB, why string) {
	t.Helper()
	if Postgres() {
		t.Skip("sqlite-only: " + why)
	}
}

// DumpText is the SQL text of a PostgreSQL backup (db.Backup's pg_dump file), read
// back with pg_restore, for a test to check what the backup holds.
func DumpText(t testing.TB, path string) string {
	t.Helper()
	tool, err := db.PostgresTool("pg_restore")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "--file", "-", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	return string(out)
}
