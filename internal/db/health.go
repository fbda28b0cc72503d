package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// MinFreeBytes is the room the database must have left to count as writable: free
// space on its file system, and below SQLite's max_page_count. One upload or a busy
// minute of writes needs about this much; with less, writes start failing.
const MinFreeBytes = 1 << 20

// ErrNoRoom is what Writable reports when the database has less than MinFreeBytes
// left to grow into.
var ErrNoRoom = errors.New("db: less than 1 MiB left for the database")

// ErrReadOnly is what Writable reports when the database server takes no writes.
var ErrReadOnly = errors.New("db: the database is read-only")

// Unwritable reports whether err says that storage cannot take writes now: the disk
// or a quota is full, SQLite reached max_page_count, or the file system or database
// is read-only. Such a failure is nobody's input error and passes once an operator
// frees space, so it is answered 503 "try again later".
func Unwritable(err error) bool {
	if err == nil {
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff { // the primary code; extended codes add bits above
		case sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY:
			return true
		}
	}
	if pe := pgError(err); pe != nil {
		// disk_full, read_only_sql_transaction (a standby, or a server set read-only).
		return pe.Code == "53100" || pe.Code == "25006"
	}
	return errors.Is(err, ErrNoRoom) || errors.Is(err, ErrReadOnly) || errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) ||
		errors.Is(err, syscall.EROFS)
}

// Internal reports whether err comes from storage or the system (SQLite, the file
// system, a closed connection, an ended request) rather than from checking input.
// Internal errors are logged and answered with a plain "internal error"; their text
// can name server paths and is never shown.
func Internal(err error) bool {
	if err == nil {
		return false
	}
	var (
		se   *sqlite.Error
		pe   *fs.PathError
		le   *os.LinkError
		sce  *os.SyscallError
		errn syscall.Errno
	)
	return errors.As(err, &se) || errors.As(err, new(*StorageError)) || errors.As(err, &pe) || errors.As(err, &le) || errors.As(err, &sce) ||
		errors.As(err, &errn) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, sql.ErrTxDone) ||
		// database/sql hands back the driver's ErrBadConn itself, unwrapped from our
		// StorageError, once its retries on fresh connections fail too (a PostgreSQL
		// server restarting).
		errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrNoRoom)
}

// Writable reports whether the database can take writes now, for /healthz: it
// commits a real write (the header's user_version, set to its own value: one page,
// no table needed) and checks that the database has at least MinFreeBytes to grow
// into, both on its file system and below its max_page_count. A read-only file or
// directory fails the write; a full disk or an exhausted max_page_count fails the
// room check, even while a small write still fits in space SQLite already holds.
func (d *DB) Writable(ctx context.Context) error {
	if d.Dialect == Postgres {
		return d.writablePostgres(ctx)
	}
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		var v int64
		if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
			return err
		}
		// PRAGMA takes no bound parameters; v is an integer we just read.
		_, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, v))
		return err
	})
	if err != nil {
		return err
	}
	var pageSize, pages, maxPages, free int64
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"page_size", &pageSize}, {"page_count", &pages}, {"max_page_count", &maxPages}, {"freelist_count", &free}} {
		// On the writer: max_page_count is a setting of each connection.
		if err := d.W.QueryRowContext(ctx, "PRAGMA "+p.name).Scan(p.dst); err != nil {
			return err
		}
	}
	if (maxPages-pages+free)*pageSize < MinFreeBytes {
		return fmt.Errorf("%w (max_page_count %d reached)", ErrNoRoom, maxPages)
	}
	avail, err := freeBytes(filepath.Dir(d.Path))
	if err != nil {
		return err
	}
	if avail < MinFreeBytes {
		return fmt.Errorf("%w (%d bytes free on its file system)", ErrNoRoom, avail)
	}
	return nil
}

// writablePostgres is Writable on PostgreSQL: a write transaction takes the write lock
// and commits, and is not read-only (a standby, or a database set read-only). The
// server's disk is its own to watch: a full one fails writes with disk_full, which
// Unwritable knows.
func (d *DB) writablePostgres(ctx context.Context) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		var ro string
		if err := tx.QueryRowContext(ctx, `SHOW transaction_read_only`).Scan(&ro); err != nil {
			return err
		}
		if ro != "off" {
			return fmt.Errorf("%w: PostgreSQL takes no writes (a standby, or a read-only database)", ErrReadOnly)
		}
		return nil
	})
}
