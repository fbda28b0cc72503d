package appearance

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"strconv"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/themefile"
	"github.com/ispportal/portal/settings"
)

// Named errors of the service functions (the console translates each).
var (
	ErrName      = errors.New("appearance: not a theme name")
	ErrNameTaken = errors.New("appearance: a theme of that name exists")
	ErrSource    = errors.New("appearance: no such theme to copy")
	ErrKind      = errors.New("appearance: no such kind of file")
	ErrSelected  = errors.New("appearance: the selected theme cannot be deleted")
)

// Who is the actor and address an action is audited with.
type Who struct{ Actor, IP string }

func audit(ctx context.Context, d app.Deps, tx *sql.Tx, who Who, action, detail string) error {
	return core.Audit(ctx, tx, core.AuditEntry{At: d.Now(), Actor: who.Actor, Action: action, Detail: detail, IP: who.IP})
}

// reload serves the stored themes as written from now on in this process: the write
// moved the settings revision, and syncing to it drops the memoised themes (other
// instances sync on their next request; see current).
func (m *Module) reload() error {
	if err := m.d.Settings.Sync(context.Background()); err != nil {
		return err
	}
	m.d.Web.Themes.Forget()
	if m.current() == nil {
		return errors.New("appearance: stored themes not loaded")
	}
	return nil
}

// Copy makes a stored theme named name from the theme src (built in, in data/themes or
// stored). A stored source's files are copied; any other source becomes the base the
// new theme falls back to for every file it does not have.
func (m *Module) Copy(ctx context.Context, src, name string, who Who) (int64, error) {
	th := m.d.Web.Themes
	if settings.SkinTheme.Validate(name) != nil || name == "" {
		return 0, &core.FieldError{Field: "name", Err: ErrName}
	}
	if th.Exists(name) {
		return 0, &core.FieldError{Field: "name", Err: ErrNameTaken}
	}
	if !th.Exists(src) || settings.SkinTheme.Validate(src) != nil {
		return 0, &core.FieldError{Field: "source", Err: ErrSource}
	}
	var id int64
	err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		base, srcID := src, int64(0)
		err := tx.QueryRowContext(ctx, `SELECT id, base FROM staff_themes WHERE name = ?`, src).Scan(&srcID, &base)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM staff_themes WHERE name = ?`, name).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return &core.FieldError{Field: "name", Err: ErrNameTaken}
		}
		if id, err = insertTheme(ctx, tx, name, base, who.Actor, m.d.Now()); err != nil {
			return err
		}
		if srcID != 0 {
			if err := copyFiles(ctx, tx, srcID, id, who.Actor, m.d.Now()); err != nil {
				return err
			}
		}
		return audit(ctx, m.d, tx, who, "theme.copy", src+" -> "+name)
	})
	if err != nil {
		return 0, err
	}
	return id, m.reload()
}

// Upload checks a file of a kind (themefile.Check) and stores it in theme id,
// replacing the one before. The browser's file name only tells the format.
func (m *Module) Upload(ctx context.Context, id int64, kind themefile.Kind, filename string, r io.Reader, who Who) error {
	if themefile.Path(kind) == "" {
		return &core.FieldError{Field: "kind", Err: ErrKind}
	}
	t, err := GetTheme(ctx, m.d.DB.R, id)
	if err != nil {
		return err
	}
	f, err := themefile.Check(kind, filename, r)
	if err != nil {
		return &core.FieldError{Field: string(kind), Err: err}
	}
	return m.store(ctx, t, f, who)
}

// SaveCSS stores the style sheet typed in the console, under the same rules as an
// uploaded style.css.
func (m *Module) SaveCSS(ctx context.Context, id int64, css string, who Who) error {
	t, err := GetTheme(ctx, m.d.DB.R, id)
	if err != nil {
		return err
	}
	if int64(len(css)) > themefile.MaxCSSBytes {
		return &core.FieldError{Field: "css", Err: themefile.ErrTooLarge}
	}
	clean, err := themefile.CheckCSS(css)
	if err != nil {
		return &core.FieldError{Field: "css", Err: err}
	}
	f := themefile.File{Name: themefile.Path(themefile.Style), Type: "text/css; charset=utf-8", Data: []byte(clean)}
	return m.store(ctx, t, f, who)
}

func (m *Module) store(ctx context.Context, t Theme, f themefile.File, who Who) error {
	err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := putFile(ctx, tx, t.ID, f.Name, f.Type, f.Data, who.Actor, m.d.Now()); err != nil {
			return err
		}
		return audit(ctx, m.d, tx, who, "theme.file", t.Name+": "+f.Name+" ("+f.Type+", "+strconv.Itoa(len(f.Data))+" B)")
	})
	if err != nil {
		return err
	}
	return m.reload()
}

// Select makes stored theme id the portal's theme (the setting ci_skin_theme).
func (m *Module) Select(ctx context.Context, id int64, who Who) (string, error) {
	t, err := GetTheme(ctx, m.d.DB.R, id)
	if err != nil {
		return "", err
	}
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := m.d.Settings.SetTx(ctx, tx, settings.SkinTheme.Key, 0, t.Name, who.Actor); err != nil {
			return err
		}
		return audit(ctx, m.d, tx, who, "theme.select", t.Name)
	})
	if err != nil {
		return "", err
	}
	return t.Name, m.d.Settings.Sync(ctx)
}

// Delete removes a stored theme that is not the selected one.
func (m *Module) Delete(ctx context.Context, id int64, who Who) error {
	t, err := GetTheme(ctx, m.d.DB.R, id)
	if err != nil {
		return err
	}
	if settings.SkinTheme.Get(m.d.Settings) == t.Name {
		return ErrSelected
	}
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM staff_theme_files WHERE theme_id = ?`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM staff_themes WHERE id = ?`, id); err != nil {
			return err
		}
		return audit(ctx, m.d, tx, who, "theme.delete", t.Name)
	})
	if err != nil {
		return err
	}
	return m.reload()
}
