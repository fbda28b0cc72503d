// Package appearance is the console's Appearance page: the portal's themes, built in
// and made by staff. Staff copy a theme under a new name, upload its logo, background
// image, maintenance logo and style sheet (checked by internal/themefile), preview it
// on a sample subscriber page, and select it as the portal's theme (ci_skin_theme).
// Stored themes live in the database; web.Themes serves them through the ThemeStore
// this module sets when it is mounted.
package appearance

import (
	"embed"
	"sync/atomic"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/web"
)

// files are the module's migrations, templates and locales (see app.Info.Embed).
//
//go:embed migrations templates locales
var files embed.FS

// Module is the Appearance page.
type Module struct {
	d    app.Deps
	snap atomic.Pointer[snapshot]
}

// New returns the module; it does no work (Boot calls it once just to read Info).
func New(d app.Deps) app.Module { return &Module{d: d} }

// Info declares the module: staff pages only, and demo data.
func (m *Module) Info() app.Info {
	return app.Info{
		Name:       "appearance",
		Area:       app.Public,
		Seed:       m.seed,
		StaffPages: m.staffPages(),
	}.Embed(files)
}

// Mount loads the stored themes and hands them to web.Themes.
func (m *Module) Mount(fiber.Router) {
	if err := m.reload(); err != nil {
		m.d.Log.Error("appearance: stored themes not loaded", "err", err)
	}
	m.d.Web.Themes.SetStore(m)
}

// snapshot is every stored theme as last loaded; replaced whole, never changed.
type snapshot struct {
	byName map[string]web.StoredTheme
	names  []string
}

// Stored implements web.ThemeStore.
func (m *Module) Stored(name string) (web.StoredTheme, bool) {
	s := m.snap.Load()
	if s == nil {
		return web.StoredTheme{}, false
	}
	t, ok := s.byName[name]
	return t, ok
}

// StoredNames implements web.ThemeStore.
func (m *Module) StoredNames() []string {
	if s := m.snap.Load(); s != nil {
		return s.names
	}
	return nil
}
