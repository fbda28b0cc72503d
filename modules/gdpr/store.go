package gdpr

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/htmlsafe"
)

// Limits of a consent document, the one rule of the console, the API and the CLI
// (the widest any caller had: the API's, counted in characters).
const (
	// MaxTextBytes caps a consent text (staff HTML).
	MaxTextBytes = 200 << 10
	// MaxTitle and MaxPurpose are characters (runes), not bytes.
	MaxTitle   = 300
	MaxPurpose = 200
	// MaxPurposes is how many purposes a document may offer.
	MaxPurposes = 20
)

// Purpose is one thing a client can agree to on a document ("E-mail", "SMS").
type Purpose struct {
	ID   int64
	Name string
}

// Document is a consent document in its current version.
type Document struct {
	ID         int64
	ExternalID string
	Title      string
	Version    int
	Text       string // staff HTML of the current version, unsanitised
	Active     bool
	Purposes   []Purpose
	UpdatedAt  time.Time
}

// SafeText is the current text sanitised for display.
func (d Document) SafeText() template.HTML { return htmlsafe.Sanitize(d.Text) }

const docCols = `d.id, COALESCE(d.external_id, ''), d.title, d.current_version, v.text, d.active, d.updated_at`

const docFrom = ` FROM consent_documents d JOIN consent_versions v ON v.document_id = d.id AND v.version = d.current_version`

func scanDoc(row interface{ Scan(...any) error }) (Document, error) {
	var d Document
	var updated string
	err := row.Scan(&d.ID, &d.ExternalID, &d.Title, &d.Version, &d.Text, &d.Active, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return d, core.ErrNotFound
	}
	d.UpdatedAt = core.ParseTime(updated)
	return d, err
}

// checkText normalises a consent text; a refusal is a *core.FieldError on "text".
func checkText(text string) (string, error) {
	bad := func(err error) (string, error) { return "", &core.FieldError{Field: "text", Err: err} }
	text, err := core.Text(text)
	if err != nil {
		return bad(fmt.Errorf("consent text %w", err))
	}
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return bad(errors.New("consent text is empty"))
	case len(text) > MaxTextBytes:
		return bad(fmt.Errorf("consent text is longer than %d kB", MaxTextBytes>>10))
	}
	return text, nil
}

// CheckDocument normalises a new document's title, text and purposes (empty lines
// dropped) the way AddDocument stores them. A refusal is a *core.FieldError on
// "title", "text" or "purposes" whose Err reads alone ("consent title must be ...").
func CheckDocument(title, text string, purposes []string) (string, string, []string, error) {
	title, err := core.Line(title)
	if err != nil {
		return "", "", nil, &core.FieldError{Field: "title", Err: fmt.Errorf("consent title %w", err)}
	}
	if title == "" || utf8.RuneCountInString(title) > MaxTitle {
		return "", "", nil, &core.FieldError{Field: "title", Err: fmt.Errorf("consent title must be 1 to %d characters", MaxTitle)}
	}
	if text, err = checkText(text); err != nil {
		return "", "", nil, err
	}
	bad := func(err error) (string, string, []string, error) {
		return "", "", nil, &core.FieldError{Field: "purposes", Err: err}
	}
	var list []string
	seen := map[string]bool{}
	for _, p := range purposes {
		if p, err = core.Line(p); err != nil {
			return bad(fmt.Errorf("purpose %w", err))
		}
		if p == "" {
			continue
		}
		if utf8.RuneCountInString(p) > MaxPurpose {
			return bad(fmt.Errorf("purpose %q is longer than %d characters", string([]rune(p)[:40]), MaxPurpose))
		}
		if seen[strings.ToLower(p)] {
			return bad(fmt.Errorf("purpose %q is listed twice", p))
		}
		seen[strings.ToLower(p)] = true
		list = append(list, p)
	}
	if len(list) > MaxPurposes {
		return bad(fmt.Errorf("at most %d purposes", MaxPurposes))
	}
	return title, text, list, nil
}

// AddDocument publishes a consent document in version 1 with its purposes (names,
// in display order; none means a plain "I agree") and returns its id. It checks
// with CheckDocument; the console, the API and the CLI all add documents through it.
func AddDocument(ctx context.Context, tx *sql.Tx, externalID, title, text string, purposes []string, now time.Time) (int64, error) {
	title, text, purposes, err := CheckDocument(title, text, purposes)
	if err != nil {
		return 0, err
	}
	var ext any
	if e := strings.TrimSpace(externalID); e != "" {
		ext = e
	}
	id, err := core.InsertID(ctx, tx, `INSERT INTO consent_documents (external_id, title, current_version, active, created_at, updated_at)
		VALUES (?, ?, 1, 1, ?, ?) RETURNING id`, ext, title, core.Now(now), core.Now(now))
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO consent_versions (document_id, version, text, created_at) VALUES (?, 1, ?, ?)`,
		id, text, core.Now(now)); err != nil {
		return 0, err
	}
	for i, p := range purposes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO consent_purposes (document_id, position, name) VALUES (?, ?, ?)`,
			id, i+1, p); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// NewVersion stores a new text for a document and makes it current; clients who
// agreed to an older version are asked to review. It returns the new version number.
func NewVersion(ctx context.Context, tx *sql.Tx, id int64, text string, now time.Time) (int, error) {
	text, err := checkText(text)
	if err != nil {
		return 0, err
	}
	var v int
	err = tx.QueryRowContext(ctx, `SELECT current_version FROM consent_documents WHERE id = ?`, id).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, core.ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	v++
	if _, err := tx.ExecContext(ctx, `INSERT INTO consent_versions (document_id, version, text, created_at) VALUES (?, ?, ?, ?)`,
		id, v, text, core.Now(now)); err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE consent_documents SET current_version = ?, updated_at = ? WHERE id = ?`, v, core.Now(now), id)
	return v, err
}

// SetActive shows or retires a document. A retired document is still shown to
// clients who have given consent to it, so that they can withdraw it.
func SetActive(ctx context.Context, tx *sql.Tx, id int64, active bool, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE consent_documents SET active = ?, updated_at = ? WHERE id = ?`, active, core.Now(now), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.ErrNotFound
	}
	return nil
}

// DocumentByID loads a document in its current version with its purposes.
func DocumentByID(ctx context.Context, q core.Querier, id int64) (Document, error) {
	d, err := scanDoc(q.QueryRowContext(ctx, `SELECT `+docCols+docFrom+` WHERE d.id = ?`, id))
	if err != nil {
		return d, err
	}
	d.Purposes, err = purposes(ctx, q, id)
	return d, err
}

// DocumentByExternalID loads a document by the billing system's id.
func DocumentByExternalID(ctx context.Context, q core.Querier, ext string) (Document, error) {
	d, err := scanDoc(q.QueryRowContext(ctx, `SELECT `+docCols+docFrom+` WHERE d.external_id = ?`, strings.TrimSpace(ext)))
	if err != nil {
		return d, err
	}
	d.Purposes, err = purposes(ctx, q, d.ID)
	return d, err
}

// ListDocuments lists every consent document (for staff).
func ListDocuments(ctx context.Context, q core.Querier) ([]Document, error) {
	out, err := core.List(ctx, q, scanDoc, `SELECT `+docCols+docFrom+` ORDER BY d.id`)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Purposes, err = purposes(ctx, q, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func purposes(ctx context.Context, q core.Querier, id int64) ([]Purpose, error) {
	scan := func(row core.Row) (p Purpose, err error) { err = row.Scan(&p.ID, &p.Name); return }
	return core.List(ctx, q, scan, `SELECT id, name FROM consent_purposes WHERE document_id = ? ORDER BY position, id`, id)
}
