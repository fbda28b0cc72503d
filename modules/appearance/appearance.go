// Package appearance is the console's Appearance page: the portal's themes, built in
// and made by staff. Staff copy a theme under a new name, upload its logo, background
// image, maintenance logo and style sheet (checked by internal/themefile), preview it
// on a sample subscriber page, and select it as the portal's theme (ci_skin_theme).
// Stored themes live in the database; web.Themes serves them through the ThemeStore
// this module sets when it is mounted.
package appearance

import (
	"context"
	"embed"
	"sync/atomic"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
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

// snapshot is every stored theme as loaded at one settings revision; replaced whole,
// never changed.
type snapshot struct {
	byName map[string]web.StoredTheme
	names  []string
}

// current is the stored themes at the settings revision this process last synced: a
// write to them moves the revision (triggers of migration 0002), so a theme changed
// through another instance is served from the next request on. If they cannot be
// read, the last loaded ones stay.
func (m *Module) current() *snapshot {
	s, err := settings.Memo(m.d.Settings, "appearance:themes", func() (*snapshot, error) {
		return loadAll(context.Background(), m.d.DB.R)
	})
	if err != nil {
		m.d.Log.Error("appearance: stored themes not loaded", "err", err)
		return m.snap.Load()
	}
	m.snap.Store(s)
	return s
}

// Stored implements web.ThemeStore.
func (m *Module) Stored(name string) (web.StoredTheme, bool) {
	s := m.current()
	if s == nil {
		return web.StoredTheme{}, false
	}
	t, ok := s.byName[name]
	return t, ok
}

// StoredNames implements web.ThemeStore.
func (m *Module) StoredNames() []string {
	if s := m.current(); s != nil {
		return s.names
	}
	return nil
}
