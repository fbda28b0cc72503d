package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// Dialect names the database engine behind a DB. Store code is written once, in
// SQLite's SQL with "?" placeholders; the PostgreSQL connections translate it (see
// Rewrite). A module asks the dialect only where no common SQL exists.
type Dialect int

const (
	// SQLite is the embedded default: one file under the data directory.
	SQLite Dialect = iota
	// Postgres is PostgreSQL through pgx, for several portal instances.
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// IsPostgres reports whether target (a --database value) names a PostgreSQL server
// rather than a SQLite file.
func IsPostgres(target string) bool {
	return strings.HasPrefix(target, "postgres://") || strings.HasPrefix(target, "postgresql://")
}

// writeLockKey is the advisory lock every write transaction takes on PostgreSQL
// ("portal" in ASCII). See openPostgres.
const writeLockKey = 0x706f7274616c

// openPostgres opens the two pools on a PostgreSQL database.
//
// Writers are serialized, as on SQLite: every write transaction (DB.Tx, and each
// statement sent on W outside one) first takes one transaction-scoped advisory lock,
// pg_advisory_xact_lock, held until its commit or rollback. The stores are written
// for SQLite's single writer: they read, decide and write in one transaction, and
// rely on no other writer changing what they read in between (a lockout counter, a
// voucher's redemption, a consent's sequence). The lock keeps that true across every
// instance on the database, with READ COMMITTED's plain semantics and no retry loop,
// at the price SQLite pays already: one writer at a time. Reads (R) run in parallel
// in read-only sessions and never wait for the lock.
func openPostgres(target string) (*DB, error) {
	cfg, err := pgx.ParseConfig(target)
	if err != nil {
		return nil, fmt.Errorf("db.Open: %s: %w", redact(target), err)
	}
	cfg.RuntimeParams["timezone"] = "UTC"
	// PostgreSQL's default since 9.1, and what pgx's simple protocol (db.PlanEach) needs
	// to quote values: a backslash in a string is itself.
	cfg.RuntimeParams["standard_conforming_strings"] = "on"
	w := sql.OpenDB(pgConnector{base: stdlib.GetConnector(*cfg), write: true})
	// Writers wait for the lock on the server, each on its own connection: a few are
	// enough to keep the lock busy; more would only wait.
	w.SetMaxOpenConns(4)
	w.SetMaxIdleConns(4)
	if err := w.Ping(); err != nil {
		w.Close()
		return nil, fmt.Errorf("db.Open %s: %w", redact(target), err)
	}
	rcfg := cfg.Copy()
	rcfg.RuntimeParams["default_transaction_read_only"] = "on"
	r := sql.OpenDB(pgConnector{base: stdlib.GetConnector(*rcfg)})
	n := 16
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	return &DB{W: w, R: r, Readers: n, Dialect: Postgres, URL: target}, nil
}

// Settle runs VACUUM (ANALYZE) on the named tables of a PostgreSQL database, one at a
// time, as PostgreSQL's documentation asks after a bulk load (migrate-to-postgres).
// Without it the planner has no statistics for the new rows and guesses its plans,
// and every first read of a page writes its hint bits; the autovacuum daemon does
// both in the end, but under the first minutes of real load (make bench's PostgreSQL
// run right after the copy served about a sixth of the requests it served once the
// daemon was done). VACUUM refuses to run in a transaction, so it goes on a plain
// connection of its own, outside the writer pool and its lock.
func (d *DB) Settle(ctx context.Context, tables []string) error {
	if d.Dialect != Postgres {
		return nil
	}
	cfg, err := pgx.ParseConfig(d.URL)
	if err != nil {
		return fmt.Errorf("db.Settle: %s: %w", redact(d.URL), err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return storage(err)
	}
	defer conn.Close(context.Background())
	for _, t := range tables {
		if _, err := conn.Exec(ctx, `VACUUM (ANALYZE) `+pgx.Identifier{t}.Sanitize()); err != nil {
			return storage(fmt.Errorf("VACUUM (ANALYZE) %s: %w", t, err))
		}
	}
	return nil
}

// redact drops the password from a connection URL for messages and logs.
func redact(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// pgConnector opens pgx connections wrapped in pgConn.
type pgConnector struct {
	base  driver.Connector
	write bool
}

func (c pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.base.Connect(ctx)
	if err != nil {
		return nil, storage(err)
	}
	return &pgConn{Conn: conn.(*stdlib.Conn), write: c.write}, nil
}

func (c pgConnector) Driver() driver.Driver { return c.base.Driver() }

// pgConn translates the portal's SQL (Rewrite) and arguments (bool → 0/1, as SQLite
// stores them) and, on the writer pool, takes the write lock. Its errors are
// StorageErrors.
//
// SQLite lets a transaction run a query while it still reads the rows of another (a
// store looping over rows and looking something up for each); a PostgreSQL
// connection reads one result at a time. So a statement sent while rows are open
// first reads the rest of them into memory (pgRows.drain), and the loop goes on
// from there.
type pgConn struct {
	*stdlib.Conn
	write bool
	inTx  bool
	open  *pgRows
}

// StorageError is an error of the PostgreSQL server or the connection to it: never
// the user's fault, never shown (Internal).
type StorageError struct{ Err error }

func (e *StorageError) Error() string { return e.Err.Error() }
func (e *StorageError) Unwrap() error { return e.Err }

func storage(err error) error {
	if err == nil || err == io.EOF || errors.Is(err, driver.ErrSkip) {
		return err
	}
	return &StorageError{Err: err}
}

// settle reads the rows still open on the connection into memory.
func (c *pgConn) settle() error {
	if c.open == nil {
		return nil
	}
	err := c.open.drain()
	c.open = nil
	return err
}

// CheckNamedValue converts the arguments SQLite takes and PostgreSQL does not: a bool
// is stored as 0/1, as SQLite stores it; a string that is no valid UTF-8 or holds a
// NUL (PostgreSQL's text can hold neither, SQLite's can) gets U+FFFD in their place,
// so that hostile input (a login name with a NUL) is compared and audited, not an
// error. Binary data goes as []byte (BYTEA), untouched.
func (c *pgConn) CheckNamedValue(nv *driver.NamedValue) error {
	switch v := nv.Value.(type) {
	case bool:
		nv.Value = int64(0)
		if v {
			nv.Value = int64(1)
		}
	case string:
		if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
			nv.Value = strings.ReplaceAll(strings.ToValidUTF8(v, "\uFFFD"), "\x00", "\uFFFD")
		}
	}
	return nil
}

func (c *pgConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *pgConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if err := c.settle(); err != nil {
		return nil, err
	}
	st, err := c.Conn.PrepareContext(ctx, Rewrite(query))
	return st, storage(err)
}

func (c *pgConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *pgConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if err := c.settle(); err != nil {
		return nil, err
	}
	tx, err := c.Conn.BeginTx(ctx, opts)
	if err != nil {
		return nil, storage(err)
	}
	if c.write {
		if _, err := c.Conn.ExecContext(ctx, lockSQL, nil); err != nil {
			tx.Rollback()
			return nil, storage(err)
		}
	}
	c.inTx = true
	return &pgTx{Tx: tx, c: c}, nil
}

var lockSQL = fmt.Sprintf(`SELECT pg_advisory_xact_lock(%d)`, writeLockKey)

// pgTx ends the connection's transaction state with the transaction.
type pgTx struct {
	driver.Tx
	c *pgConn
}

func (t *pgTx) Commit() error {
	t.c.inTx = false
	if err := t.c.settle(); err != nil {
		t.Tx.Rollback()
		return err
	}
	return storage(t.Tx.Commit())
}

func (t *pgTx) Rollback() error {
	t.c.inTx = false
	t.c.settle()
	return storage(t.Tx.Rollback())
}

func (c *pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if err := c.settle(); err != nil {
		return nil, err
	}
	query = Rewrite(query)
	planPerValue(args)
	if !c.write || c.inTx {
		res, err := c.Conn.ExecContext(ctx, query, args)
		return res, storage(err)
	}
	var res driver.Result
	err := c.locked(ctx, func() error {
		var err error
		res, err = c.Conn.ExecContext(ctx, query, args)
		return err
	})
	return res, storage(err)
}

func (c *pgConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if err := c.settle(); err != nil {
		return nil, err
	}
	query = Rewrite(query)
	planPerValue(args)
	if !c.write || c.inTx {
		rows, err := c.Conn.QueryContext(ctx, query, args)
		if err != nil {
			return nil, storage(err)
		}
		c.open = &pgRows{Rows: rows, c: c}
		return c.open, nil
	}
	// A query on the writer outside a transaction (INSERT ... RETURNING) runs under the
	// lock too; its rows are read before the commit releases it.
	var out *bufferedRows
	err := c.locked(ctx, func() error {
		rows, err := c.Conn.QueryContext(ctx, query, args)
		if err != nil {
			return err
		}
		out, err = buffer(rows)
		return err
	})
	if err != nil {
		return nil, storage(err)
	}
	return out, nil
}

// planPerValue turns a PlanEach first argument into pgx's simple protocol: the values
// quoted into the query's text, so it is planned for them at every execution.
func planPerValue(args []driver.NamedValue) {
	if len(args) > 0 {
		if _, ok := args[0].Value.(planEach); ok {
			args[0].Value = pgx.QueryExecModeSimpleProtocol
		}
	}
}

// pgRows are the rows of a query on the connection; drain reads the rest of them
// into memory so that the connection can run another statement.
type pgRows struct {
	driver.Rows
	c       *pgConn
	drained *bufferedRows
	closed  bool
}

func (r *pgRows) drain() error {
	if r.drained != nil || r.closed {
		return nil
	}
	b, err := buffer(r.Rows)
	if err != nil {
		r.drained = &bufferedRows{}
		return storage(err)
	}
	r.drained = b
	return nil
}

func (r *pgRows) Next(dest []driver.Value) error {
	if r.drained != nil {
		return r.drained.Next(dest)
	}
	return storage(r.Rows.Next(dest))
}

func (r *pgRows) Close() error {
	if r.c.open == r {
		r.c.open = nil
	}
	if r.closed {
		return nil
	}
	r.closed = true
	if r.drained != nil {
		return nil
	}
	return storage(r.Rows.Close())
}

// locked runs fn in its own transaction holding the write lock.
func (c *pgConn) locked(ctx context.Context, fn func() error) error {
	tx, err := c.Conn.BeginTx(ctx, driver.TxOptions{})
	if err != nil {
		return err
	}
	if _, err := c.Conn.ExecContext(ctx, lockSQL, nil); err != nil {
		tx.Rollback()
		return err
	}
	if err := fn(); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// bufferedRows holds a result read in full.
type bufferedRows struct {
	cols []string
	rows [][]driver.Value
}

func buffer(rows driver.Rows) (*bufferedRows, error) {
	defer rows.Close()
	// The first row's values stay valid after the next call: pgx's stdlib copies them.
	b := &bufferedRows{cols: rows.Columns()}
	for {
		row := make([]driver.Value, len(b.cols))
		if err := rows.Next(row); err == io.EOF {
			return b, nil
		} else if err != nil {
			return nil, err
		}
		b.rows = append(b.rows, row)
	}
}

func (b *bufferedRows) Columns() []string { return b.cols }
func (b *bufferedRows) Close() error      { b.rows = nil; return nil }
func (b *bufferedRows) Next(dest []driver.Value) error {
	if len(b.rows) == 0 {
		return io.EOF
	}
	copy(dest, b.rows[0])
	b.rows = b.rows[1:]
	return nil
}

// pgError returns the server's error in err, if any.
func pgError(err error) *pgconn.PgError {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe
	}
	return nil
}
