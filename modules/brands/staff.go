package brands

import (
	"database/sql"
	"errors"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/themefile"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Console paths below /admin and the templates.
const (
	pathList       = "/brands"
	pathNew        = "/brands/new"
	pathBrand      = "/brands/:id"
	pathLogo       = "/brands/:id/logo"
	pathLogoRemove = "/brands/:id/logo/remove"
	pathDelete     = "/brands/:id/delete"
	pathAssign     = "/clients/:id/brand"

	tplList  = "brands/staff_brands"
	tplBrand = "brands/staff_brand"
	tplCard  = "brands/card"
)

func (m *Module) staffPages() []app.StaffPage {
	upload := console.Post(pathLogo, perm.BrandWrite, m.uploadLogo)
	upload.Upload = themefile.MaxImageBytes + 64<<10
	return []app.StaffPage{
		console.Menu(console.Get(pathList, perm.BrandRead, m.showList), "brands.staff.menu", 56),
		console.Post(pathList, perm.BrandWrite, m.save),
		console.Get(pathNew, perm.BrandWrite, m.showNew),
		console.Get(pathBrand, perm.BrandRead, m.showBrand),
		console.Post(pathBrand, perm.BrandWrite, m.save),
		upload,
		console.Post(pathLogoRemove, perm.BrandWrite, m.removeLogo),
		console.Post(pathDelete, perm.BrandWrite, m.delete),
		console.Post(pathAssign, perm.BrandAssign, m.assign),
	}
}

func (m *Module) who(c *fiber.Ctx) Who {
	return Who{Actor: console.Actor(m.d.Web, c), IP: m.d.Web.ClientIP(c)}
}

// done answers a successful change: back to path with the flash.
func (m *Module) done(c *fiber.Ctx, flash, path string) error {
	m.d.Web.AddFlash(c, "ok", flash)
	return m.d.Web.Redirect(c, path)
}

func brandPath(id int64) string { return console.Path("/brands/" + strconv.FormatInt(id, 10)) }

// sectionNames are the modules a brand may hide.
func (m *Module) sectionNames() []string {
	var out []string
	for _, s := range m.d.Declared.Sections() {
		out = append(out, s.Name)
	}
	return out
}

type listData struct {
	Brands   []Brand
	CanWrite bool
}

func (m *Module) showList(c *fiber.Ctx) error {
	list, err := ListCounted(c.UserContext(), m.d.DB.R)
	if err != nil {
		return err
	}
	return m.d.Web.Show(c, tplList, "brands.staff.title", listData{Brands: list, CanWrite: console.Can(m.d.Web, c, perm.BrandWrite)})
}

// sectionRow is a checkbox of the sections shown.
type sectionRow struct {
	Name, Key string
	Hidden    bool
}

// settingLabel is a setting's label in the page's language (the console's
// translation when the console is mounted), else the registry's English one.
func (m *Module) settingLabel(c *fiber.Ctx, d *settings.Def) string {
	key := "admin.setting." + d.Key + ".label"
	if l := m.d.Web.T(c, key); l != key && l != "" {
		return l
	}
	return d.Label
}

// settingRow is one PerBrand setting of the form: empty means the global value.
type settingRow struct {
	Key, Label, Global string
	Options            []string // a select (with "" first) when set
	Long               bool     // a textarea
}

type brandData struct {
	Brand    Brand
	New      bool
	Sections []sectionRow
	Settings []settingRow
	CanWrite bool
	MaxKB    int
	Logos    []logoRow
}

// logoRow is one of the brand's two logos: its kind and its file ("" : the theme's).
type logoRow struct{ Kind, File, Label string }

func (m *Module) showNew(c *fiber.Ctx) error {
	return m.render(c, Brand{}, nil, map[string]string{})
}

func (m *Module) showBrand(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	b, err := Get(c.UserContext(), m.d.DB.R, id)
	if err != nil {
		return err
	}
	form := formOf(b)
	for _, d := range settings.PerBrandDefs() {
		if v, ok := m.d.Settings.BrandValue(d, b.ID); ok {
			form["setting_"+d.Key] = v
		}
	}
	for _, h := range b.Hidden {
		form["hidden_"+h] = "1"
	}
	return m.render(c, b, nil, form)
}

// formOf is the form of a stored brand.
func formOf(b Brand) map[string]string {
	return map[string]string{"name": b.Name, "domains": strings.Join(b.Domains, "\n"), "css": b.CSS, "js": b.JS, "js_url": b.JSURL}
}

func (m *Module) render(c *fiber.Ctx, b Brand, errs, form map[string]string) error {
	data := brandData{Brand: b, New: b.ID == 0, CanWrite: console.Can(m.d.Web, c, perm.BrandWrite), MaxKB: themefile.MaxImageBytes >> 10}
	data.Logos = []logoRow{{Kind: KindLogo, Label: "brands.staff.logo"}, {Kind: KindLoginLogo, Label: "brands.staff.login_logo"}}
	if b.HasLogo {
		data.Logos[0].File = fileLogo
	}
	if b.HasLoginLogo {
		data.Logos[1].File = fileLoginLogo
	}
	for _, s := range m.d.Declared.Sections() {
		data.Sections = append(data.Sections, sectionRow{Name: s.Name, Key: s.Key, Hidden: form["hidden_"+s.Name] == "1"})
	}
	if !b.Default() {
		themes := append(m.d.Web.Themes.BuiltinNames(), m.d.Web.Themes.CustomNames()...)
		themes = append(themes, m.d.Web.Themes.StoredNames()...)
		for _, d := range settings.PerBrandDefs() {
			if d.Key == settings.PortalName.Key {
				continue // the brand's name
			}
			row := settingRow{Key: d.Key, Label: m.settingLabel(c, d), Global: d.Display(settings.StringKey{Def: d}.Get(m.d.Settings)),
				Long: d.Type == settings.HTML}
			switch {
			case d.Key == settings.SkinTheme.Key:
				row.Options = slices.Compact(themes)
			case d.Type == settings.Bool:
				row.Options = []string{"1", "0"}
			case d.Type == settings.Enum:
				row.Options = d.Options
			}
			data.Settings = append(data.Settings, row)
		}
	}
	p := m.d.Web.NewPage(c, "brands.staff.title", data)
	p.Form, p.Errors = form, errs
	if len(errs) > 0 {
		p.Status = fiber.StatusUnprocessableEntity
	}
	return m.d.Web.Render(c, tplBrand, p)
}

// errKeys translate the service's named errors.
var errKeys = map[error]string{
	ErrName: "brands.err.name", ErrDomain: "brands.err.domain", ErrDomainTaken: "brands.err.domain_taken",
	ErrDomainsNeeded: "brands.err.domains_needed", ErrTooMany: "brands.err.too_many", ErrCSS: "brands.err.css",
	ErrJS: "brands.err.js", ErrJSURL: "brands.err.js_url", ErrJSBoth: "brands.err.js_both", ErrSection: "brands.err.section",
	ErrSetting: "brands.err.setting", ErrNotPerBrand: "brands.err.setting", ErrDefault: "brands.err.default",
	ErrLogo: "brands.err.logo", ErrLogoWide: "brands.err.logo_wide", ErrLogoSize: "brands.err.logo_size",
	ErrLogoKind: "brands.err.logo", core.ErrNotFound: "brands.err.brand",
}

// fieldErrors maps a service error to the form's errors (false: not a field error).
func fieldErrors(err error) (map[string]string, bool) {
	var fe *core.FieldError
	if !errors.As(err, &fe) {
		return nil, false
	}
	key, ok := errKeys[fe.Err]
	if !ok {
		key = "brands.err.setting"
	}
	return map[string]string{fe.Field: key}, true
}

// save handles POST /admin/brands (a new brand) and /admin/brands/:id.
func (m *Module) save(c *fiber.Ctx) error {
	ctx := c.UserContext()
	var b Brand
	if c.Params("id") != "" {
		id, err := web.IDParam(c, "id")
		if err != nil {
			return err
		}
		if b, err = Get(ctx, m.d.DB.R, id); err != nil {
			return err
		}
	}
	form := map[string]string{}
	for _, k := range []string{"name", "domains", "css", "js", "js_url"} {
		form[k] = c.FormValue(k)
	}
	in := Input{ID: b.ID, Name: form["name"], Domains: SplitDomains(form["domains"]), CSS: form["css"], JS: form["js"], JSURL: form["js_url"],
		Settings: map[string]string{}}
	for _, s := range m.sectionNames() {
		if c.FormValue("hidden_"+s) == "1" {
			in.Hidden = append(in.Hidden, s)
			form["hidden_"+s] = "1"
		}
	}
	if !b.Default() {
		for _, d := range settings.PerBrandDefs() {
			if d.Key == settings.PortalName.Key {
				continue
			}
			v := c.FormValue("setting_" + d.Key)
			in.Settings[d.Key], form["setting_"+d.Key] = v, v
		}
	}
	var id int64
	err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = Save(ctx, tx, m.d, m.sectionNames(), in, m.who(c))
		return err
	})
	if errs, ok := fieldErrors(err); ok {
		return m.render(c, b, errs, form)
	}
	if err != nil {
		return err
	}
	return m.done(c, "form.saved", brandPath(id))
}

// uploadLogo handles POST /admin/brands/:id/logo (kind: logo or login_logo; file).
func (m *Module) uploadLogo(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	kind := c.FormValue("kind")
	_, f, key := console.UploadedFile(c, "file", themefile.MaxImageBytes)
	var r io.Reader
	if key == "" {
		defer f.Close()
		r = f
	}
	return m.afterFile(c, id, key, kind, func(tx *sql.Tx) error { return SetLogo(c.UserContext(), tx, m.d, id, kind, r, m.who(c)) })
}

// removeLogo handles POST /admin/brands/:id/logo/remove (kind).
func (m *Module) removeLogo(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	kind := c.FormValue("kind")
	return m.afterFile(c, id, "", kind, func(tx *sql.Tx) error { return RemoveLogo(c.UserContext(), tx, m.d, id, kind, m.who(c)) })
}

// afterFile runs a logo change (unless the upload was refused with key) and answers
// the brand page: again with the field's message, or back with a flash.
func (m *Module) afterFile(c *fiber.Ctx, id int64, key, kind string, run func(tx *sql.Tx) error) error {
	ctx := c.UserContext()
	b, err := Get(ctx, m.d.DB.R, id)
	if err != nil {
		return err
	}
	if kind != KindLogo && kind != KindLoginLogo {
		return fiber.ErrBadRequest
	}
	errs := map[string]string{}
	if key == "form.file_too_large" {
		errs[kind] = "brands.err.logo_size"
	} else if key != "" {
		errs[kind] = key
	} else {
		err := m.d.DB.Tx(ctx, run)
		if fe, ok := fieldErrors(err); ok {
			errs = fe
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return m.render(c, b, errs, formOf(b))
	}
	return m.done(c, "form.saved", brandPath(id))
}

// delete handles POST /admin/brands/:id/delete.
func (m *Module) delete(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	if id == DefaultID {
		return fiber.ErrBadRequest // the page offers no such button
	}
	ctx := c.UserContext()
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error { return Delete(ctx, tx, m.d, id, m.who(c)) })
	if err != nil {
		return err
	}
	return m.done(c, "brands.staff.deleted", console.Path(pathList))
}

// cardData is the brand section of the client card.
type cardData struct {
	ClientID int64
	Current  int64
	Brands   []Brand
	Can      bool
}

func (m *Module) card() []app.CardSection {
	return []app.CardSection{{Name: "brands", Order: 5, Action: perm.BrandRead, Beside: true, Link: "brands.card.title",
		Render: func(c *fiber.Ctx, cl core.Client, errs map[string]string) (template.HTML, error) {
			list, err := List(c.UserContext(), m.d.DB.R)
			if err != nil {
				return "", err
			}
			cur := cl.BrandID
			if cur == 0 {
				cur = DefaultID
			}
			return m.d.Web.Partial(c, tplCard, cardData{ClientID: cl.ID, Current: cur, Brands: list,
				Can: console.Can(m.d.Web, c, perm.BrandAssign)}, errs)
		}}}
}

// assign handles POST /admin/clients/:id/brand (brand).
func (m *Module) assign(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	cl, err := core.ClientByID(ctx, m.d.DB.R, id)
	if err != nil {
		return err
	}
	brand, perr := strconv.ParseInt(c.FormValue("brand"), 10, 64)
	if perr != nil {
		return m.d.Hooks.ClientCard(c, cl, map[string]string{"brand": "brands.err.brand"})
	}
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error { return Assign(ctx, tx, m.d, cl.ID, brand, m.who(c)) })
	if errs, ok := fieldErrors(err); ok {
		return m.d.Hooks.ClientCard(c, cl, errs)
	}
	if err != nil {
		return err
	}
	return m.done(c, "form.saved", console.Path("/clients/"+strconv.FormatInt(cl.ID, 10)))
}
