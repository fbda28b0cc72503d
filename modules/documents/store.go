package documents

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/core"
)

// Kinds of document.
const (
	KindContract = "contract"
	KindAnnex    = "annex"
	KindOther    = "other"
)

// ValidKind reports whether k is a known kind.
func ValidKind(k string) bool { return k == KindContract || k == KindAnnex || k == KindOther }

// Document is one of a client's documents.
type Document struct {
	ID          int64
	ExternalID  string
	ClientID    int64
	Title       string
	Kind        string
	Date        time.Time
	FileName    string // sanitised original name, the download name
	StoredPath  string // "documents/<generated name>", relative to the data directory
	Size        int64
	ContentType string
	Visible     bool // display_in_portal
	CreatedAt   time.Time
}

// DownloadName is the file name offered to the browser: the original file name, or
// the title when there was none.
func (d Document) DownloadName() string {
	return blob.SafeName(d.FileName, blob.SafeName(d.Title, "document"))
}

// SizeText is the size for people ("14.2 kB").
func (d Document) SizeText() string { return blob.Describe(d.Size) }

const docCols = `id, COALESCE(external_id, ''), client_id, title, kind, doc_date, file_name, stored_path, size,
	content_type, display_in_portal, created_at`

func scanDoc(row interface{ Scan(...any) error }) (Document, error) {
	var d Document
	var date, created string
	err := row.Scan(&d.ID, &d.ExternalID, &d.ClientID, &d.Title, &d.Kind, &date, &d.FileName, &d.StoredPath, &d.Size,
		&d.ContentType, &d.Visible, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return d, core.ErrNotFound
	}
	d.Date, d.CreatedAt = core.ParseTime(date), core.ParseTime(created)
	return d, err
}

// SaveDocument stores a document and returns its id. A document whose ExternalID is
// already known is updated in place (the billing system may resync it), and so is one
// with a non-zero ID. The caller removes a replaced file after the commit.
func SaveDocument(ctx context.Context, tx *sql.Tx, d Document, now time.Time) (int64, error) {
	var err error
	if d.Title, err = core.Line(d.Title); err != nil {
		return 0, fmt.Errorf("document: title %w", err)
	}
	if d.Kind == "" {
		d.Kind = KindOther
	}
	switch {
	case d.ClientID == 0:
		return 0, errors.New("document: client is required")
	case d.Title == "":
		return 0, errors.New("document: title is required")
	case len(d.Title) > 300:
		return 0, errors.New("document: title is longer than 300 bytes")
	case !ValidKind(d.Kind):
		return 0, fmt.Errorf("document: kind %q must be contract, annex or other", d.Kind)
	case d.StoredPath == "":
		return 0, errors.New("document: stored file is required")
	}
	if _, err := blob.Path("", StoreDir, d.StoredPath); err != nil {
		return 0, fmt.Errorf("document: stored path %q was not made by StoreUpload", d.StoredPath)
	}
	if d.Date.IsZero() {
		d.Date = now
	}
	if d.ContentType == "" {
		d.ContentType = "application/octet-stream"
	}
	if d.ID == 0 && strings.TrimSpace(d.ExternalID) != "" {
		err := tx.QueryRowContext(ctx, `SELECT id FROM documents WHERE external_id = ?`, strings.TrimSpace(d.ExternalID)).Scan(&d.ID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
	}
	args := []any{core.NullText(d.ExternalID), d.ClientID, d.Title, d.Kind, core.Now(d.Date), blob.SafeName(d.FileName, ""),
		d.StoredPath, d.Size, d.ContentType, d.Visible}
	if d.ID == 0 {
		id, err := core.InsertID(ctx, tx, `INSERT INTO documents (external_id, client_id, title, kind, doc_date, file_name,
			stored_path, size, content_type, display_in_portal, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			append(args, core.Now(now))...)
		if err != nil {
			return 0, err
		}
		return id, nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE documents SET external_id = ?, client_id = ?, title = ?, kind = ?, doc_date = ?,
		file_name = ?, stored_path = ?, size = ?, content_type = ?, display_in_portal = ? WHERE id = ?`, append(args, d.ID)...)
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, core.ErrNotFound
	}
	return d.ID, nil
}

// ListDocuments lists a client's documents, newest first; with onlyVisible just those
// marked "display in portal" (what the client sees).
func ListDocuments(ctx context.Context, q core.Querier, clientID int64, onlyVisible bool) ([]Document, error) {
	return core.List(ctx, q, scanDoc, `SELECT `+docCols+` FROM documents
		WHERE client_id = ? AND (? = 0 OR display_in_portal = 1) ORDER BY doc_date DESC, id DESC`, clientID, onlyVisible)
}

// DocumentForClient loads a document the client may see: theirs and displayed in the
// portal. Anything else is core.ErrNotFound, so another client's id reveals nothing.
func DocumentForClient(ctx context.Context, q core.Querier, clientID, id int64) (Document, error) {
	return scanDoc(q.QueryRowContext(ctx, `SELECT `+docCols+` FROM documents
		WHERE id = ? AND client_id = ? AND display_in_portal = 1`, id, clientID))
}

// DocumentByID loads any document (for staff).
func DocumentByID(ctx context.Context, q core.Querier, id int64) (Document, error) {
	return scanDoc(q.QueryRowContext(ctx, `SELECT `+docCols+` FROM documents WHERE id = ?`, id))
}

// DocumentByExternalID loads a document by the billing system's id.
func DocumentByExternalID(ctx context.Context, q core.Querier, ext string) (Document, error) {
	return scanDoc(q.QueryRowContext(ctx, `SELECT `+docCols+` FROM documents WHERE external_id = ?`, strings.TrimSpace(ext)))
}

// SetDocumentVisible sets or clears the "display in portal" flag.
func SetDocumentVisible(ctx context.Context, tx *sql.Tx, id int64, visible bool) error {
	res, err := tx.ExecContext(ctx, `UPDATE documents SET display_in_portal = ? WHERE id = ?`, visible, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.ErrNotFound
	}
	return nil
}

// DeleteDocument removes a document row and returns its stored path, for the caller
// to remove the file (blob.Remove) after the commit.
func DeleteDocument(ctx context.Context, tx *sql.Tx, id int64) (string, error) {
	return blob.DeleteRow(ctx, tx, "documents", id)
}
