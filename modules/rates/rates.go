// Package rates is the Rates tab: the price lists that apply to the subscriber (one
// per tariff of the client's services, and general ones) with their per-destination
// voice rates (prefix, destination, price per minute, connection fee, billing
// increments, effective day), pushed by the billing system through the API and
// shown with search, sort and pagination.
package rates

import (
	"embed"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Paths and templates.
const (
	Prefix  = "/rates"
	tplList = "rates/list"
	perPage = 50
)

//go:embed migrations templates locales
var files embed.FS

// Module is the Rates tab.
type Module struct{ d app.Deps }

// New builds the module; it does no work.
func New(d app.Deps) app.Module { return &Module{d: d} }

// Info declares the module, gated by ci_display_rates_tab.
func (m *Module) Info() app.Info {
	return app.Info{
		Name:    "rates",
		Prefix:  Prefix,
		Area:    app.Client,
		Gate:    func(c *fiber.Ctx) bool { return settings.DisplayRatesTab.Get(m.d.Web.SettingsOf(c)) },
		Menu:    []web.MenuItem{{Key: "rates.menu", Path: Prefix, Order: 27}},
		Seed:    m.seed,
		Methods: m.methods(),
	}.Embed(files)
}

// Mount registers the route.
func (m *Module) Mount(r fiber.Router) {
	r.Get("/", m.showRates)
}
