package db

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
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
}

func (s Source) list() ([]migration, error) {
	entries, err := fs.ReadDir(s.FS, ".")
	if err != nil {
		return nil, fmt.Errorf("migrations %s: %w", s.Name, err)
	}
	var out []migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
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
		out = append(out, migration{version: v, name: e.Name(), sql: string(body)})
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
func Migrate(ctx context.Context, d *DB, sources ...Source) error {
	if _, err := d.W.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		source TEXT NOT NULL,
		version INTEGER NOT NULL,
		name TEXT NOT NULL,
		applied_at TEXT NOT NULL,
		PRIMARY KEY (source, version))`); err != nil {
		return fmt.Errorf("db.Migrate: %w", err)
	}
	for _, src := range sources {
		ms, err := src.list()
		if err != nil {
			return err
		}
		for _, m := range ms {
			err := d.Tx(ctx, func(tx *sql.Tx) error {
				var n int
				if err := tx.QueryRowContext(ctx,
					`SELECT COUNT(*) FROM schema_migrations WHERE source = ? AND version = ?`,
					src.Name, m.version).Scan(&n); err != nil {
					return err
				}
				if n > 0 {
					return nil
				}
				if _, err := tx.ExecContext(ctx, m.sql); err != nil {
					return err
				}
				_, err := tx.ExecContext(ctx,
					`INSERT INTO schema_migrations (source, version, name, applied_at) VALUES (?, ?, ?, ?)`,
					src.Name, m.version, m.name, time.Now().UTC().Format(time.RFC3339))
				return err
			})
			if err != nil {
				return fmt.Errorf("db.Migrate %s/%s: %w", src.Name, m.name, err)
			}
		}
	}
	return nil
}
