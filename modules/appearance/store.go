package appearance

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/themefile"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
)

// Theme is a stored theme's row.
type Theme struct {
	ID        int64
	Name      string
	Base      string
	CreatedAt time.Time
	CreatedBy string
	Files     []FileInfo
}

// FileInfo describes one stored file (without its data).
type FileInfo struct {
	Name      string
	Type      string
	Size      int
	Version   string
	UpdatedAt time.Time
	UpdatedBy string
}

// ListThemes returns the stored themes by name, with their files.
func ListThemes(ctx context.Context, q core.Querier) ([]Theme, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, base, created_at, created_by FROM staff_themes ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var out []Theme
	for rows.Next() {
		var t Theme
		var at string
		if err := rows.Scan(&t.ID, &t.Name, &t.Base, &at, &t.CreatedBy); err != nil {
			rows.Close()
			return nil, err
		}
		t.CreatedAt = core.ParseTime(at)
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Files, err = fileInfos(ctx, q, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// GetTheme returns one stored theme with its files, or core.ErrNotFound.
func GetTheme(ctx context.Context, q core.Querier, id int64) (Theme, error) {
	var t Theme
	var at string
	err := q.QueryRowContext(ctx, `SELECT id, name, base, created_at, created_by FROM staff_themes WHERE id = ?`, id).
		Scan(&t.ID, &t.Name, &t.Base, &at, &t.CreatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return t, core.ErrNotFound
	}
	if err != nil {
		return t, err
	}
	t.CreatedAt = core.ParseTime(at)
	t.Files, err = fileInfos(ctx, q, id)
	return t, err
}

func fileInfos(ctx context.Context, q core.Querier, id int64) ([]FileInfo, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, type, length(data), version, updated_at, updated_by
		FROM staff_theme_files WHERE theme_id = ? ORDER BY name`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FileInfo
	for rows.Next() {
		var f FileInfo
		var at string
		if err := rows.Scan(&f.Name, &f.Type, &f.Size, &f.Version, &at, &f.UpdatedBy); err != nil {
			return nil, err
		}
		f.UpdatedAt = core.ParseTime(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

// loadAll reads every stored theme with its files' data.
func loadAll(ctx context.Context, q core.Querier) (*snapshot, error) {
	s := &snapshot{byName: map[string]web.StoredTheme{}}
	ids := map[int64]string{}
	rows, err := q.QueryContext(ctx, `SELECT id, name, base FROM staff_themes ORDER BY name`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var name, base string
		if err := rows.Scan(&id, &name, &base); err != nil {
			rows.Close()
			return nil, err
		}
		ids[id] = name
		s.names = append(s.names, name)
		s.byName[name] = web.StoredTheme{Base: base, Files: map[string]web.StoredFile{}}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT theme_id, name, type, data, version FROM staff_theme_files`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		var f web.StoredFile
		if err := rows.Scan(&id, &name, &f.Type, &f.Data, &f.Version); err != nil {
			return nil, err
		}
		if t, ok := s.byName[ids[id]]; ok {
			t.Files[name] = f
		}
	}
	return s, rows.Err()
}

func insertTheme(ctx context.Context, tx *sql.Tx, name, base, actor string, now time.Time) (int64, error) {
	id, err := core.InsertID(ctx, tx, `INSERT INTO staff_themes (name, base, created_at, created_by) VALUES (?, ?, ?, ?) RETURNING id`,
		name, base, core.Now(now), actor)
	if err != nil {
		return 0, err
	}
	return id, nil
}

func putFile(ctx context.Context, tx *sql.Tx, id int64, name, ctype string, data []byte, actor string, now time.Time) error {
	sum := sha256.Sum256(data)
	_, err := tx.ExecContext(ctx, `INSERT INTO staff_theme_files (theme_id, name, type, data, version, updated_at, updated_by)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (theme_id, name) DO UPDATE SET type = excluded.type, data = excluded.data,
			version = excluded.version, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		id, name, ctype, data, hex.EncodeToString(sum[:8]), core.Now(now), actor)
	return err
}

// copyFiles copies every file of theme src to theme dst.
func copyFiles(ctx context.Context, tx *sql.Tx, src, dst int64, actor string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO staff_theme_files (theme_id, name, type, data, version, updated_at, updated_by)
		SELECT ?, name, type, data, version, ?, ? FROM staff_theme_files WHERE theme_id = ?`, dst, core.Now(now), actor, src)
	return err
}

// copyText reads a theme's text file into b, at most a style sheet's limit.
func copyText(b *strings.Builder, f io.Reader) (int64, error) {
	return io.Copy(b, io.LimitReader(f, themefile.MaxCSSBytes))
}
