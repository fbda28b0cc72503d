// Package brands lets one installation serve several brands, each on its own domains
// (issue 21): staff give a brand its host names, name, theme, logos, custom style
// sheet and script, footer, default language and the sections it shows. The host of
// each request picks its brand (behind a trusted proxy, X-Forwarded-Host; unknown
// hosts get the default brand), and the brand's own values of the PerBrand settings
// overlay the global ones for its pages and its clients' mails. Clients belong to one
// brand and log in only on its domains.
package brands

import (
	"context"
	"embed"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// files are the module's migrations, templates and locales (see app.Info.Embed).
//
//go:embed migrations templates locales
var files embed.FS

// Module is the brands feature.
type Module struct{ d app.Deps }

// New returns the module; it does no work.
func New(d app.Deps) app.Module { return &Module{d: d} }

// Info declares the module: the brand files under /brand, the console pages, the
// client card's brand, the API methods, the CLI and demo data.
func (m *Module) Info() app.Info {
	return app.Info{
		Name:       "brands",
		Prefix:     "/brand",
		Area:       app.Public,
		Seed:       m.seed,
		Commands:   m.commands(),
		StaffPages: m.staffPages(),
		Methods:    m.methods(),
		Card:       m.card(),
	}.Embed(files)
}

// Mount serves the brands' files and hands web the brand lookup of every request.
func (m *Module) Mount(r fiber.Router) {
	r.Get("/:id/:file", m.serveFile)
	m.d.Web.ResolveBrand = m.resolve
	m.d.Web.BrandExists = func(c *fiber.Ctx, id int64) bool {
		t, err := m.table(c.UserContext())
		return err != nil || t.byID[id] != nil
	}
}

// table is every brand as the requests see them, built once per settings revision
// (a write to brands or brand_domains moves it).
type table struct {
	byHost map[string]*web.Brand
	byID   map[int64]*web.Brand
	def    *web.Brand
}

func (m *Module) table(ctx context.Context) (*table, error) {
	return settings.Memo(m.d.Settings, "brands:table", func() (*table, error) {
		list, err := List(ctx, m.d.DB.R)
		if err != nil {
			return nil, err
		}
		t := &table{byHost: map[string]*web.Brand{}, byID: map[int64]*web.Brand{}}
		for _, b := range list {
			wb := m.webBrand(b)
			t.byID[b.ID] = wb
			for _, h := range b.Domains {
				t.byHost[h] = wb
			}
			if wb.Default {
				t.def = wb
			}
		}
		return t, nil
	})
}

// webBrand is what a request needs of a brand: no query on the hot path.
func (m *Module) webBrand(b Brand) *web.Brand {
	wb := &web.Brand{ID: b.ID, Default: b.Default(), Name: b.Name, Hidden: map[string]bool{},
		Settings: m.d.Settings.Brand(b.ID)}
	if wb.Default {
		wb.Settings = m.d.Settings // the default brand's look is the global settings
	}
	for _, h := range b.Hidden {
		wb.Hidden[h] = true
	}
	url := func(file string) string {
		return m.d.Web.BasePath + "/brand/" + strconv.FormatInt(b.ID, 10) + "/" + file + "?v=" + strconv.FormatInt(b.Version, 10)
	}
	if b.HasLogo {
		wb.LogoURL = url(fileLogo)
	}
	if b.HasLoginLogo {
		wb.LoginLogoURL = url(fileLoginLogo)
	}
	if b.CSS != "" {
		wb.CSSURL = url(fileCSS)
	}
	switch {
	case b.JSURL != "":
		if src, err := ScriptSource(b.JSURL); err == nil {
			wb.ScriptURL, wb.ScriptSource = b.JSURL, src
		}
	case b.JS != "":
		wb.ScriptURL = url(fileJS)
	}
	return wb
}

// resolve is web.ResolveBrand: the brand of a host, else the default brand.
func (m *Module) resolve(c *fiber.Ctx, host string) *web.Brand {
	t, err := m.table(c.UserContext())
	if err != nil {
		m.d.Log.Error("brands: host lookup failed", "err", err)
		return nil
	}
	if b := t.byHost[host]; b != nil {
		return b
	}
	return t.def
}
