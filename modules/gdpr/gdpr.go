// Package gdpr is the GDPR tab: consent documents the client gives, edits (changes
// the purposes agreed to) or withdraws. Every action is appended to a history that is
// never updated or deleted (SQLite triggers enforce it); the current state is the
// latest history row. Staff publish documents and new versions with `portal consent`.
package gdpr

import (
	"embed"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Routes and templates.
const (
	pathList = "/"
	pathShow = "/:id"
	pathSave = "/:id"

	tplList = "gdpr/list"
	tplShow = "gdpr/show"

	// The own-data page: export downloads and privacy requests.
	pathExport     = "/export"
	pathExportFile = "/export/file"
	pathRequests   = "/requests"
	tplExport      = "gdpr/export"
	// exportRate is how many export downloads one address may ask for per minute.
	exportRate = 10
)

// files are the module's migrations, templates and locales (see app.Info.Embed).
//
//go:embed migrations templates locales
var files embed.FS

// Module is the GDPR tab.
type Module struct {
	d    app.Deps
	kick chan struct{} // wakes the export worker
}

// New returns the module; it does no work (Boot calls it once just to read Info).
// It registers the removal of a deleted client's export files.
func New(d app.Deps) app.Module {
	m := &Module{d: d, kick: make(chan struct{}, 1)}
	if d.Hooks != nil {
		d.Hooks.ClientDeleting = append(d.Hooks.ClientDeleting, m.removeClientExports)
		d.Hooks.Consents = consentsHook()
	}
	return m
}

// Info declares the module.
func (m *Module) Info() app.Info {
	return app.Info{
		Name:   "gdpr",
		Prefix: "/gdpr",
		Area:   app.Client,
		// No Gate: the own data (export, erasure and restriction requests) is a right of
		// every client, reachable whatever ci_display_gdpr_tab says; that setting
		// switches only the consent documents (the tab and its pages).
		Menu: []web.MenuItem{{Key: "gdpr.menu", Path: "/gdpr", Order: 80, When: m.tabOn},
			{Key: "gdpr.menu_own_data", Path: "/gdpr" + pathExport, Order: 97}},

		Seed:       m.seed,
		Commands:   commands(),
		StaffPages: m.staffPages(),
		Methods:    m.methods(),
		Card:       []app.CardSection{m.staffCard()},
		Export:     exportClient,
		Worker:     m.exportWorker,

		MailDefaults: func(t *mail.Templates) { registerMailDefaults(t); registerRequestMail(t) },
	}.Embed(files)
}

// tabOn reports whether the GDPR tab (the consent documents) is shown.
func (m *Module) tabOn(c *fiber.Ctx) bool { return settings.DisplayGDPRTab.Get(m.d.Web.SettingsOf(c)) }

// tab answers 404 for the consent pages while ci_display_gdpr_tab is off.
func (m *Module) tab(c *fiber.Ctx) error {
	if !m.tabOn(c) {
		return fiber.ErrNotFound
	}
	return c.Next()
}

// Mount registers the routes under /gdpr: the consent pages behind the tab's
// setting, the own-data page and its forms always.
func (m *Module) Mount(r fiber.Router) {
	r.Get(pathList, m.tab, m.showConsentList)
	// The own-data routes come before /:id, which would take "export" for an id.
	r.Get(pathExport, m.showExport)
	// Building an export reads every module's tables: a few per minute per address.
	r.Post(pathExport, m.d.Web.RateLimit("gdpr-export", exportRate, time.Minute), m.submitExport)
	r.Get(pathExportFile, m.downloadExportFile)
	r.Post(pathRequests, m.submitRequest)
	r.Get(pathShow, m.tab, m.showConsent)
	r.Post(pathSave, m.tab, m.saveConsent)
}
