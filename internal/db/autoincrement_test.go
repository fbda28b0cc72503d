package db

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
)

// The first migrations of two sources, as an existing database has them: parent ids
// are reused (INTEGER PRIMARY KEY alone hands out MAX(id)+1), children refer to them
// with cascades, one trigger sits on parent, another (of the other source) reads it.
var beforeAutoincrement = []Source{
	{Name: "a", FS: fstest.MapFS{"0001_parent.sql": {Data: []byte(`
		CREATE TABLE parent (
		    id INTEGER PRIMARY KEY,
		    email TEXT NOT NULL DEFAULT '',
		    name TEXT NOT NULL
		);
		CREATE INDEX parent_name ON parent (name);
		CREATE TABLE history (id INTEGER PRIMARY KEY, parent_id INTEGER, what TEXT NOT NULL);`)}}},
	{Name: "b", FS: fstest.MapFS{"0001_child.sql": {Data: []byte(`
		CREATE TABLE child (
		    id INTEGER PRIMARY KEY,
		    parent_id INTEGER NOT NULL REFERENCES parent (id) ON DELETE CASCADE,
		    stale INTEGER NOT NULL DEFAULT 0
		);
		CREATE TRIGGER child_stale AFTER UPDATE OF email ON parent BEGIN
		    UPDATE child SET stale = 1 WHERE parent_id = NEW.id;
		END;
		CREATE TABLE kept (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id) ON DELETE CASCADE);
		CREATE TRIGGER kept_no_delete BEFORE DELETE ON kept WHEN EXISTS (SELECT 1 FROM parent WHERE id = OLD.parent_id)
		BEGIN SELECT RAISE(ABORT, 'kept is append-only'); END;`)}}},
}

// The later migration of source a that makes parent ids never reused.
var makeAutoincrement = Source{Name: "a", FS: fstest.MapFS{
	"0001_parent.sql": beforeAutoincrement[0].FS.(fstest.MapFS)["0001_parent.sql"],
	"0002_never_reuse.sql": {Data: []byte(`-- migrate:autoincrement parent above history.parent_id missing.parent_id
		-- Comments and statements may follow the directive.
		INSERT INTO history (parent_id, what) VALUES (NULL, 'migrated');`)},
}}

func TestMigrateAutoincrementKeepsDataAndStopsReuse(t *testing.T) {
	sqliteOnly(t, "the AUTOINCREMENT rebuild is SQLite's; PostgreSQL's identity columns never reuse an id (TestPostgresIdsNeverReused)")
	d := open(t)
	ctx := context.Background()
	if err := Migrate(ctx, d, beforeAutoincrement...); err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := d.W.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := d.R.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	exec(`INSERT INTO parent (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')`)
	exec(`INSERT INTO child (parent_id) VALUES (1), (2), (2), (3)`)
	exec(`INSERT INTO kept (parent_id) VALUES (1), (2)`)
	exec(`INSERT INTO history (parent_id, what) VALUES (4, 'created'), (4, 'deleted'), (5, 'created'), (5, 'deleted')`)
	// Parents 4 and 5 are gone; history still names them. Without AUTOINCREMENT the
	// next parent would be 4 again.
	exec(`DELETE FROM parent WHERE id = 4`)
	schema := func() map[string]bool {
		rows, err := d.R.QueryContext(ctx, `SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]bool{}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out[s] = true
		}
		return out
	}
	before := schema()

	if err := Migrate(ctx, d, makeAutoincrement, beforeAutoincrement[1]); err != nil {
		t.Fatal(err)
	}
	// Everything is still there: rows, index, both triggers.
	if n := count(`SELECT COUNT(*) FROM parent`); n != 3 {
		t.Fatalf("%d parents", n)
	}
	if n := count(`SELECT COUNT(*) FROM child`); n != 4 {
		t.Fatalf("%d children", n)
	}
	if after := schema(); len(after) != len(before) {
		t.Fatalf("schema before %v, after %v", before, after)
	} else {
		for k := range before {
			if !after[k] {
				t.Errorf("%s lost", k)
			}
		}
	}
	if n := count(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'parent' AND sql LIKE '%id INTEGER PRIMARY KEY AUTOINCREMENT%'`); n != 1 {
		t.Fatal("parent is not AUTOINCREMENT")
	}
	if n := count(`SELECT COUNT(*) FROM history WHERE what = 'migrated'`); n != 1 {
		t.Fatal("the statements after the directive did not run")
	}
	// The writer has its foreign keys back, and the references follow the new table.
	var fk int
	d.W.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk)
	if fk != 1 {
		t.Fatal("foreign_keys left off on the writer")
	}
	if _, err := d.W.ExecContext(ctx, `INSERT INTO child (parent_id) VALUES (99)`); err == nil {
		t.Fatal("a child of no parent was accepted")
	}
	exec(`UPDATE parent SET email = 'x' WHERE id = 2`)
	if n := count(`SELECT COUNT(*) FROM child WHERE stale = 1`); n != 2 {
		t.Fatalf("trigger on parent: %d stale children", n)
	}
	if _, err := d.W.ExecContext(ctx, `DELETE FROM kept WHERE parent_id = 1`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("trigger reading parent: %v", err)
	}
	exec(`DELETE FROM parent WHERE id = 3`)
	if n := count(`SELECT COUNT(*) FROM child WHERE parent_id = 3`); n != 0 {
		t.Fatal("delete no longer cascades")
	}
	// New parents get ids above every id ever used, also the ones only history knows.
	var id int64
	if err := d.W.QueryRowContext(ctx, `INSERT INTO parent (name) VALUES ('new') RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if id != 6 {
		t.Fatalf("new parent got id %d, want 6 (above the deleted 5)", id)
	}
	exec(`DELETE FROM parent WHERE id = 6`)
	d.W.QueryRowContext(ctx, `INSERT INTO parent (name) VALUES ('newer') RETURNING id`).Scan(&id)
	if id != 7 {
		t.Fatalf("id %d after deleting the newest parent, want 7", id)
	}
	// Running it again changes nothing.
	if err := Migrate(ctx, d, makeAutoincrement, beforeAutoincrement[1]); err != nil {
		t.Fatal(err)
	}
}

// A fresh database runs the same migrations on empty tables; an unknown table or one
// without an "id INTEGER PRIMARY KEY" is an error, and a failure leaves nothing.
func TestMigrateAutoincrementFreshAndErrors(t *testing.T) {
	sqliteOnly(t, "the AUTOINCREMENT rebuild is SQLite's; PostgreSQL's identity columns never reuse an id (TestPostgresIdsNeverReused)")
	d := open(t)
	ctx := context.Background()
	if err := Migrate(ctx, d, makeAutoincrement, beforeAutoincrement[1]); err != nil {
		t.Fatal(err)
	}
	var id int64
	d.W.QueryRowContext(ctx, `INSERT INTO parent (name) VALUES ('first') RETURNING id`).Scan(&id)
	if id != 1 {
		t.Fatalf("first parent got id %d", id)
	}
	for _, body := range []string{
		`-- migrate:autoincrement nowhere`,
		`-- migrate:autoincrement child above nowhere`, // not TABLE.COLUMN
		`-- migrate:autoincrement schema_migrations`,   // no id INTEGER PRIMARY KEY
	} {
		err := Migrate(ctx, d, Source{Name: "bad", FS: fstest.MapFS{"0001_x.sql": {Data: []byte(body)}}})
		if err == nil {
			t.Fatalf("%q: migrated", body)
		}
		var n int
		d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE source = 'bad'`).Scan(&n)
		if n != 0 {
			t.Fatalf("%q: recorded", body)
		}
	}
	var fk int
	d.W.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk)
	if fk != 1 {
		t.Fatal("foreign_keys left off after a failed migration")
	}
}
