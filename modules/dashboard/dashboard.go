// Package dashboard is the subscriber's overview (ci_display_dashboard): one page
// of the cards other modules declare in app.Info.Dashboard (balance and the invoice
// to pay, services with their FUP meters, recent usage, open tickets, unread
// messages), each shown while its own module's gate passes. When the setting is on,
// the dashboard is the home after login; the Information page stays in the menu.
//
// It is a module of its own rather than a part of info: it owns nothing but the
// frame and its setting, renders only what is declared (a card of a module left out
// of the list simply is not there), and leaving the module out restores the
// information page as the home without touching info.
package dashboard

import (
	"embed"
	"html/template"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Prefix is the dashboard's address.
const Prefix = "/dashboard"

//go:embed templates locales
var files embed.FS

// Module is the dashboard.
type Module struct{ d app.Deps }

// New builds the module; it does no work.
func New(d app.Deps) app.Module { return &Module{d: d} }

// Info declares the module: gated by ci_display_dashboard, the home while on.
func (m *Module) Info() app.Info {
	return app.Info{
		Name:   "dashboard",
		Prefix: Prefix,
		Area:   app.Client,
		Gate:   func(c *fiber.Ctx) bool { return settings.DisplayDashboard.Get(m.d.Web.SettingsOf(c)) },
		Menu:   []web.MenuItem{{Key: "dashboard.menu", Path: Prefix, Order: 5}},
		Home:   true,
	}.Embed(files)
}

// Mount registers the page.
func (m *Module) Mount(r fiber.Router) { r.Get("/", m.showDashboard) }

// showDashboard renders every declared card whose gate passes, in card order.
func (m *Module) showDashboard(c *fiber.Ctx) error {
	var cards []template.HTML
	for _, card := range m.d.Declared.Dashboard() {
		if !app.CardOn(m.d.Web, c, card) {
			continue
		}
		html, err := card.Render(c)
		if err != nil {
			return err
		}
		cards = append(cards, html)
	}
	return m.d.Web.Show(c, "dashboard/show", "dashboard.title", cards)
}
