package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Source is one module's migrations: files named NNNN_description.sql at the root of
// FS, applied in numeric order and recorded under Name, so that each module owns the
// numbering of its own tables.
type Source struct {
	Name string
	FS   fs.FS
}

type migration struct {
	version int
	name    string
	sql     string
	// autoinc are the tables of "-- migrate:autoincrement" lines (see Migrate).
	autoinc []autoinc
}

// list reads the migrations for dialect. Beside NNNN_name.sql (SQLite's text) a
// module may keep NNNN_name.postgres.sql, PostgreSQL's text of the same migration,
// used as it is; without one, PostgreSQL runs the SQLite text through toPostgres.
// Either way the migration is recorded under the SQLite file's name.
func (s Source) list(dialect Dialect) ([]migration, error) {
	entries, err := fs.ReadDir(s.FS, ".")
	if err != nil {
		return nil, fmt.Errorf("migrations %s: %w", s.Name, err)
	}
	var out []migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") || strings.HasSuffix(e.Name(), pgSuffix) {
			continue
		}
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migrations %s: file %q must be named NNNN_name.sql", s.Name, e.Name())
		}
		body, err := fs.ReadFile(s.FS, e.Name())
		if err != nil {
			return nil, err
		}
		ai, err := parseAutoinc(string(body))
		if err != nil {
			return nil, fmt.Errorf("migrations %s/%s: %w", s.Name, e.Name(), err)
		}
		m := migration{version: v, name: e.Name(), sql: string(body), autoinc: ai}
		if dialect == Postgres {
			// Identity columns never hand an id out twice: AUTOINCREMENT's rebuild has
			// nothing to do there.
			m.autoinc = nil
			pg, err := fs.ReadFile(s.FS, strings.TrimSuffix(e.Name(), ".sql")+pgSuffix)
			switch {
			case err == nil:
				m.sql = string(pg)
			case errors.Is(err, fs.ErrNotExist):
				m.sql = toPostgres(m.sql)
			default:
				return nil, err
			}
		}
		out = append(out, m)
	}
	for _, e := range entries {
		if base, ok := strings.CutSuffix(e.Name(), pgSuffix); ok {
			if _, err := fs.Stat(s.FS, base+".sql"); err != nil {
				return nil, fmt.Errorf("migrations %s: %s has no SQLite twin %s.sql", s.Name, e.Name(), base)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("migrations %s: two files with version %d", s.Name, out[i].version)
		}
	}
	return out, nil
}

// Migrate applies every migration of the sources that is not yet recorded, each in its
// own transaction together with its record, in the order given. Running it again is a
// no-op, so every start of the binary may call it.
//
// A migration may start with lines
//
//	-- migrate:autoincrement TABLE [above TABLE.COLUMN ...]
//
// to make TABLE's "id INTEGER PRIMARY KEY" an AUTOINCREMENT key, so that the id of a
// deleted row is never handed out again (without it SQLite gives MAX(id)+1, the id of
// a deleted newest row). The table is rebuilt with its rows, indexes and triggers, as
// SQLite's ALTER TABLE documentation prescribes: with foreign keys off, so that
// dropping the old table cascades nowhere, then checked with foreign_key_check before
// the commit. The sequence starts above the highest id the named columns still hold
// (an audit log naming deleted rows); columns of tables that do not exist yet are
// skipped. The rest of the file runs afterwards in the same transaction.
func Migrate(ctx context.Context, d *DB, sources ...Source) error {
	if d.Dialect == Postgres {
		if err := preparePostgres(ctx, d); err != nil {
			return fmt.Errorf("db.Migrate: %w", err)
		}
	}
	if _, err := d.W.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		source TEXT NOT NULL,
		version INTEGER NOT NULL,
		name TEXT NOT NULL,
		applied_at TEXT NOT NULL,
		PRIMARY KEY (source, version))`); err != nil {
		return fmt.Errorf("db.Migrate: %w", err)
	}
	// Every CLI command migrates on start, often beside a running server: reading what is
	// applied first means an up-to-date database costs one read, not a write transaction
	// (and a wait for the writer's lock) per migration. apply checks again inside its
	// transaction, so two processes migrating at once still apply each migration once.
	applied, err := appliedVersions(ctx, d)
	if err != nil {
		return fmt.Errorf("db.Migrate: %w", err)
	}
	for _, src := range sources {
		ms, err := src.list(d.Dialect)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if applied[src.Name+"/"+strconv.Itoa(m.version)] {
				continue
			}
			if err := apply(ctx, d, src.Name, m); err != nil {
				return fmt.Errorf("db.Migrate %s/%s: %w", src.Name, m.name, err)
			}
		}
	}
	return nil
}

// appliedVersions returns the recorded migrations as "source/version".
func appliedVersions(ctx context.Context, d *DB) (map[string]bool, error) {
	rows, err := d.R.QueryContext(ctx, `SELECT source, version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	applied := map[string]bool{}
	for rows.Next() {
		var source string
		var version int
		if err := rows.Scan(&source, &version); err != nil {
			return nil, err
		}
		applied[source+"/"+strconv.Itoa(version)] = true
	}
	return applied, rows.Err()
}

// apply runs one migration unless it is recorded already.
func apply(ctx context.Context, d *DB, source string, m migration) error {
	run := func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx,
			`SELECT COUNT(*) FROM schema_migrations WHERE source = ? AND version = ?`,
			source, m.version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		for _, a := range m.autoinc {
			if err := a.rebuild(ctx, tx); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return err
		}
		if len(m.autoinc) > 0 {
			if err := foreignKeyCheck(ctx, tx); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx,
			`INSERT INTO schema_migrations (source, version, name, applied_at) VALUES (?, ?, ?, ?)`,
			source, m.version, m.name, time.Now().UTC().Format(time.RFC3339))
		return err
	}
	if len(m.autoinc) == 0 {
		return d.Tx(ctx, run)
	}
	return withoutForeignKeys(ctx, d, run)
}

// withoutForeignKeys runs fn in a write transaction on the writer connection with
// foreign key enforcement off (and legacy_alter_table on, so that renaming the rebuilt
// table does not trip over triggers of other tables that name the dropped one). Both
// pragmas are no-ops inside a transaction, so they are set around it, and always put
// back: the connection returns to the pool afterwards.
func withoutForeignKeys(ctx context.Context, d *DB, fn func(tx *sql.Tx) error) error {
	err, restoreErr := txWithPragmas(ctx, d, []string{`PRAGMA foreign_keys = OFF`, `PRAGMA legacy_alter_table = ON`},
		func(conn *sql.Conn) error {
			_, e1 := conn.ExecContext(context.Background(), `PRAGMA foreign_keys = ON`)
			_, e2 := conn.ExecContext(context.Background(), `PRAGMA legacy_alter_table = OFF`)
			var fk int
			e3 := conn.QueryRowContext(context.Background(), `PRAGMA foreign_keys`).Scan(&fk)
			if e := errors.Join(e1, e2, e3); e != nil {
				return e
			}
			if fk != 1 {
				return errors.New("foreign_keys still off")
			}
			return nil
		}, fn)
	if restoreErr != nil {
		// Never go on without foreign keys: the migration fails.
		err = errors.Join(err, fmt.Errorf("restoring foreign_keys: %v", restoreErr))
	}
	return err
}

// foreignKeyCheck fails when any row refers to a row that does not exist.
func foreignKeyCheck(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var bad []string
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return err
		}
		bad = append(bad, fmt.Sprintf("%s row %d refers to a missing %s", table, rowid.Int64, parent))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(bad) > 0 {
		return fmt.Errorf("foreign key check: %s", strings.Join(bad, "; "))
	}
	return nil
}

// autoinc is one "-- migrate:autoincrement" line.
type autoinc struct {
	table string
	above [][2]string // table, column
}

const autoincDirective = "-- migrate:autoincrement"

// parseAutoinc reads the directive lines at the top of a migration (before its first
// statement; other comments may come between them).
func parseAutoinc(body string) ([]autoinc, error) {
	var out []autoinc
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if !strings.HasPrefix(line, "--") {
			break
		}
		rest, ok := strings.CutPrefix(line, autoincDirective)
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 || !identifier(f[0]) || (len(f) > 1 && (f[1] != "above" || len(f) == 2)) {
			return nil, fmt.Errorf("%q: want %s TABLE [above TABLE.COLUMN ...]", line, autoincDirective)
		}
		a := autoinc{table: f[0]}
		for _, tc := range f[min(2, len(f)):] {
			t, c, ok := strings.Cut(tc, ".")
			if !ok || !identifier(t) || !identifier(c) {
				return nil, fmt.Errorf("%q: %q is not TABLE.COLUMN", line, tc)
			}
			a.above = append(a.above, [2]string{t, c})
		}
		out = append(out, a)
	}
	return out, nil
}

// identifier accepts the plain names our schema uses, which need no quoting rules.
func identifier(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// intPK finds the integer primary key column of a CREATE TABLE statement.
var intPK = regexp.MustCompile(`(?i)\bid\s+INTEGER\s+PRIMARY\s+KEY\b(\s+AUTOINCREMENT\b)?`)

// createHead is the start of a CREATE TABLE statement up to the column list.
var createHead = regexp.MustCompile(`(?is)^\s*CREATE\s+TABLE\s+(?:"[^"]+"|\w+)\s*\(`)

// rebuild makes a.table's id AUTOINCREMENT (a no-op when it is already) and starts its
// sequence above the ids still named elsewhere. It runs inside withoutForeignKeys.
func (a autoinc) rebuild(ctx context.Context, tx *sql.Tx) error {
	var create string
	err := tx.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, a.table).Scan(&create)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("autoincrement %s: no such table", a.table)
	}
	if err != nil {
		return err
	}
	pk := intPK.FindStringSubmatchIndex(create)
	if pk == nil || !createHead.MatchString(create) {
		return fmt.Errorf("autoincrement %s: the table has no id INTEGER PRIMARY KEY", a.table)
	}
	if pk[2] < 0 {
		// Its indexes and triggers go with the old table: keep their definitions
		// (automatic indexes of UNIQUE columns have none and come back by themselves).
		var again []string
		rows, err := tx.QueryContext(ctx, `SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger')
			AND sql IS NOT NULL ORDER BY type, rowid`, a.table)
		if err != nil {
			return err
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return err
			}
			again = append(again, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		tmp := a.table + "_autoincrement"
		def := create[:pk[1]] + " AUTOINCREMENT" + create[pk[1]:]
		def = createHead.ReplaceAllLiteralString(def, `CREATE TABLE "`+tmp+`" (`)
		steps := append([]string{
			def,
			`INSERT INTO "` + tmp + `" SELECT * FROM "` + a.table + `"`,
			`DROP TABLE "` + a.table + `"`,
			`ALTER TABLE "` + tmp + `" RENAME TO "` + a.table + `"`,
		}, again...)
		for _, q := range steps {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("autoincrement %s: %w", a.table, err)
			}
		}
	}
	// The sequence: at least the highest id in the table (the copy set that), and above
	// every id the named columns still hold.
	floor := int64(0)
	for _, tc := range a.above {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, tc[0]).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			continue
		}
		var v sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT MAX("`+tc[1]+`") FROM "`+tc[0]+`"`).Scan(&v); err != nil {
			return fmt.Errorf("autoincrement %s above %s.%s: %w", a.table, tc[0], tc[1], err)
		}
		floor = max(floor, v.Int64)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sqlite_sequence (name, seq) SELECT ?, 0
		WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?)`, a.table, a.table); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE sqlite_sequence SET seq = MAX(seq, ?, (SELECT COALESCE(MAX(id), 0) FROM "`+a.table+`"))
		WHERE name = ?`, floor, a.table)
	return err
}
