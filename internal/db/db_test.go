package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ispportal/portal/internal/db/pgcluster"
)

// open opens a new database of the engine the tests run on (pgcluster.Env).
func open(t *testing.T) *DB {
	t.Helper()
	d, err := Open(target(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// target is a new SQLite file, or a new PostgreSQL database dropped after the test.
func target(t *testing.T) string {
	t.Helper()
	if !pgcluster.Postgres() {
		return filepath.Join(t.TempDir(), "t.db")
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

func sqliteOnly(t *testing.T, why string) {
	t.Helper()
	if pgcluster.Postgres() {
		t.Skip("sqlite-only: " + why)
	}
}

// tableExists reports whether the database has the table.
func tableExists(t *testing.T, d *DB, name string) bool {
	t.Helper()
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
	if d.Dialect == Postgres {
		q = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?`
	}
	var n int
	if err := d.R.QueryRow(q, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n > 0
}

var testMigrations = fstest.MapFS{
	"0001_counter.sql": {Data: []byte(`CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
		INSERT INTO counter (id, n) VALUES (1, 0);`)},
	"0002_log.sql": {Data: []byte(`CREATE TABLE log (id INTEGER PRIMARY KEY, worker INTEGER NOT NULL, seen INTEGER NOT NULL);`)},
}

func TestPragmasOnEveryConnection(t *testing.T) {
	sqliteOnly(t, "PRAGMAs are SQLite's connection settings (TestPostgresSessions checks PostgreSQL's)")
	d := open(t)
	ctx := context.Background()
	// Hold several read connections at once so that the pool must open new ones.
	var conns []*sql.Conn
	for i := 0; i < 4; i++ {
		c, err := d.R.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	w, err := d.W.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conns = append(conns, w)
	for i, c := range conns {
		var mode string
		var fk, busy int
		if err := c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk)
		c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy)
		if mode != "wal" || fk != 1 || busy < 5000 {
			t.Errorf("conn %d: journal_mode=%s foreign_keys=%d busy_timeout=%d", i, mode, fk, busy)
		}
	}
	for _, c := range conns {
		c.Close()
	}
}

func TestMigrateTwiceIsNoop(t *testing.T) {
	d := open(t)
	ctx := context.Background()
	src := Source{Name: "t", FS: testMigrations}
	for i := 0; i < 2; i++ {
		if err := Migrate(ctx, d, src); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	var n int
	d.R.QueryRow(`SELECT COUNT(*) FROM schema_migrations WHERE source = 't'`).Scan(&n)
	if n != 2 {
		t.Fatalf("recorded %d migrations, want 2", n)
	}
	d.R.QueryRow(`SELECT COUNT(*) FROM counter`).Scan(&n)
	if n != 1 {
		t.Fatalf("counter rows %d: a migration ran twice", n)
	}
}

func TestFailedMigrationLeavesNothing(t *testing.T) {
	d := open(t)
	bad := fstest.MapFS{"0001_half.sql": {Data: []byte(`CREATE TABLE half (id INTEGER); INSERT INTO nowhere VALUES (1);`)}}
	if err := Migrate(context.Background(), d, Source{Name: "bad", FS: bad}); err == nil {
		t.Fatal("broken migration succeeded")
	}
	if tableExists(t, d, "half") {
		t.Fatal("a failed migration left its table behind")
	}
	misnamed := fstest.MapFS{"create.sql": {Data: []byte(`SELECT 1`)}}
	if err := Migrate(context.Background(), d, Source{Name: "x", FS: misnamed}); err == nil {
		t.Fatal("a file without a version number was accepted")
	}
}

// Fifty goroutines doing read-then-write transactions at once must all succeed: the
// single IMMEDIATE writer makes them queue instead of failing with SQLITE_BUSY.
func TestConcurrentWritersNeverBusy(t *testing.T) {
	d := open(t)
	ctx := context.Background()
	if err := Migrate(ctx, d, Source{Name: "t", FS: testMigrations}); err != nil {
		t.Fatal(err)
	}
	const workers, each = 50, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				err := d.Tx(ctx, func(tx *sql.Tx) error {
					var n int
					if err := tx.QueryRowContext(ctx, `SELECT n FROM counter WHERE id = 1`).Scan(&n); err != nil {
						return err
					}
					if _, err := tx.ExecContext(ctx, `UPDATE counter SET n = ? WHERE id = 1`, n+1); err != nil {
						return err
					}
					_, err := tx.ExecContext(ctx, `INSERT INTO log (worker, seen) VALUES (?, ?)`, w, n)
					return err
				})
				if err != nil {
					errs <- err
				}
				// Readers run alongside the writers.
				var n int
				if err := d.R.QueryRowContext(ctx, `SELECT n FROM counter WHERE id = 1`).Scan(&n); err != nil {
					errs <- fmt.Errorf("read: %w", err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var n int
	d.R.QueryRow(`SELECT n FROM counter WHERE id = 1`).Scan(&n)
	if n != workers*each {
		t.Fatalf("counter = %d, want %d: lost updates", n, workers*each)
	}
}

func TestTxRollsBackOnErrorAndPanic(t *testing.T) {
	d := open(t)
	ctx := context.Background()
	Migrate(ctx, d, Source{Name: "t", FS: testMigrations})
	boom := errors.New("boom")
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		tx.ExecContext(ctx, `UPDATE counter SET n = 99`)
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	func() {
		defer func() { recover() }()
		d.Tx(ctx, func(tx *sql.Tx) error {
			tx.ExecContext(ctx, `UPDATE counter SET n = 98`)
			panic("handler bug")
		})
	}()
	var n int
	d.R.QueryRow(`SELECT n FROM counter`).Scan(&n)
	if n != 0 {
		t.Fatalf("n = %d: a failed transaction left a partial write", n)
	}
	// The writer still works after the panic.
	if err := d.Tx(ctx, func(tx *sql.Tx) error { _, err := tx.ExecContext(ctx, `UPDATE counter SET n = 1`); return err }); err != nil {
		t.Fatal(err)
	}
}

func TestBackupIsConsistentCopy(t *testing.T) {
	d := open(t)
	if d.Dialect == Postgres {
		backupPostgres(t, d)
		return
	}
	ctx := context.Background()
	Migrate(ctx, d, Source{Name: "t", FS: testMigrations})
	d.Tx(ctx, func(tx *sql.Tx) error { _, err := tx.ExecContext(ctx, `UPDATE counter SET n = 42`); return err })
	dest := filepath.Join(t.TempDir(), "backup.db")
	if err := d.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	b, err := Open(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var n int
	var ok string
	b.R.QueryRow(`SELECT n FROM counter`).Scan(&n)
	b.R.QueryRow(`PRAGMA integrity_check`).Scan(&ok)
	if n != 42 || ok != "ok" {
		t.Fatalf("backup n=%d integrity=%s", n, ok)
	}
}

// A statement whose rows are still open is not reused: the same query run inside the
// loop over its own rows (in one transaction, so on one connection) gets its own.
func TestCachedStatementsNest(t *testing.T) {
	d := open(t)
	ctx := context.Background()
	Migrate(ctx, d, Source{Name: "t", FS: testMigrations})
	for i := 0; i < 3; i++ {
		d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO log (worker, seen) VALUES (?, ?)`, i, i)
			return err
		})
	}
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		const q = `SELECT worker FROM log ORDER BY worker`
		rows, err := tx.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		outer := 0
		for rows.Next() {
			var w int
			rows.Scan(&w)
			inner, err := tx.QueryContext(ctx, q)
			if err != nil {
				return err
			}
			n := 0
			for inner.Next() {
				n++
			}
			inner.Close()
			if n != 3 {
				return fmt.Errorf("inner query saw %d rows", n)
			}
			outer++
		}
		if outer != 3 {
			return fmt.Errorf("outer loop saw %d rows: the nested query disturbed it", outer)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	// Repeated queries with different arguments reuse one statement correctly.
	for i := 0; i < 3; i++ {
		var w int
		if err := d.R.QueryRowContext(ctx, `SELECT worker FROM log WHERE seen = ?`, i).Scan(&w); err != nil || w != i {
			t.Fatalf("seen=%d: worker %d, %v", i, w, err)
		}
	}
}

// A connection still in use when Close is called closes when it is released, and the
// WAL goes with the last one. Close must wait for it: serve's shutdown (a worker's
// transaction cut off by the stop signal) left the WAL behind without this.
func TestCloseWaitsForConnectionsInUse(t *testing.T) {
	path := target(t)
	d, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := Migrate(context.Background(), d, Source{Name: "t", FS: testMigrations}); err != nil {
		t.Fatal(err)
	}
	rows, err := d.R.Query(`SELECT n FROM counter`)
	if err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(100 * time.Millisecond)
		rows.Close()
		close(released)
	}()
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-released:
	default:
		t.Fatal("Close returned while a connection was still in use")
	}
	if d.Dialect == Postgres {
		return
	}
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("WAL still there after Close: %v", err)
	}
}

// A connection that is never released does not hang Close; it is reported.
func TestCloseReportsLeakedConnection(t *testing.T) {
	defer func(w time.Duration) { closeWait = w }(closeWait)
	closeWait = 50 * time.Millisecond
	d, err := Open(target(t))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := d.R.Query(`SELECT 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if err := d.Close(); err == nil || !strings.Contains(err.Error(), "1 connections still in use") {
		t.Errorf("Close with a leaked connection: %v", err)
	}
}

// On PostgreSQL Backup is pg_dump's custom format: the file restores the row, and
// an existing file is never overwritten.
func backupPostgres(t *testing.T, d *DB) {
	ctx := context.Background()
	if err := Migrate(ctx, d, Source{Name: "t", FS: testMigrations}); err != nil {
		t.Fatal(err)
	}
	d.Tx(ctx, func(tx *sql.Tx) error { _, err := tx.ExecContext(ctx, `UPDATE counter SET n = 4242`); return err })
	dest := filepath.Join(t.TempDir(), "backup.dump")
	if err := d.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(dest)
	if err != nil || !strings.HasPrefix(string(b), "PGDMP") {
		t.Fatalf("not a pg_dump file: %v %.10q", err, b)
	}
	tool, err := PostgresTool("pg_restore")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "--file", "-", dest).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "4242") || !strings.Contains(string(out), "CREATE TABLE") {
		t.Fatalf("pg_restore: %v\n%.500s", err, out)
	}
	if err := d.Backup(ctx, dest); err == nil {
		t.Fatal("Backup overwrote an existing file")
	}
}

// TxScattered commits and rolls back like Tx on both engines; on SQLite the writer keeps
// statement journals in memory during it, and only during it: the same pragma would make
// a later migration's CREATE INDEX sort a large table in memory.
func TestTxScatteredLikeTxAndPragmaUndone(t *testing.T) {
	d := open(t)
	ctx := context.Background()
	Migrate(ctx, d, Source{Name: "t", FS: testMigrations})
	tempStore := func(q interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}) int {
		t.Helper()
		var n int
		if err := q.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	boom := errors.New("boom")
	if err := d.TxScattered(ctx, func(tx *sql.Tx) error {
		tx.ExecContext(ctx, `UPDATE counter SET n = 99`)
		if d.Dialect == SQLite {
			if got := tempStore(tx); got != 2 {
				t.Errorf("temp_store inside TxScattered = %d, want 2 (memory)", got)
			}
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if err := d.TxScattered(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE counter SET n = n + 1`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var n int
	d.R.QueryRow(`SELECT n FROM counter`).Scan(&n)
	if n != 1 {
		t.Fatalf("n = %d, want 1: the failed transaction's write stayed or the second was lost", n)
	}
	if d.Dialect == SQLite {
		if got := tempStore(d.W); got != 0 {
			t.Errorf("temp_store on the writer after TxScattered = %d, want 0 (default)", got)
		}
	}
}
