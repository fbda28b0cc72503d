// Package usage is the Usage tab: the usage records (calls, SMS, data sessions) the
// billing system rates and pushes through the API (usage.push), shown to the
// subscriber as a Summary grouped by period, service and type over a free date range,
// a Detailed list with the rate used, and a streamed CSV export. Records name their
// service by external id, resolved through app.Hooks (set by the services module).
package usage

import (
	"context"
	"embed"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Paths (under Prefix) and templates.
const (
	Prefix     = "/usage"
	pathSum    = "/"
	pathDetail = "/detail"
	pathCSV    = "/export.csv"

	tplSummary = "usage/summary"
	tplDetail  = "usage/detail"
	tplCard    = "usage/card"

	perPage  = 25
	csvBatch = 2000
)

// files are the module's migrations, templates and locales.
//
//go:embed migrations templates locales
var files embed.FS

// Module is the Usage tab.
type Module struct{ d app.Deps }

// New builds the module; it does no work.
func New(d app.Deps) app.Module { return &Module{d: d} }

// Info declares the module, gated by ci_display_usage_tab.
func (m *Module) Info() app.Info {
	return app.Info{
		Name:      "usage",
		Prefix:    Prefix,
		Area:      app.Client,
		Gate:      m.on,
		Menu:      []web.MenuItem{{Key: "usage.menu", Path: Prefix, Order: 25}},
		Seed:      m.seed,
		Methods:   m.methods(),
		Dashboard: []app.DashboardCard{{Name: "usage", Order: 40, Gate: m.on, Render: m.dashboardCard}},
	}.Embed(files)
}

func (m *Module) on(c *fiber.Ctx) bool { return settings.DisplayUsageTab.Get(m.d.Web.SettingsOf(c)) }

// Mount registers the routes.
func (m *Module) Mount(r fiber.Router) {
	r.Get(pathSum, m.showSummary)
	r.Get(pathDetail, m.showDetail)
	r.Get(pathCSV, m.exportCSV)
	r.Post(pathColumns, m.saveColumns)
}

// services lists the client's services through the services module's hook (none
// when it is not mounted: records then show the service's number).
func (m *Module) services(ctx context.Context, q core.Querier, clientID int64) []app.ServiceBrief {
	if m.d.Hooks == nil || m.d.Hooks.ClientServices == nil {
		return nil
	}
	list, err := m.d.Hooks.ClientServices(ctx, q, clientID)
	if err != nil {
		m.d.Log.Warn("usage: listing services failed", "err", err)
		return nil
	}
	return list
}
