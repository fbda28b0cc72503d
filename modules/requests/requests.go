// Package requests lets a subscriber send a support request to the provider's staff
// (ci_auth_requests_enable): it is stored, e-mailed through the outbox to the
// forwarding addresses and to flagged staff, and its state is shown to the client.
package requests

import (
	"embed"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Paths and templates.
const (
	pathRequests = "/requests"
	pathNew      = "/new"
	pathShow     = "/:id"

	tplList = "requests/list"
	tplNew  = "requests/new"
	tplShow = "requests/show"
)

// postLimit is how many requests one address may send per hour.
const postLimit = 10

// files are the module's migrations, templates and locales (see app.Info.Embed).
//
//go:embed migrations templates locales
var files embed.FS

// Module is the support requests page.
type Module struct{ d app.Deps }

// New returns the module; it does no work.
func New(d app.Deps) app.Module { return &Module{d: d} }

// Info declares the module.
func (m *Module) Info() app.Info {
	return app.Info{
		Name:   "requests",
		Prefix: pathRequests,
		Area:   app.Client,
		Gate:   func(c *fiber.Ctx) bool { return settings.AuthRequestsEnable.Get(m.d.Settings) },
		Menu:   []web.MenuItem{{Key: "requests.menu", Path: pathRequests, Order: 75}},
		// As the seed says, the helpdesk's entry replaces this one when a department
		// takes portal requests.
		MenuWhen: func(c *fiber.Ctx) bool {
			h := m.d.Hooks
			return h == nil || h.HelpdeskActive == nil || !h.HelpdeskActive(c.UserContext())
		},
		Seed:     m.seed,
		Commands: m.commands(),

		StaffPages:   m.staffPages(),
		MailDefaults: registerMailDefaults,
		Methods:      m.methods(),
	}.Embed(files)
}

// Mount registers the routes.
func (m *Module) Mount(r fiber.Router) {
	r.Get("/", m.showRequestList)
	r.Get(pathNew, m.showRequestForm)
	r.Post("/", m.d.Web.RateLimit("requests.new", postLimit, time.Hour), m.saveRequestForm)
	r.Get(pathShow, m.showRequest)
}
