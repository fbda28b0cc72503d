package buttons

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ispportal/portal/internal/core"
)

// Button is one custom menu entry.
type Button struct {
	ID         int64
	ExternalID string
	LabelEN    string
	LabelCS    string // empty: the English label
	URL        string
	SortOrder  int
	NewTab     bool
	Active     bool
}

// Label returns the label for a language.
func (b Button) Label(lang string) string {
	if lang == "cs" && b.LabelCS != "" {
		return b.LabelCS
	}
	return b.LabelEN
}

// ErrInvalid wraps every reason a button is refused.
var ErrInvalid = errors.New("invalid button")

// localRev is bumped by writes in this process, so its cache rechecks at once; other
// processes (the CLI) are noticed through custom_buttons_revision.
var localRev atomic.Int64

// CheckURL accepts only absolute http and https addresses with a host, and mailto
// addresses. Anything with white space or control characters is refused rather than
// cleaned, because browsers strip them and "java\tscript:" would become a script.
func CheckURL(raw string) error {
	bad := func(why string) error { return fmt.Errorf("%w: url %q: %s", ErrInvalid, raw, why) }
	if raw == "" {
		return bad("is empty")
	}
	if len(raw) > 2000 {
		return bad("is longer than 2000 characters")
	}
	if !utf8.ValidString(raw) {
		return bad("is not UTF-8")
	}
	for _, r := range raw {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return bad("contains white space or control characters")
		}
	}
	if strings.Contains(raw, `\`) {
		return bad("contains a backslash")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return bad("cannot be parsed")
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" || u.Opaque != "" || !strings.HasPrefix(raw, u.Scheme+"://") {
			return bad("needs a host, as in https://www.example.com/")
		}
		if u.User != nil {
			return bad("must not contain a user name or password")
		}
	case "mailto":
		addr := u.Opaque
		if i := strings.IndexByte(addr, '?'); i >= 0 {
			addr = addr[:i]
		}
		if addr == "" {
			return bad("needs an e-mail address, as in mailto:info@example.com")
		}
		for _, a := range strings.Split(addr, ",") {
			a, err := url.PathUnescape(a)
			if err != nil {
				return bad("is not a valid mailto address")
			}
			if p, err := mail.ParseAddress(a); err != nil || p.Address != a {
				return bad("is not a valid mailto address")
			}
		}
	default:
		return bad("must start with http://, https:// or mailto: (no other schemes, no relative addresses)")
	}
	return nil
}

// checkLabel checks a label as SaveButton stores it: made one line by core.Line.
func checkLabel(name, v string, required bool) error {
	v, err := core.Line(v)
	if err != nil {
		return fmt.Errorf("%w: %s %v", ErrInvalid, name, err)
	}
	if required && v == "" {
		return fmt.Errorf("%w: %s is required", ErrInvalid, name)
	}
	if utf8.RuneCountInString(v) > 40 {
		return fmt.Errorf("%w: %s must be at most 40 characters", ErrInvalid, name)
	}
	return nil
}

// Validate checks a button before it is stored.
func (b Button) Validate() error {
	if err := checkLabel("label_en", b.LabelEN, true); err != nil {
		return err
	}
	if err := checkLabel("label_cs", b.LabelCS, false); err != nil {
		return err
	}
	if b.SortOrder < 0 || b.SortOrder > 1000 {
		return fmt.Errorf("%w: order must be 0 to 1000", ErrInvalid)
	}
	return CheckURL(b.URL)
}

// SaveButton validates and inserts (ID 0) or updates a button and returns its id. A
// button whose ExternalID exists is updated.
func SaveButton(ctx context.Context, tx *sql.Tx, b Button, now time.Time) (int64, error) {
	if err := b.Validate(); err != nil {
		return 0, err
	}
	b.LabelEN, _ = core.Line(b.LabelEN) // Validate accepted both
	b.LabelCS, _ = core.Line(b.LabelCS)
	if b.ID == 0 && b.ExternalID != "" {
		err := tx.QueryRowContext(ctx, `SELECT id FROM custom_buttons WHERE external_id = ?`, b.ExternalID).Scan(&b.ID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
	}
	var ext any
	if b.ExternalID != "" {
		ext = b.ExternalID
	}
	at := core.Now(now)
	id := b.ID
	if b.ID == 0 {
		var err error
		id, err = core.InsertID(ctx, tx, `INSERT INTO custom_buttons (external_id, label_en, label_cs, url, sort_order, new_tab,
			active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			ext, b.LabelEN, b.LabelCS, b.URL, b.SortOrder, b.NewTab, b.Active, at, at)
		if err != nil {
			return 0, err
		}
	} else {
		res, err := tx.ExecContext(ctx, `UPDATE custom_buttons SET external_id = ?, label_en = ?, label_cs = ?, url = ?,
			sort_order = ?, new_tab = ?, active = ?, updated_at = ? WHERE id = ?`,
			ext, b.LabelEN, b.LabelCS, b.URL, b.SortOrder, b.NewTab, b.Active, at, b.ID)
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return 0, core.ErrNotFound
		}
	}
	return id, bump(ctx, tx)
}

// DeleteButton removes a button.
func DeleteButton(ctx context.Context, tx *sql.Tx, id int64) error {
	res, err := tx.ExecContext(ctx, `DELETE FROM custom_buttons WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.ErrNotFound
	}
	return bump(ctx, tx)
}

func bump(ctx context.Context, tx *sql.Tx) error {
	localRev.Add(1)
	_, err := tx.ExecContext(ctx, `UPDATE custom_buttons_revision SET rev = rev + 1 WHERE id = 1`)
	return err
}

// ListButtons lists the buttons in menu order; activeOnly leaves out switched-off ones.
func ListButtons(ctx context.Context, q core.Querier, activeOnly bool) ([]Button, error) {
	return core.List(ctx, q, scanButton, `SELECT id, COALESCE(external_id, ''), label_en, label_cs, url, sort_order, new_tab, active
		FROM custom_buttons WHERE (? = 0 OR active = 1) ORDER BY sort_order, id`, activeOnly)
}

func scanButton(row core.Row) (Button, error) {
	var b Button
	err := row.Scan(&b.ID, &b.ExternalID, &b.LabelEN, &b.LabelCS, &b.URL, &b.SortOrder, &b.NewTab, &b.Active)
	return b, err
}

// revision returns the stored revision counter.
func revision(ctx context.Context, q core.Querier) (int64, error) {
	var rev int64
	err := q.QueryRowContext(ctx, `SELECT rev FROM custom_buttons_revision WHERE id = 1`).Scan(&rev)
	return rev, err
}
