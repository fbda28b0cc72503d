package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/db/dbtest"
)

// seededSQLite writes the demo installation into a SQLite file in dir, whichever
// engine the tests run on, with a client deleted after the others (its id must never
// come back) and most traffic samples left out (a quarter million rows would only
// slow the copy down).
func seededSQLite(t *testing.T, dir string) (path string, deletedID int64) {
	t.Helper()
	ctx := context.Background()
	path = filepath.Join(dir, "portal.db")
	cfg := app.Config{DataDir: dir, Database: path}
	if err := cfg.ValidateAndSetDefaults(); err != nil {
		t.Fatal(err)
	}
	e, err := app.Boot(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now, modules)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := app.SeedDemo(ctx, e); err != nil {
		t.Fatal(err)
	}
	err = e.Deps.DB.Tx(ctx, func(tx *sql.Tx) error {
		if deletedID, err = core.SaveClient(ctx, tx, core.Client{Number: "9999", Name: "Gone", Active: true}, core.Now(time.Now())); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM clients WHERE id = ?`, deletedID); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM traffic_5m WHERE bucket % 97 <> 0`, `DELETE FROM traffic_counters WHERE at % 97 <> 0`,
			`DELETE FROM traffic_hour WHERE bucket % 7 <> 0`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return path, deletedID
}

// tableCounts counts the rows of every table of the SQLite file on both sides.
func tableCounts(t *testing.T, src, dst *db.DB) (sqlite, postgres map[string]int64) {
	t.Helper()
	names, err := core.List(context.Background(), src.R, core.ScanValue[string], `SELECT name FROM pragma_table_list
		WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name`)
	if err != nil || len(names) < 40 {
		t.Fatalf("tables: %v %v", names, err)
	}
	sqlite, postgres = map[string]int64{}, map[string]int64{}
	for _, n := range names {
		var a, b int64
		if err := src.R.QueryRow(`SELECT COUNT(*) FROM "` + n + `"`).Scan(&a); err != nil {
			t.Fatal(err)
		}
		if err := dst.R.QueryRow(`SELECT COUNT(*) FROM "` + n + `"`).Scan(&b); err != nil {
			t.Fatal(n, err)
		}
		sqlite[n], postgres[n] = a, b
	}
	return sqlite, postgres
}

// sample reads a few rows the same way from both databases.
func sample(t *testing.T, d *db.DB) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT id, number, COALESCE(username, ''), name, email, active, is_business, created_at FROM clients ORDER BY id`,
		`SELECT id, client_id, number, amount, amount_vat, currency, paid FROM invoices ORDER BY id`,
		`SELECT id, client_id, document_id, seq, action, purposes, at FROM consent_history ORDER BY id`,
		`SELECT key, group_id, value FROM settings ORDER BY key, group_id`,
		`SELECT theme_id, name, length(data), data FROM staff_theme_files ORDER BY theme_id, name`,
		`SELECT service_id, bucket, down, up FROM traffic_day ORDER BY service_id, bucket LIMIT 50`,
	} {
		rows, err := d.R.Query(q)
		if err != nil {
			t.Fatal(q, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					vals[i] = string(b)
				}
			}
			out = append(out, fmt.Sprint(vals...))
		}
		rows.Close()
	}
	return out
}

func TestMigrateToPostgres(t *testing.T) {
	if !dbtest.Postgres() {
		t.Skip("copies into PostgreSQL: runs in the PostgreSQL pass (PORTAL_TEST_DATABASE=postgres)")
	}
	dir := t.TempDir()
	from, deletedID := seededSQLite(t, filepath.Join(dir, "sqlite"))
	to := dbtest.Target(t, dir)

	code, out, errs := portal(t, "", "migrate-to-postgres", "--from", from, "--to", to)
	if code != 0 || !strings.Contains(out, "every count matches") || !strings.Contains(out, "clients ") {
		t.Fatalf("copy: exit %d\n%s\n%s", code, out, errs)
	}
	src, err := db.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := db.Open(to)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	a, b := tableCounts(t, src, dst)
	if !reflect.DeepEqual(a, b) || a["clients"] < 20 || a["invoices"] == 0 || a["traffic_5m"] == 0 {
		t.Fatalf("counts differ:\nsqlite   %v\npostgres %v", a, b)
	}
	for n, c := range a {
		if !strings.Contains(out, fmt.Sprintf("%s ", n)) || c != b[n] {
			t.Errorf("table %s (%d rows) missing from the report:\n%s", n, c, out)
		}
	}
	if x, y := sample(t, src), sample(t, dst); !reflect.DeepEqual(x, y) || len(x) < 50 {
		t.Fatalf("rows differ:\nsqlite   %q\npostgres %q", x, y)
	}
	// The copied tables were vacuumed and analyzed, so that the first requests are
	// planned on statistics of the new rows.
	var settled, copiedTables int
	err = dst.R.QueryRow(`SELECT COUNT(*) FILTER (WHERE last_vacuum IS NOT NULL AND last_analyze IS NOT NULL), COUNT(*)
		FROM pg_stat_user_tables WHERE relname IN ('clients', 'invoices', 'traffic_5m', 'audit_log')`).Scan(&settled, &copiedTables)
	if err != nil || settled != 4 || copiedTables != 4 || !strings.Contains(out, "Vacuumed and analyzed") {
		t.Fatalf("copied tables vacuumed and analyzed: %d of %d (%v)\n%s", settled, copiedTables, err, out)
	}

	// Again: nothing to do, nothing changed.
	code, out, errs = portal(t, "", "migrate-to-postgres", "--from", from, "--to", to)
	if code != 0 || !strings.Contains(out, "Nothing to copy") || strings.Contains(out, "copied") {
		t.Fatalf("second run: exit %d\n%s\n%s", code, out, errs)
	}
	if _, b2 := tableCounts(t, src, dst); !reflect.DeepEqual(b, b2) {
		t.Fatalf("the second run changed the counts:\n%v\n%v", b, b2)
	}

	// The portal runs on the copy, and a new client gets an id the SQLite file never
	// handed out (not the deleted client's).
	ctx := context.Background()
	var id int64
	err = dst.Tx(ctx, func(tx *sql.Tx) error {
		id, err = core.SaveClient(ctx, tx, core.Client{Number: "10001", Name: "New on PostgreSQL", Active: true}, core.Now(time.Now()))
		return err
	})
	if err != nil || id <= deletedID {
		t.Fatalf("new client on the copy: id %d (the deleted client had %d), %v", id, deletedID, err)
	}

	// Now PostgreSQL holds data of its own: a further run refuses and changes nothing.
	code, out, errs = portal(t, "", "migrate-to-postgres", "--from", from, "--to", to)
	if code != 1 || !strings.Contains(errs, "clients (") || !strings.Contains(errs, "nothing was copied") ||
		!strings.Contains(out, "refused") {
		t.Fatalf("run over other data: exit %d\n%s\n%s", code, out, errs)
	}
	var n int64
	if dst.R.QueryRow(`SELECT COUNT(*) FROM clients`).Scan(&n); n != a["clients"]+1 {
		t.Fatalf("clients after the refused run: %d, want %d", n, a["clients"]+1)
	}
}

// A copy that fails halfway (here a text PostgreSQL cannot store) leaves the
// destination as it was, and the run after the cause is gone completes.
func TestMigrateToPostgresFailsWhole(t *testing.T) {
	if !dbtest.Postgres() {
		t.Skip("copies into PostgreSQL: runs in the PostgreSQL pass (PORTAL_TEST_DATABASE=postgres)")
	}
	dir := t.TempDir()
	from, _ := seededSQLite(t, filepath.Join(dir, "sqlite"))
	src, err := db.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	// A NUL character: SQLite keeps it in a TEXT, PostgreSQL refuses it.
	if _, err := src.W.Exec(`INSERT INTO client_notes (client_id, author, body, created_at)
		SELECT MIN(id), 'test', 'a' || char(0) || 'b', '2026-11-02T10:00:00Z' FROM clients`); err != nil {
		t.Fatal(err)
	}
	to := dbtest.Target(t, dir)
	code, out, errs := portal(t, "", "migrate-to-postgres", "--from", from, "--to", to)
	if code != 1 || !strings.Contains(errs, "client_notes") {
		t.Fatalf("copy of a bad row: exit %d\n%s\n%s", code, out, errs)
	}
	dst, err := db.Open(to)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	for _, table := range []string{"clients", "invoice_groups", "staff", "client_notes", "settings"} {
		var n int64
		if err := dst.R.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s after the failed copy: %d rows, %v", table, n, err)
		}
	}
	if _, err := src.W.Exec(`DELETE FROM client_notes WHERE author = 'test'`); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := portal(t, "", "migrate-to-postgres", "--from", from, "--to", to); code != 0 || !strings.Contains(out, "every count matches") {
		t.Fatalf("copy after the fix: exit %d\n%s\n%s", code, out, errs)
	}
}

func TestMigrateToPostgresBadInput(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, []byte("not a database, just some text"), 0o600); err != nil {
		t.Fatal(err)
	}
	pg := "postgres://portal@127.0.0.1:1/none"
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--from", notDB}, 2, "usage: portal migrate-to-postgres"},
		{[]string{"--to", pg}, 2, "usage: portal migrate-to-postgres"},
		{[]string{"--from", notDB, "--to", filepath.Join(dir, "other.db")}, 2, "--to must be a postgres:// URL"},
		{[]string{"--from", notDB, "--to", pg, "extra"}, 2, "usage"},
		{[]string{"--from", filepath.Join(dir, "missing.db"), "--to", pg}, 1, "no such file"},
		{[]string{"--from", notDB, "--to", pg}, 1, "not a SQLite database file"},
	} {
		code, out, errs := portal(t, "", append([]string{"--data", filepath.Join(dir, "data"), "migrate-to-postgres"}, c.args...)...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, want %d with %q\n%s\n%s", c.args, code, c.code, c.want, out, errs)
		}
	}
	// The command boots nothing: no data directory, no database appeared.
	if _, err := os.Stat(filepath.Join(dir, "data")); !os.IsNotExist(err) {
		t.Errorf("a data directory appeared: %v", err)
	}
}
