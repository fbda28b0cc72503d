// Package services shows a client's services (Internet, TV, VoIP, other) with their
// tariffs, the traffic graphs and fair-usage (FUP) state of Internet services, and a
// configuration sheet PDF. Traffic counters are stored by the traffic subpackage;
// staff enter tariffs, services and counters with the CLI commands until the API
// and the console do it.
package services

import (
	"embed"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"testing/fstest"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/modules/services/traffic"
)

// Routes (under Prefix) and templates.
const (
	Prefix          = "/services"
	pathList        = "/"
	pathSheet       = "/sheet.pdf"
	pathTraffic     = "/:id/traffic"
	pathTrafficOne  = "/:id/traffic/:period"
	tplList         = "services/list"
	tplTraffic      = "services/traffic"
	trafficMigBase  = 100 // traffic's migration N is recorded as our 100+N
	sheetFileName   = "configuration-sheet.pdf"
	maxCLIErrorLine = 50
)

//go:embed migrations/*.sql
var migrationsFS embed.FS

//go:embed templates/*.html
var templatesFS embed.FS

//go:embed locales/*.toml
var localesFS embed.FS

// Module is the services feature.
type Module struct {
	d app.Deps
	// st is kept for the module's life: it holds the series cache of the traffic page.
	st *traffic.Store
}

// New builds the module; it does no work (Boot calls it once just to read Info).
func New(d app.Deps) app.Module {
	if d.Hooks != nil {
		// A client's traffic has no foreign key to clients: delete it with the client.
		d.Hooks.ClientDeleting = append(d.Hooks.ClientDeleting, DeleteClientServices)
		setHooks(d.Hooks)
	}
	return &Module{d: d, st: TrafficStore(d)}
}

// Info declares the module: always on (the traffic page has its own setting).
func (m *Module) Info() app.Info {
	return app.Info{
		Name:       "services",
		Prefix:     Prefix,
		Area:       app.Client,
		Menu:       []web.MenuItem{{Key: "services.menu", Path: Prefix, Order: 20}},
		Migrations: Migrations(),
		Templates:  sub(templatesFS, "templates"),
		Locales:    sub(localesFS, "locales"),
		Seed:       m.seed,
		Worker:     m.pruneWorker,
		Commands:   m.commands(),
		Methods:    m.methods(),
		StaffPages: append(m.staffPages(), m.staffTrafficImportPages()...),
		Card:       []app.CardSection{m.staffCard()},
		Dashboard:  []app.DashboardCard{m.dashboardCard()},
		Export:     exportClient,
	}
}

// Mount registers the routes.
func (m *Module) Mount(r fiber.Router) {
	r.Get(pathList, m.showServiceList)
	r.Get(pathSheet, m.downloadSheet)
	r.Get(pathTraffic, m.showTraffic)
	r.Get(pathTrafficOne, m.showTraffic)
}

// store returns the traffic store. It is cheap (no queries), so it is built per
// use rather than held, which keeps New free of work.
func (m *Module) store() *traffic.Store { return m.st }

// TrafficStore returns the traffic store the portal uses: day buckets and graph
// labels in the server's local time zone.
func TrafficStore(d app.Deps) *traffic.Store {
	return traffic.New(d.DB, traffic.Config{Location: time.Local})
}

// Migrations returns this module's migrations merged with the traffic package's,
// which the app would not otherwise run: ours keep their numbers (1..99), traffic's
// N becomes 100+N, all recorded under the source "services".
func Migrations() fs.FS {
	out := fstest.MapFS{}
	add := func(src fs.FS, offset int) {
		entries, err := fs.ReadDir(src, ".")
		if err != nil {
			panic("services: " + err.Error())
		}
		for _, e := range entries {
			num, rest, ok := strings.Cut(e.Name(), "_")
			v, err := strconv.Atoi(num)
			if !ok || err != nil || !strings.HasSuffix(rest, ".sql") {
				continue
			}
			if offset == 0 && v >= trafficMigBase {
				panic("services: own migration numbers must stay below 100: " + e.Name())
			}
			body, err := fs.ReadFile(src, e.Name())
			if err != nil {
				panic("services: " + err.Error())
			}
			out[fmt.Sprintf("%04d_%s", v+offset, rest)] = &fstest.MapFile{Data: body, Mode: 0o444}
		}
	}
	add(sub(migrationsFS, "migrations"), 0)
	add(traffic.Migrations, trafficMigBase)
	return out
}

func sub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic("services: " + err.Error())
	}
	return s
}
