// Package info is the subscriber's home page: personal information, current messages
// from the provider (private, global and per invoice group), the Webmail and support
// buttons, and the contact data change form (ci_enable_client_data_change).
package info

import (
	"embed"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Paths and templates.
const (
	pathInfo    = "/info"
	pathEdit    = "/edit"
	pathMessage = "/messages/:id"

	tplShow    = "info/show"
	tplMessage = "info/message"
	tplEdit    = "info/edit"
)

// files are the module's migrations, templates and locales (see app.Info.Embed).
//
//go:embed migrations templates locales
var files embed.FS

// Module is the information page.
type Module struct{ d app.Deps }

// New returns the module; it does no work.
func New(d app.Deps) app.Module { return &Module{d: d} }

// Info declares the module.
func (m *Module) Info() app.Info {
	return app.Info{
		Name:       "info",
		Prefix:     pathInfo,
		Area:       app.Client,
		Menu:       []web.MenuItem{{Key: "info.menu", Path: pathInfo, Order: 10}},
		Seed:       m.seed,
		Commands:   m.commands(),
		StaffPages: m.staffPages(),
		Methods:    m.methods(),
		Card:       []app.CardSection{m.staffCard()},
		Dashboard:  []app.DashboardCard{m.dashboardCard()},

		MailDefaults: registerMailDefaults,
	}.Embed(files)
}

// Mount registers the routes. The data change routes check their setting themselves,
// because the rest of the module stays on when it is off.
func (m *Module) Mount(r fiber.Router) {
	r.Get("/", m.showInfo)
	r.Get(pathMessage, m.showMessage)
	r.Get(pathEdit, m.dataChangeOn, m.showDataForm)
	r.Post(pathEdit, m.dataChangeOn, m.saveDataForm)
}

// dataChangeOn answers 404 while ci_enable_client_data_change is off.
func (m *Module) dataChangeOn(c *fiber.Ctx) error {
	if !settings.ClientDataChange.Get(m.d.Settings) {
		return fiber.ErrNotFound
	}
	return c.Next()
}
