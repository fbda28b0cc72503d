package main

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/db/dbtest"
)

// withoutAutoincrement hides the migrations that make ids AUTOINCREMENT, which gives
// the schema of a database from before them.
func withoutAutoincrement(t *testing.T, src db.Source) db.Source {
	t.Helper()
	out := fstest.MapFS{}
	entries, err := fs.ReadDir(src.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := fs.ReadFile(src.FS, e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "-- migrate:autoincrement") {
			out[e.Name()] = &fstest.MapFile{Data: b}
		}
	}
	return db.Source{Name: src.Name, FS: out}
}

// An existing database gets AUTOINCREMENT ids without losing a row, an index, a
// trigger or a foreign key, and a client deleted before the upgrade does not come back.
func TestUpgradeToAutoincrementKeepsEverything(t *testing.T) {
	dbtest.SkipSQLiteOnly(t, "the AUTOINCREMENT rebuild of an old SQLite database; PostgreSQL starts with identity columns (internal/db TestPostgresIdsNeverReused)")
	dir := t.TempDir()
	d, err := db.Open(dbtest.ForDir(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	sources := app.MigrationSources(modules)
	old := make([]db.Source, len(sources))
	for i, s := range sources {
		old[i] = withoutAutoincrement(t, s)
	}
	ctx := context.Background()
	if err := db.Migrate(ctx, d, old...); err != nil {
		t.Fatal(err)
	}
	exec := func(q string) {
		t.Helper()
		if _, err := d.W.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	now := `'2026-11-02T10:00:00Z'`
	for _, q := range []string{
		`INSERT INTO invoice_groups (id, name, created_at) VALUES (1, 'Home', ` + now + `), (2, 'Business', ` + now + `)`,
		`INSERT INTO clients (id, number, name, email, invoice_group_id, created_at, updated_at) VALUES
			(1, '1001', 'Jana', 'jana@example.net', 1, ` + now + `, ` + now + `),
			(2, '1002', 'Petr', 'petr@example.net', 2, ` + now + `, ` + now + `),
			(3, '1003', 'Eva', 'eva@example.net', 1, ` + now + `, ` + now + `)`,
		`INSERT INTO staff (id, login, role, created_at) VALUES (1, 'admin', 'admin', ` + now + `), (2, 'billing', 'api', ` + now + `)`,
		`INSERT INTO client_credentials (client_id, password_hash, changed_at) VALUES (1, 'h', ` + now + `), (3, 'h', ` + now + `)`,
		`INSERT INTO password_tokens (token_hash, client_id, purpose, created_at, expires_at) VALUES ('t1', 1, 'reset', ` + now + `, '2026-11-02T11:00:00Z')`,
		`INSERT INTO sessions (id_hash, kind, client_id, created_at, last_seen, expires_at) VALUES ('s1', 'client', 1, ` + now + `, ` + now + `, ` + now + `)`,
		`INSERT INTO sessions (id_hash, kind, staff_id, created_at, last_seen, expires_at) VALUES ('s2', 'staff', 1, ` + now + `, ` + now + `, ` + now + `)`,
		`INSERT INTO api_sessions (token_hash, staff_id, created_at, last_used, expires_at, hard_expires_at) VALUES ('a1', 2, ` + now + `, ` + now + `, ` + now + `, ` + now + `)`,
		`INSERT INTO tariffs (id, name, created_at, updated_at) VALUES (1, 'Fiber', ` + now + `, ` + now + `)`,
		`INSERT INTO services (id, client_id, tariff_id, name, created_at, updated_at) VALUES
			(1, 1, 1, 'Internet', ` + now + `, ` + now + `), (2, 3, 1, 'Internet', ` + now + `, ` + now + `)`,
		`INSERT INTO service_params (service_id, name, value) VALUES (1, 'DNS', '192.0.2.53'), (2, 'DNS', '192.0.2.53')`,
		`INSERT INTO traffic_day (service_id, bucket, down, up) VALUES (1, 1000, 5, 5), (2, 1000, 7, 7)`,
		`INSERT INTO invoices (id, client_id, number, issued, due, taxable, amount, amount_vat, currency, created_at) VALUES
			(1, 1, 'F1', '2026-10-01', '2026-10-15', '2026-10-01', 100, 121, 'CZK', ` + now + `),
			(2, 3, 'F2', '2026-10-01', '2026-10-15', '2026-10-01', 100, 121, 'CZK', ` + now + `)`,
		`INSERT INTO invoice_items (invoice_id, position, description, quantity, unit_price, vat_rate) VALUES (1, 0, 'x', 1000, 100, 21)`,
		`INSERT INTO payments (client_id, paid_on, amount, currency, method, invoice_id, created_at) VALUES (1, '2026-10-05', 121, 'CZK', 'bank', 1, ` + now + `)`,
		`INSERT INTO documents (id, client_id, title, doc_date, stored_path, created_at) VALUES (1, 1, 'Contract', '2026-01-01', 'documents/a', ` + now + `)`,
		`INSERT INTO files (id, title, stored_path, created_at) VALUES (1, 'Prices', 'files/a', ` + now + `)`,
		`INSERT INTO file_groups (file_id, group_id) VALUES (1, 2)`,
		`INSERT INTO info_messages (id, kind, client_id, title, created_at) VALUES (1, 'private', 1, 'Hello', ` + now + `)`,
		`INSERT INTO info_message_reads (message_id, client_id, read_at) VALUES (1, 1, ` + now + `)`,
		`INSERT INTO custom_buttons (id, label_en, url, created_at, updated_at) VALUES (1, 'Speed', 'https://speed.example.net/', ` + now + `, ` + now + `)`,
		`INSERT INTO consent_documents (id, title, created_at, updated_at) VALUES (1, 'Marketing', ` + now + `, ` + now + `)`,
		`INSERT INTO consent_versions (document_id, version, text, created_at) VALUES (1, 1, 'text', ` + now + `)`,
		`INSERT INTO consent_history (client_id, document_id, seq, version, action, at) VALUES (1, 1, 1, 1, 'given', ` + now + `)`,
		`INSERT INTO helpdesk_departments (id, name, created_at) VALUES (1, 'Support', ` + now + `)`,
		`INSERT INTO helpdesk_tickets (id, client_id, department_id, subject, created_at, updated_at) VALUES (1, 3, 1, 'Slow', ` + now + `, ` + now + `)`,
		`INSERT INTO settings (key, group_id, value, updated_at) VALUES ('ci_contact_text', 2, '<p>B</p>', ` + now + `)`,
		`INSERT INTO audit_log (at, actor, action, client_id, detail) VALUES
			(` + now + `, 'api:billing', 'api.clients.add', 3, 'created'),
			(` + now + `, 'api:billing', 'api.clients.add', 4, 'created'),
			(` + now + `, 'api:billing', 'api.clients.delete', 4, 'deleted')`,
		// Client 3 is deleted the way clients.delete did before the upgrade: its
		// service's traffic stays behind, the ticket loses its client.
		`DELETE FROM clients WHERE id = 3`,
	} {
		exec(q)
	}
	type objects struct {
		rows   map[string]int
		schema map[string]string
	}
	snapshot := func() objects {
		o := objects{rows: map[string]int{}, schema: map[string]string{}}
		rows, err := d.R.QueryContext(ctx, `SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'`)
		if err != nil {
			t.Fatal(err)
		}
		var tables []string
		for rows.Next() {
			var typ, name, tbl string
			rows.Scan(&typ, &name, &tbl)
			o.schema[typ+" "+name] = tbl
			if typ == "table" {
				tables = append(tables, name)
			}
		}
		rows.Close()
		for _, tb := range tables {
			var n int
			d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+tb+`"`).Scan(&n)
			o.rows[tb] = n
		}
		return o
	}
	before := snapshot()
	d.Close()

	// The upgrade, as an operator runs it.
	if code, _, errs := portal(t, "", "--data", dir, "migrate"); code != 0 {
		t.Fatalf("migrate: %d %s", code, errs)
	}
	d, err = db.Open(dbtest.ForDir(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	after := snapshot()
	for tb, n := range before.rows {
		want := n
		switch tb {
		case "schema_migrations":
			want = n + 6
		case "meta":
			continue // booting creates the server's secrets
		}
		if after.rows[tb] != want {
			t.Errorf("table %s: %d rows before, %d after", tb, n, after.rows[tb])
		}
	}
	for obj, tbl := range before.schema {
		if after.schema[obj] != tbl {
			t.Errorf("%s (on %s) lost", obj, tbl)
		}
	}
	if len(after.schema) != len(before.schema) {
		t.Errorf("%d schema objects before, %d after", len(before.schema), len(after.schema))
	}
	var check string
	d.R.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check)
	if check != "ok" {
		t.Fatalf("integrity_check: %s", check)
	}
	if rows, err := d.R.QueryContext(ctx, `PRAGMA foreign_key_check`); err != nil || rows.Next() {
		t.Fatalf("foreign_key_check: %v", err)
	}

	// New rows get ids above every id used before, also the ones only the audit log and
	// the traffic tables remember.
	newID := func(q string) int64 {
		t.Helper()
		var id int64
		if err := d.W.QueryRowContext(ctx, q+` RETURNING id`).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	if id := newID(`INSERT INTO clients (number, name, created_at, updated_at) VALUES ('1004', 'New', ` + now + `, ` + now + `)`); id != 5 {
		t.Errorf("new client id %d, want 5 (4 was deleted before the upgrade)", id)
	}
	if id := newID(`INSERT INTO services (client_id, tariff_id, name, created_at, updated_at) VALUES (1, 1, 'TV', ` + now + `, ` + now + `)`); id != 3 {
		t.Errorf("new service id %d, want 3 (2 still has traffic)", id)
	}
	if id := newID(`INSERT INTO invoice_groups (name, created_at) VALUES ('G', ` + now + `)`); id != 3 {
		t.Errorf("new group id %d", id)
	}
	// Foreign keys, cascades and triggers work on the rebuilt tables.
	if _, err := d.W.ExecContext(ctx, `INSERT INTO client_credentials (client_id, password_hash, changed_at) VALUES (99, 'h', `+now+`)`); err == nil {
		t.Error("a credential of no client was accepted")
	}
	exec(`UPDATE clients SET email = 'jana@example.org' WHERE id = 1`)
	var used int
	d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM password_tokens WHERE used_at IS NOT NULL`).Scan(&used)
	if used != 1 {
		t.Error("the e-mail change no longer kills password links (trigger on clients lost)")
	}
	exec(`DELETE FROM clients WHERE id = 1`)
	for _, tb := range []string{"client_credentials", "sessions WHERE kind = 'client'", "services", "invoices", "payments", "documents",
		"info_messages", "info_message_reads", "consent_history"} {
		var n int
		d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+tb).Scan(&n)
		if n != 0 {
			t.Errorf("%s: %d rows left after deleting their client", tb, n)
		}
	}
	exec(`DELETE FROM files WHERE id = 1`)
	var fg int
	d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM file_groups`).Scan(&fg)
	if fg != 0 {
		t.Error("deleting a file no longer cascades to its groups")
	}
	// The portal boots on it (and migrating again changes nothing).
	if code, _, errs := portal(t, "", "--data", dir, "migrate"); code != 0 {
		t.Fatalf("second migrate: %d %s", code, errs)
	}
}
