// Package core holds the shared domain every module reads: clients, invoice groups,
// staff accounts and the audit log. Modules own their own tables and refer to these
// by id; they never reach into each other's tables.
package core

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/base64"
	"errors"
	"io/fs"
	"time"

	"github.com/ispportal/portal/internal/db"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations is the core tables' migration source; it runs before any module's.
func Migrations() db.Source {
	sub, _ := fs.Sub(migrations, "migrations")
	return db.Source{Name: "core", FS: sub}
}

// ErrNotFound is returned when a row does not exist (or is not the caller's).
var ErrNotFound = errors.New("not found")

// Now formats a time the way every table stores it: RFC 3339 in UTC.
func Now(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// ParseTime reads a stored time; a malformed value gives the zero time.
func ParseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

// Secret returns a named 32-byte server secret, creating it on first use. Secrets live
// in the database so that every process (server, CLI) and restart shares them.
func Secret(ctx context.Context, d *db.DB, name string) ([]byte, error) {
	var v string
	err := d.R.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, "secret:"+name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		b := make([]byte, 32)
		rand.Read(b)
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`,
				"secret:"+name, base64.StdEncoding.EncodeToString(b))
			return err
		})
		if err != nil {
			return nil, err
		}
		return Secret(ctx, d, name)
	}
	if err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(v)
}
