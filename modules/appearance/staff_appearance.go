package appearance

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/themefile"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// listRow is one theme on the Appearance page.
type listRow struct {
	Name     string
	Kind     string // translation key: built in, folder in data/themes, made here
	ID       int64  // stored themes only
	Selected bool
}

type listData struct {
	Themes   []listRow
	Sources  []string
	CanWrite bool
}

// who is the audit actor and address of the request.
func (m *Module) who(c *fiber.Ctx) Who {
	return Who{Actor: console.Actor(m.d.Web, c), IP: m.d.Web.ClientIP(c)}
}

func themePath(id int64, tail string) string {
	return console.Path("/appearance/" + strconv.FormatInt(id, 10) + tail)
}

// showList renders GET /admin/appearance: every theme and the copy form.
func (m *Module) showList(c *fiber.Ctx) error { return m.renderList(c, nil, nil) }

func (m *Module) renderList(c *fiber.Ctx, errs, form map[string]string) error {
	stored, err := ListThemes(c.UserContext(), m.d.DB.R)
	if err != nil {
		return err
	}
	th, cur := m.d.Web.Themes, m.d.Web.Theme()
	d := listData{CanWrite: console.Can(m.d.Web, c, perm.AppearanceWrite)}
	add := func(r listRow) {
		r.Selected = r.Name == cur
		d.Themes = append(d.Themes, r)
		d.Sources = append(d.Sources, r.Name)
	}
	for _, n := range th.BuiltinNames() {
		add(listRow{Name: n, Kind: "appearance.staff.builtin"})
	}
	for _, n := range th.CustomNames() {
		if settings.SkinTheme.Validate(n) == nil {
			add(listRow{Name: n, Kind: "appearance.staff.folder"})
		}
	}
	for _, t := range stored {
		add(listRow{Name: t.Name, Kind: "appearance.staff.stored", ID: t.ID})
	}
	return m.d.Web.ShowForm(c, tplList, "appearance.staff.title", d, errs, form)
}

// errKey is the message of a refused name or file.
func errKey(err error) string {
	for e, k := range map[error]string{
		ErrName: "appearance.err_name", ErrNameTaken: "appearance.err_taken", ErrSource: "appearance.err_source",
		ErrKind: "appearance.err_kind", themefile.ErrEmpty: "form.file_empty", themefile.ErrTooLarge: "appearance.err_size",
		themefile.ErrType: "appearance.err_type", themefile.ErrMismatch: "appearance.err_mismatch",
		themefile.ErrDecode: "appearance.err_decode", themefile.ErrDimension: "appearance.err_dimension",
		themefile.ErrSVG: "appearance.err_svg", themefile.ErrCSS: "appearance.err_css",
	} {
		if errors.Is(err, e) {
			return k
		}
	}
	return ""
}

// copyTheme handles POST /admin/appearance/copy (source, name).
func (m *Module) copyTheme(c *fiber.Ctx) error {
	name := strings.TrimSpace(c.FormValue("name"))
	id, err := m.Copy(c.UserContext(), c.FormValue("source"), name, m.who(c))
	var fe *core.FieldError
	if errors.As(err, &fe) {
		return m.renderList(c, map[string]string{fe.Field: errKey(fe.Err)}, map[string]string{"name": name, "source": c.FormValue("source")})
	}
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "appearance.copied", name)
	return m.d.Web.Redirect(c, themePath(id, ""))
}

// themeData is the page of one stored theme.
type themeData struct {
	Theme    Theme
	Kinds    []kindRow
	CSS      string
	MaxCSSKB int64
	Selected bool
	CanWrite bool
}

// kindRow is one upload form: the kind, its stored file (if any) and its limits.
type kindRow struct {
	Kind   themefile.Kind
	Path   string
	Image  bool
	Own    *FileInfo
	MaxKB  int64
	Accept string
}

// showTheme renders GET /admin/appearance/:id.
func (m *Module) showTheme(c *fiber.Ctx) error { return m.renderTheme(c, nil, nil) }

func (m *Module) renderTheme(c *fiber.Ctx, errs, form map[string]string) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	t, err := GetTheme(c.UserContext(), m.d.DB.R, id)
	if err != nil {
		return err
	}
	d := themeData{Theme: t, MaxCSSKB: themefile.MaxCSSBytes >> 10, Selected: m.d.Web.Theme() == t.Name,
		CanWrite: console.Can(m.d.Web, c, perm.AppearanceWrite)}
	for _, k := range themefile.Kinds {
		r := kindRow{Kind: k, Path: themefile.Path(k), Image: k != themefile.Style, MaxKB: themefile.Max(k) >> 10,
			Accept: "image/png,image/jpeg,image/gif,image/svg+xml,.png,.jpg,.jpeg,.gif,.svg"}
		switch k {
		case themefile.MaintenanceLogo:
			r.Accept = "image/png,.png"
		case themefile.Style:
			r.Accept = "text/css,.css"
		}
		for i := range t.Files {
			if t.Files[i].Name == r.Path {
				r.Own = &t.Files[i]
			}
		}
		d.Kinds = append(d.Kinds, r)
	}
	if v, ok := form["css"]; ok {
		d.CSS = v
	} else if f, err := m.d.Web.Themes.Open(t.Name, "style.css"); err == nil {
		var b strings.Builder
		_, err = copyText(&b, f)
		f.Close()
		if err != nil {
			return err
		}
		d.CSS = b.String()
	}
	return m.d.Web.ShowForm(c, tplTheme, "appearance.staff.theme_title", d, errs, form)
}

// uploadFile handles the multipart POST /admin/appearance/:id/upload (kind, file).
func (m *Module) uploadFile(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	kind := themefile.Kind(c.FormValue("kind"))
	if themefile.Path(kind) == "" {
		return fiber.ErrBadRequest
	}
	// The limit is checked again while reading; this only spares reading a huge part.
	name, f, key := console.UploadedFile(c, "file", themefile.Max(kind))
	if key == "form.file_too_large" {
		key = "appearance.err_size"
	}
	if key != "" {
		return m.renderTheme(c, map[string]string{string(kind): key}, nil)
	}
	defer f.Close()
	return m.afterSave(c, id, m.Upload(c.UserContext(), id, kind, name, f, m.who(c)), "", "appearance.uploaded")
}

// afterSave answers a stored file: the theme page with the field's message (and the
// sheet typed, for field "css") when it was refused, else back with flash.
func (m *Module) afterSave(c *fiber.Ctx, id int64, err error, css, flash string) error {
	var fe *core.FieldError
	switch {
	case errors.As(err, &fe) && fe.Field == "css":
		return m.renderTheme(c, map[string]string{"css": errKey(fe.Err)}, map[string]string{"css": css})
	case errors.As(err, &fe):
		return m.renderTheme(c, map[string]string{fe.Field: errKey(fe.Err)}, nil)
	case err != nil:
		return err
	}
	m.d.Web.AddFlash(c, "ok", flash)
	return m.d.Web.Redirect(c, themePath(id, ""))
}

// saveCSS handles POST /admin/appearance/:id/css (css: the whole sheet).
func (m *Module) saveCSS(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	css := c.FormValue("css")
	return m.afterSave(c, id, m.SaveCSS(c.UserContext(), id, css, m.who(c)), css, "appearance.saved")
}

// selectTheme handles POST /admin/appearance/:id/select.
func (m *Module) selectTheme(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	name, err := m.Select(c.UserContext(), id, m.who(c))
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "appearance.selected", name)
	return m.d.Web.Redirect(c, console.Path(pathList))
}

// deleteTheme handles POST /admin/appearance/:id/delete.
func (m *Module) deleteTheme(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	switch err := m.Delete(c.UserContext(), id, m.who(c)); {
	case errors.Is(err, ErrSelected):
		m.d.Web.AddFlash(c, "error", "appearance.err_selected")
		return m.d.Web.Redirect(c, themePath(id, ""))
	case err != nil:
		return err
	}
	m.d.Web.AddFlash(c, "ok", "appearance.deleted")
	return m.d.Web.Redirect(c, console.Path(pathList))
}

// previewData is the sample subscriber page.
type previewData struct {
	ID       int64
	Name     string
	CanWrite bool
	Due      time.Time
}

// preview renders GET /admin/appearance/:id/preview: a sample subscriber page in the
// subscribers' layout with the theme, for this staff request only. Nothing is stored:
// subscribers keep the selected theme.
func (m *Module) preview(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	t, err := GetTheme(c.UserContext(), m.d.DB.R, id)
	if err != nil {
		return err
	}
	p := m.d.Web.NewPage(c, "appearance.preview.title", previewData{ID: t.ID, Name: t.Name,
		CanWrite: console.Can(m.d.Web, c, perm.AppearanceWrite), Due: m.d.Now()})
	p.Layout, p.Theme, p.Staff = "layouts/main", t.Name, nil
	p.Menu = nil
	for i, k := range []string{"appearance.preview.m_home", "appearance.preview.m_invoices", "appearance.preview.m_services"} {
		p.Menu = append(p.Menu, web.MenuItem{Key: k, Path: "#sample", Href: "#sample", Text: p.T(k), Active: i == 0})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.d.Web.Render(c, tplPreview, p)
}
