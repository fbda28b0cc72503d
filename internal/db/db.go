// Package db opens the portal's database, SQLite by default or PostgreSQL
// (postgres.go), and runs the modules' migrations.
//
// On SQLite the database is used through two pools: W, a single connection for writes whose
// transactions begin IMMEDIATE, and R, a pool for reads. SQLite allows one writer at a
// time; funnelling writes through one connection means writers queue in Go instead of
// failing with SQLITE_BUSY, and IMMEDIATE avoids SQLITE_BUSY_SNAPSHOT, which a deferred
// read-then-write transaction raises without waiting for the busy timeout.
package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver (pure Go, no cgo)
)

// DB holds the writer and reader pools of one database.
type DB struct {
	// W is the only connection that writes. Use Tx for read-then-write work.
	W *sql.DB
	// R serves reads; it sees every committed write (WAL mode).
	R *sql.DB
	// Path is the database file ("" on PostgreSQL).
	Path string
	// Readers is the size of R's pool.
	Readers int
	// Dialect is the engine: SQLite or Postgres.
	Dialect Dialect
	// URL is the PostgreSQL connection URL ("" on SQLite).
	URL string
}

// dsn builds the connection string. Pragmas belong in the DSN, because a PRAGMA run
// with Exec reaches only one pooled connection; busy_timeout comes first so that it
// already applies while journal_mode is being switched.
func dsn(path string, write bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	// FULL: payments, consents, tickets and passwords must survive a power cut.
	q.Add("_pragma", "synchronous(FULL)")
	if write {
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + filepath.ToSlash(path) + "?" + q.Encode()
}

// sqliteDriver is the registered modernc driver, wrapped by connector.
var sqliteDriver = func() driver.Driver {
	probe, err := sql.Open("sqlite", "")
	if err != nil {
		panic(err) // the driver is registered by the import above
	}
	defer probe.Close()
	return probe.Driver()
}()

// Open opens the database target names: a PostgreSQL URL (postgres://...), else a
// SQLite file, created when missing.
func Open(target string) (*DB, error) {
	if IsPostgres(target) {
		return openPostgres(target)
	}
	return openSQLite(target)
}

func openSQLite(path string) (*DB, error) {
	w := sql.OpenDB(connector{dsn: dsn(path, true), drv: sqliteDriver})
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.Ping(); err != nil {
		w.Close()
		return nil, fmt.Errorf("db.Open %s: %w", path, err)
	}
	r := sql.OpenDB(connector{dsn: dsn(path, false), drv: sqliteDriver})
	n := runtime.NumCPU() * 2
	if n < 4 {
		n = 4
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	return &DB{W: w, R: r, Path: path, Readers: n}, nil
}

// closeWait bounds how long Close waits for connections still in use.
var closeWait = 5 * time.Second

// Close closes both pools and returns once every connection is closed, so the last
// one has checkpointed the WAL away. sql.DB.Close closes only idle connections: one in
// use (a transaction whose context ended is rolled back by database/sql in its own
// goroutine) closes when it is released, which can be after Close has returned.
func (d *DB) Close() error {
	err := errors.Join(d.R.Close(), d.W.Close())
	deadline := time.Now().Add(closeWait)
	for {
		open := d.R.Stats().OpenConnections + d.W.Stats().OpenConnections
		if open == 0 {
			return err
		}
		if time.Now().After(deadline) {
			return errors.Join(err, fmt.Errorf("db.Close: %d connections still in use after %s", open, closeWait))
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// Ping reports whether the database answers a query.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	return d.R.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Tx runs fn in one write transaction and commits it when fn returns nil. Any error or
// panic rolls everything back, so a failed request leaves no partial write.
func (d *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := d.W.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	return commitOrRollback(tx, fn)
}

// TxScattered is Tx for a transaction whose multi-row statements each touch rows far
// apart, as the traffic push in the collectors' order does (one reading of every
// service per call). On SQLite each such statement keeps a statement journal of the
// pages it changes, and past 64 KiB that journal goes to a temporary file: a write and
// a read system call per page. temp_store=MEMORY keeps it in memory (measured: 63 to
// 49 µs of CPU a sample). It is set on the writer for this transaction only, because
// the same pragma makes SQLite sort in memory too, and a migration's CREATE INDEX on a
// large table then held hundreds of megabytes. On PostgreSQL it is Tx.
func (d *DB) TxScattered(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if d.Dialect == Postgres {
		return d.Tx(ctx, fn)
	}
	// A failed restore only drops the connection: the push itself committed.
	err, _ := txWithPragmas(ctx, d, []string{`PRAGMA temp_store = MEMORY`}, func(conn *sql.Conn) error {
		_, err := conn.ExecContext(context.Background(), `PRAGMA temp_store = DEFAULT`)
		return err
	}, fn)
	return err
}

// txWithPragmas runs fn in a write transaction on the SQLite writer connection with
// connection pragmas set around it (most pragmas do nothing inside a transaction): set
// runs before BEGIN; restore runs after the commit or rollback, however fn ended, and
// should use a background context, so that a cancelled request still puts the
// connection back. A connection restore fails on is dropped from the pool, never handed
// to the next writer. fn's (or the commit's) error and restore's come back apart: what
// a failed restore means is the caller's to decide.
func txWithPragmas(ctx context.Context, d *DB, set []string, restore func(*sql.Conn) error, fn func(tx *sql.Tx) error) (err, restoreErr error) {
	conn, err := d.W.Conn(ctx)
	if err != nil {
		return err, nil
	}
	defer conn.Close()
	defer func() {
		if restoreErr = restore(conn); restoreErr != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	for _, p := range set {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			return err, nil
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err, nil
	}
	return commitOrRollback(tx, fn), nil
}

// commitOrRollback runs fn in the begun tx and commits it when fn returns nil; an
// error or panic rolls the transaction back (the panic goes on).
func commitOrRollback(tx *sql.Tx, fn func(tx *sql.Tx) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Backup writes a consistent copy of the live database to dest using VACUUM INTO,
// which is safe while the portal serves requests (unlike copying the file). On
// PostgreSQL it is pg_dump's custom format (BackupExt, BackupType).
func (d *DB) Backup(ctx context.Context, dest string) error {
	if d.Dialect == Postgres {
		return d.backupPostgres(ctx, dest)
	}
	_, err := d.W.ExecContext(ctx, "VACUUM INTO ?", dest)
	return err
}

// BackupExt is the file extension of Backup's file.
func (d *DB) BackupExt() string {
	if d.Dialect == Postgres {
		return ".dump"
	}
	return ".db"
}

// BackupType is the media type of Backup's file.
func (d *DB) BackupType() string {
	if d.Dialect == Postgres {
		return "application/octet-stream"
	}
	return "application/vnd.sqlite3"
}
