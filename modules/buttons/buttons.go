// Package buttons adds the provider's own links (website, speed test, "write to us") to
// the subscriber menu: label per language, http, https or mailto address, order, and
// whether it opens in a new tab.
package buttons

import (
	"embed"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
)

// menuLocal is the request local the app's menu code appends to the menu.
const menuLocal = "app.menu.extra"

// menuOrder is where custom buttons start in the menu, after every module's entry.
const menuOrder = 100

// files are the module's migrations, templates and locales (see app.Info.Embed).
//
//go:embed migrations templates locales
var files embed.FS

// Module puts the custom buttons into the menu.
type Module struct {
	d     app.Deps
	mu    sync.Mutex
	cache *cache
}

// New returns the module; it does no work.
func New(d app.Deps) app.Module { return &Module{d: d} }

// Info declares the module. It has no client pages, only middleware that adds the
// buttons to the menu of every page; staff manage them on a console page and through
// the API.
func (m *Module) Info() app.Info {
	return app.Info{
		Name:       "buttons",
		Area:       app.Public,
		Seed:       m.seed,
		Commands:   m.commands(),
		Middleware: []fiber.Handler{m.addToMenu},
		StaffPages: m.staffPages(),
		Methods:    m.methods(),
	}.Embed(files)
}

// Mount has nothing to mount: the buttons are menu entries, not pages.
func (m *Module) Mount(r fiber.Router) {}
