// Package dbcopy copies a portal's SQLite database into PostgreSQL: the work of
// `portal migrate-to-postgres`.
//
// The destination is migrated first (by the caller, with the portal's own
// migrations), so both hold the same tables; the copy moves the rows. It is safe to
// run again:
//
//   - everything is written in one transaction of the destination, so a run that
//     fails or is interrupted leaves the destination as it was;
//   - before writing anything, each table of the destination is classed: empty
//     (copied), holding only the rows the migrations themselves insert (replaced by
//     the source's), or holding as many rows as the source (left alone: an earlier
//     run copied it). Any other table means the destination holds other data (the
//     portal has been running on it): the run refuses and writes nothing;
//   - the counts of every copied table are checked inside the transaction, and a
//     difference rolls the whole copy back.
package dbcopy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	_ "modernc.org/sqlite" // the "sqlite" driver, as internal/db uses it
)

// What happened to a table.
const (
	Copied  = "copied"
	Replace = "replaced" // the rows the destination's migrations inserted gave way
	Present = "present"  // as many rows as the source already: an earlier run's copy
	Empty   = "empty"    // nothing in the source, nothing to do
)

// Table is one line of the report.
type Table struct {
	Name   string
	Source int64 // rows in the SQLite file
	Dest   int64 // rows in PostgreSQL after the run (before it, in a ConflictError)
	Action string
}

// ConflictError refuses a destination that holds data of its own.
type ConflictError struct{ Tables []Table }

func (e *ConflictError) Error() string {
	var parts []string
	for _, t := range e.Tables {
		parts = append(parts, fmt.Sprintf("%s (%d rows in the SQLite file, %d in PostgreSQL)", t.Name, t.Source, t.Dest))
	}
	return "the PostgreSQL database already holds other data in " + strings.Join(parts, ", ") +
		"; nothing was copied. Copy into an empty database (or one an earlier run filled)"
}

// Options are the three databases of a copy.
type Options struct {
	// Source reads the SQLite file, ideally one read-only connection.
	Source *sql.DB
	// Fresh is a SQLite database migrated with the same migrations and nothing else:
	// its rows are those the migrations insert (a revision counter), which the
	// destination may hold before any copy.
	Fresh *sql.DB
	// Dest writes PostgreSQL, migrated with the same migrations.
	Dest *sql.DB
	// Batch is the number of rows per INSERT (default 500).
	Batch int
}

// table is what the copy knows of one table of the source.
type table struct {
	name    string
	cols    []string
	order   []string // primary key columns, or rowid
	parents []string // tables its foreign keys point to
	Table
	seq int64 // the source's sqlite_sequence for the table (ids handed out)
}

// Copy copies every table of the source into the destination and returns the report
// in the order the tables were copied (parents before children).
func Copy(ctx context.Context, o Options) ([]Table, error) {
	if o.Batch <= 0 {
		o.Batch = 500
	}
	src, err := o.Source.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer src.Rollback() // a read: one snapshot of the whole file
	if err := sameSchema(ctx, src, o.Dest); err != nil {
		return nil, err
	}
	tables, err := readTables(ctx, src)
	if err != nil {
		return nil, err
	}
	var conflicts []Table
	for _, t := range tables {
		if err := t.classify(ctx, src, o.Fresh, o.Dest); err != nil {
			return nil, err
		}
		if t.Action == "" {
			conflicts = append(conflicts, t.Table)
		}
	}
	if conflicts != nil {
		return nil, &ConflictError{Tables: conflicts}
	}
	dtx, err := o.Dest.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer dtx.Rollback()
	// Replaced rows go first, children before parents.
	for i := len(tables) - 1; i >= 0; i-- {
		if t := tables[i]; t.Action == Replace {
			if _, err := dtx.ExecContext(ctx, `DELETE FROM `+quote(t.name)); err != nil {
				return nil, fmt.Errorf("%s: %w", t.name, err)
			}
		}
	}
	for _, t := range tables {
		if t.Action != Copied && t.Action != Replace {
			continue
		}
		if err := t.copyRows(ctx, src, dtx, o.Batch); err != nil {
			return nil, fmt.Errorf("%s: %w", t.name, err)
		}
		if err := t.resetIdentity(ctx, dtx); err != nil {
			return nil, fmt.Errorf("%s: %w", t.name, err)
		}
	}
	// The check: every table holds the source's count, inside the transaction, so a
	// difference leaves nothing behind.
	var wrong []string
	for _, t := range tables {
		if err := dtx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quote(t.name)).Scan(&t.Dest); err != nil {
			return nil, fmt.Errorf("%s: %w", t.name, err)
		}
		if t.Dest != t.Source {
			wrong = append(wrong, fmt.Sprintf("%s: %d rows in the SQLite file, %d in PostgreSQL", t.name, t.Source, t.Dest))
		}
	}
	if wrong != nil {
		return nil, fmt.Errorf("the counts differ after the copy, so nothing was kept: %s", strings.Join(wrong, "; "))
	}
	if err := dtx.Commit(); err != nil {
		return nil, err
	}
	out := make([]Table, len(tables))
	for i, t := range tables {
		out[i] = t.Table
	}
	return out, nil
}

// sameSchema refuses a source whose applied migrations are not the destination's:
// the tables would not match. The destination was just migrated by this binary, so
// the usual cause is a SQLite file of an older version, which `portal migrate`
// brings up to date.
func sameSchema(ctx context.Context, src *sql.Tx, dest *sql.DB) error {
	read := func(q interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	}) (map[string]bool, error) {
		rows, err := q.QueryContext(ctx, `SELECT source, version FROM schema_migrations`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := map[string]bool{}
		for rows.Next() {
			var s string
			var v int64
			if err := rows.Scan(&s, &v); err != nil {
				return nil, err
			}
			out[s+"/"+strconv.FormatInt(v, 10)] = true
		}
		return out, rows.Err()
	}
	have, err := read(src)
	if err != nil {
		return fmt.Errorf("the SQLite file has no portal schema: %w", err)
	}
	want, err := read(dest)
	if err != nil {
		return err
	}
	var missing, extra []string
	for k := range want {
		if !have[k] {
			missing = append(missing, k)
		}
	}
	for k := range have {
		if !want[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	switch {
	case missing != nil:
		return fmt.Errorf("the SQLite file lacks migrations this portal has (%s): run `portal migrate` on it with this version first",
			strings.Join(missing, ", "))
	case extra != nil:
		return fmt.Errorf("the SQLite file has migrations this portal does not know (%s): use the portal version that wrote it",
			strings.Join(extra, ", "))
	}
	return nil
}

// readTables lists the source's tables with their columns, order and parents, parents
// first. schema_migrations is each database's own (the destination's was written by
// its migration) and sqlite_* tables are SQLite's; so are full-text indexes (virtual
// tables and their shadow tables, type "virtual" and "shadow"), which PostgreSQL has
// no counterpart of.
func readTables(ctx context.Context, src *sql.Tx) ([]*table, error) {
	rows, err := src.QueryContext(ctx, `SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'
		AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name <> 'schema_migrations' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	seqs := map[string]int64{}
	if srows, err := src.QueryContext(ctx, `SELECT name, seq FROM sqlite_sequence`); err == nil {
		for srows.Next() {
			var n string
			var s int64
			if srows.Scan(&n, &s) == nil {
				seqs[n] = s
			}
		}
		srows.Close()
	}
	byName := map[string]*table{}
	for _, n := range names {
		t := &table{name: n, seq: seqs[n]}
		t.Table.Name = n
		if err := t.readColumns(ctx, src); err != nil {
			return nil, err
		}
		byName[n] = t
	}
	return order(byName, names)
}

func (t *table) readColumns(ctx context.Context, src *sql.Tx) error {
	rows, err := src.QueryContext(ctx, `SELECT name, pk FROM pragma_table_info(?) ORDER BY cid`, t.name)
	if err != nil {
		return err
	}
	pks := map[int]string{}
	for rows.Next() {
		var c string
		var pk int
		if err := rows.Scan(&c, &pk); err != nil {
			rows.Close()
			return err
		}
		t.cols = append(t.cols, c)
		if pk > 0 {
			pks[pk] = c
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for i := 1; i <= len(pks); i++ {
		t.order = append(t.order, pks[i])
	}
	if len(t.order) == 0 {
		t.order = []string{"rowid"}
	}
	frows, err := src.QueryContext(ctx, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, t.name)
	if err != nil {
		return err
	}
	defer frows.Close()
	for frows.Next() {
		var p string
		if err := frows.Scan(&p); err != nil {
			return err
		}
		if p != t.name {
			t.parents = append(t.parents, p)
		}
	}
	return frows.Err()
}

// order sorts the tables so that every table comes after the tables its foreign keys
// point to (by name among equals, so the report reads the same every run).
func order(byName map[string]*table, names []string) ([]*table, error) {
	var out []*table
	done := map[string]bool{}
	for len(out) < len(names) {
		progress := false
		for _, n := range names {
			if done[n] {
				continue
			}
			ready := true
			for _, p := range byName[n].parents {
				if _, known := byName[p]; known && !done[p] {
					ready = false
				}
			}
			if ready {
				done[n] = true
				out = append(out, byName[n])
				progress = true
			}
		}
		if !progress {
			var left []string
			for _, n := range names {
				if !done[n] {
					left = append(left, n)
				}
			}
			return nil, fmt.Errorf("the foreign keys of %s form a cycle; no copy order exists", strings.Join(left, ", "))
		}
	}
	return out, nil
}

// classify counts the table on both sides and decides what the copy does with it;
// an empty Action is a conflict.
func (t *table) classify(ctx context.Context, src *sql.Tx, fresh, dest *sql.DB) error {
	if err := src.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quote(t.name)).Scan(&t.Source); err != nil {
		return fmt.Errorf("%s: %w", t.name, err)
	}
	if err := t.checkColumns(ctx, dest); err != nil {
		return err
	}
	if err := dest.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quote(t.name)).Scan(&t.Dest); err != nil {
		return fmt.Errorf("%s: %w", t.name, err)
	}
	var freshCount int64
	if err := fresh.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quote(t.name)).Scan(&freshCount); err != nil {
		return fmt.Errorf("%s: %w", t.name, err)
	}
	switch {
	case t.Dest == 0 && t.Source == 0:
		t.Action = Empty
	case t.Dest == 0:
		t.Action = Copied
	case freshCount == t.Dest && t.asFresh(ctx, fresh, dest):
		// What the migrations inserted (a revision counter): the source's rows win.
		t.Action = Replace
	case t.Dest == t.Source:
		t.Action = Present
	}
	return nil
}

// checkColumns refuses a destination table that lacks one of the source's columns.
func (t *table) checkColumns(ctx context.Context, dest *sql.DB) error {
	rows, err := dest.QueryContext(ctx, `SELECT * FROM `+quote(t.name)+` WHERE 1 = 0`)
	if err != nil {
		return fmt.Errorf("%s: %w", t.name, err)
	}
	cols, err := rows.Columns()
	rows.Close()
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, c := range cols {
		have[strings.ToLower(c)] = true
	}
	for _, c := range t.cols {
		if !have[strings.ToLower(c)] {
			return fmt.Errorf("%s: PostgreSQL has no column %s", t.name, c)
		}
	}
	return nil
}

// asFresh reports whether the destination's rows of the table are exactly those of a
// freshly migrated database.
func (t *table) asFresh(ctx context.Context, fresh, dest *sql.DB) bool {
	a, err1 := t.digest(ctx, fresh)
	b, err2 := t.digest(ctx, dest)
	return err1 == nil && err2 == nil && a == b
}

// digest is an order-free fingerprint of the table's rows, equal on both engines for
// equal values.
func (t *table) digest(ctx context.Context, q *sql.DB) (uint64, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+quoteList(t.cols)+` FROM `+quote(t.name))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	vals := make([]any, len(t.cols))
	ptrs := make([]any, len(t.cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var sum uint64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, err
		}
		h := fnv.New64a()
		for _, v := range vals {
			fmt.Fprintf(h, "%s\x00", canonical(v))
		}
		sum += h.Sum64()
	}
	return sum, rows.Err()
}

// canonical writes a value the same whichever engine returned it.
func canonical(v any) string {
	switch v := v.(type) {
	case nil:
		return "\x01null"
	case []byte:
		return string(v)
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano)
	default:
		return fmt.Sprint(v)
	}
}

// copyRows streams the table's rows in primary key order (a trigger may check the
// order, as consent_history's does) in multi-row INSERTs of batch rows.
func (t *table) copyRows(ctx context.Context, src *sql.Tx, dtx *sql.Tx, batch int) error {
	if t.Source == 0 {
		return nil
	}
	// PostgreSQL takes at most 65535 parameters per statement.
	batch = max(1, min(batch, 65535/len(t.cols)))
	rows, err := src.QueryContext(ctx, `SELECT `+quoteList(t.cols)+` FROM `+quote(t.name)+` ORDER BY `+quoteList(t.order))
	if err != nil {
		return err
	}
	defer rows.Close()
	stmts := map[int]*sql.Stmt{}
	defer func() {
		for _, s := range stmts {
			s.Close()
		}
	}()
	flush := func(args []any) error {
		n := len(args) / len(t.cols)
		st, ok := stmts[n]
		if !ok {
			var err error
			if st, err = dtx.PrepareContext(ctx, t.insert(n)); err != nil {
				return err
			}
			stmts[n] = st
		}
		_, err := st.ExecContext(ctx, args...)
		return err
	}
	args := make([]any, 0, batch*len(t.cols))
	for rows.Next() {
		vals := make([]any, len(t.cols))
		ptrs := make([]any, len(t.cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		// The PostgreSQL connection would store U+FFFD for these (db's
		// CheckNamedValue); a copy must not change a value, so it stops instead.
		for i, v := range vals {
			if s, ok := v.(string); ok && (!utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0) {
				return fmt.Errorf("%s.%s: a text PostgreSQL cannot hold (a NUL character or bytes that are no UTF-8)", t.name, t.cols[i])
			}
		}
		args = append(args, vals...)
		if len(args) == batch*len(t.cols) {
			if err := flush(args); err != nil {
				return err
			}
			args = args[:0]
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(args) > 0 {
		return flush(args)
	}
	return nil
}

// insert is the INSERT of n rows, with PostgreSQL's numbered parameters. An identity
// column declared GENERATED BY DEFAULT takes the given ids.
func (t *table) insert(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO ` + quote(t.name) + ` (` + quoteList(t.cols) + `) VALUES `)
	p := 0
	for r := 0; r < n; r++ {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range t.cols {
			if c > 0 {
				b.WriteString(", ")
			}
			p++
			b.WriteString("$" + strconv.Itoa(p))
		}
		b.WriteByte(')')
	}
	return b.String()
}

// resetIdentity moves the sequence behind the table's id past every id the source
// handed out (its largest id, or its sqlite_sequence when rows were deleted since):
// the next row PostgreSQL adds gets a new id, never a deleted row's.
func (t *table) resetIdentity(ctx context.Context, dtx *sql.Tx) error {
	hasID := false
	for _, c := range t.cols {
		hasID = hasID || c == "id"
	}
	if !hasID {
		return nil
	}
	var seq sql.NullString
	if err := dtx.QueryRowContext(ctx, `SELECT pg_get_serial_sequence($1, 'id')`, quote(t.name)).Scan(&seq); err != nil {
		return err
	}
	if !seq.Valid {
		return nil
	}
	var top int64
	if err := dtx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+quote(t.name)).Scan(&top); err != nil {
		return err
	}
	top = max(top, t.seq)
	if top == 0 {
		return nil
	}
	_, err := dtx.ExecContext(ctx, `SELECT setval(CAST(CAST($1 AS TEXT) AS regclass), $2)`, seq.String, top)
	return err
}

func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		if n == "rowid" {
			q[i] = n
			continue
		}
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}

// ErrNotSQLite refuses a --from that is not a SQLite file.
var ErrNotSQLite = errors.New("not a SQLite database file")

// OpenSQLite opens the SQLite file at path read-only, on one connection (Copy reads
// it in one transaction: one snapshot, even of a file a portal still writes).
func OpenSQLite(path string) (*sql.DB, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	head := make([]byte, 16)
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil || string(head) != "SQLite format 3\x00" {
		return nil, fmt.Errorf("%s: %w", path, ErrNotSQLite)
	}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "query_only(1)")
	d, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	d.SetMaxOpenConns(1)
	if err := d.Ping(); err != nil {
		d.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}
