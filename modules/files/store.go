package files

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/core"
)

// File is one published file.
type File struct {
	ID          int64
	ExternalID  string
	Title       string
	Description string
	FileName    string // sanitised original name, the download name
	StoredPath  string // "files/<generated name>", relative to the data directory
	Size        int64
	ContentType string
	CreatedAt   time.Time
	// Groups are the invoice groups the file is restricted to; empty means everybody.
	Groups []int64
}

// DownloadName is the file name offered to the browser.
func (f File) DownloadName() string { return blob.SafeName(f.FileName, blob.SafeName(f.Title, "file")) }

// SizeText is the size for people ("14.2 kB").
func (f File) SizeText() string { return blob.Describe(f.Size) }

const fileCols = `f.id, COALESCE(f.external_id, ''), f.title, f.description, f.file_name, f.stored_path, f.size,
	f.content_type, f.created_at`

func scanFile(row interface{ Scan(...any) error }) (File, error) {
	var f File
	var created string
	err := row.Scan(&f.ID, &f.ExternalID, &f.Title, &f.Description, &f.FileName, &f.StoredPath, &f.Size, &f.ContentType, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return f, core.ErrNotFound
	}
	f.CreatedAt = core.ParseTime(created)
	return f, err
}

// visibleTo is the rule of who sees a file: nobody restricted it, or the client's
// invoice group is among its groups. The client is looked up here, never taken from
// the request.
const visibleTo = `(NOT EXISTS (SELECT 1 FROM file_groups g WHERE g.file_id = f.id)
	OR EXISTS (SELECT 1 FROM file_groups g JOIN clients c ON c.invoice_group_id = g.group_id
	           WHERE g.file_id = f.id AND c.id = ?))`

// SaveFile stores a file row and its group restriction and returns its id. A file
// whose ExternalID is known (or a non-zero ID) is updated and its groups replaced.
func SaveFile(ctx context.Context, tx *sql.Tx, f File, now time.Time) (int64, error) {
	var err error
	if f.Title, err = core.Line(f.Title); err != nil {
		return 0, fmt.Errorf("file: title %w", err)
	}
	if f.Description, err = core.Text(f.Description); err != nil {
		return 0, fmt.Errorf("file: description %w", err)
	}
	switch {
	case f.Title == "":
		return 0, errors.New("file: title is required")
	case utf8.RuneCountInString(f.Title) > MaxTitle:
		return 0, &core.FieldError{Field: "title", Err: fmt.Errorf("%w (at most %d characters)", ErrTooLong, MaxTitle)}
	case utf8.RuneCountInString(f.Description) > MaxDescription:
		return 0, &core.FieldError{Field: "description", Err: fmt.Errorf("%w (at most %d characters)", ErrTooLong, MaxDescription)}
	}
	if _, err := blob.Path("", StoreDir, f.StoredPath); err != nil {
		return 0, fmt.Errorf("file: stored path %q was not made by StoreUpload", f.StoredPath)
	}
	if f.ContentType == "" {
		f.ContentType = "application/octet-stream"
	}
	for _, g := range f.Groups {
		if _, err := core.GroupByID(ctx, tx, g); errors.Is(err, core.ErrNotFound) {
			return 0, fmt.Errorf("file: no invoice group with id %d", g)
		} else if err != nil {
			return 0, err
		}
	}
	if f.ID == 0 && strings.TrimSpace(f.ExternalID) != "" {
		err := tx.QueryRowContext(ctx, `SELECT id FROM files WHERE external_id = ?`, strings.TrimSpace(f.ExternalID)).Scan(&f.ID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
	}
	var ext any
	if e := strings.TrimSpace(f.ExternalID); e != "" {
		ext = e
	}
	args := []any{ext, f.Title, strings.TrimSpace(f.Description), blob.SafeName(f.FileName, ""), f.StoredPath, f.Size, f.ContentType}
	if f.ID == 0 {
		f.ID, err = core.InsertID(ctx, tx, `INSERT INTO files (external_id, title, description, file_name, stored_path, size,
			content_type, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, append(args, core.Now(now))...)
		if err != nil {
			return 0, err
		}
	} else {
		res, err := tx.ExecContext(ctx, `UPDATE files SET external_id = ?, title = ?, description = ?, file_name = ?,
			stored_path = ?, size = ?, content_type = ? WHERE id = ?`, append(args, f.ID)...)
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return 0, core.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM file_groups WHERE file_id = ?`, f.ID); err != nil {
			return 0, err
		}
	}
	for _, g := range f.Groups {
		if _, err := tx.ExecContext(ctx, `INSERT INTO file_groups (file_id, group_id) VALUES (?, ?) ON CONFLICT DO NOTHING`,
			f.ID, g); err != nil {
			return 0, err
		}
	}
	return f.ID, nil
}

// FilesForClient lists the files a client may see, newest first.
func FilesForClient(ctx context.Context, q core.Querier, clientID int64) ([]File, error) {
	return core.List(ctx, q, scanFile, `SELECT `+fileCols+` FROM files f WHERE `+visibleTo+
		` ORDER BY f.created_at DESC, f.id DESC`, clientID)
}

// FileForClient loads a file the client may see; anything else is core.ErrNotFound.
func FileForClient(ctx context.Context, q core.Querier, clientID, id int64) (File, error) {
	return scanFile(q.QueryRowContext(ctx, `SELECT `+fileCols+` FROM files f WHERE f.id = ? AND `+visibleTo, id, clientID))
}

// FileByID loads any file with its groups (for staff).
func FileByID(ctx context.Context, q core.Querier, id int64) (File, error) {
	f, err := scanFile(q.QueryRowContext(ctx, `SELECT `+fileCols+` FROM files f WHERE f.id = ?`, id))
	if err != nil {
		return f, err
	}
	f.Groups, err = fileGroups(ctx, q, id)
	return f, err
}

// FileByExternalID loads a file by the billing system's id.
func FileByExternalID(ctx context.Context, q core.Querier, ext string) (File, error) {
	return scanFile(q.QueryRowContext(ctx, `SELECT `+fileCols+` FROM files f WHERE f.external_id = ?`, strings.TrimSpace(ext)))
}

// ListFiles lists every file with its groups (for staff), newest first.
func ListFiles(ctx context.Context, q core.Querier) ([]File, error) {
	out, err := core.List(ctx, q, scanFile, `SELECT `+fileCols+` FROM files f ORDER BY f.created_at DESC, f.id DESC`)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Groups, err = fileGroups(ctx, q, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func fileGroups(ctx context.Context, q core.Querier, id int64) ([]int64, error) {
	return core.List(ctx, q, core.ScanValue[int64], `SELECT group_id FROM file_groups WHERE file_id = ? ORDER BY group_id`, id)
}

// DeleteFile removes a file row (and its group rows) and returns its stored path, for
// the caller to remove the file (blob.Remove) after the commit.
func DeleteFile(ctx context.Context, tx *sql.Tx, id int64) (string, error) {
	return blob.DeleteRow(ctx, tx, "files", id)
}
