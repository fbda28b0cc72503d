// Package documents is the Documents tab: the client's contracts, annexes and other
// documents that staff marked "display in portal", with download. Staff add them
// through the CLI (`portal document add`) and later the console and API, which reuse
// the exported store functions.
package documents

import (
	"embed"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Routes and templates.
const (
	pathList     = "/"
	pathDownload = "/:id/download"

	tplList    = "documents/list"
	tplMissing = "documents/missing"
)

// StoreDir is the folder under the data directory that holds document files.
const StoreDir = "documents"

// files are the module's migrations, templates and locales (see app.Info.Embed).
//
//go:embed migrations templates locales
var files embed.FS

// Module is the Documents tab.
type Module struct{ d app.Deps }

// New returns the module; it does no work (Boot calls it once just to read Info).
func New(d app.Deps) app.Module { return &Module{d: d} }

// Info declares the module.
func (m *Module) Info() app.Info {
	return app.Info{
		Name:   "documents",
		Prefix: "/documents",
		Area:   app.Client,
		Gate:   func(c *fiber.Ctx) bool { return settings.DisplayDocumentsTab.Get(m.d.Web.SettingsOf(c)) },
		Menu:   []web.MenuItem{{Key: "documents.menu", Path: "/documents", Order: 40}},

		Seed:     m.seed,
		Commands: commands(),

		StaffPages: m.staffPages(),
		Methods:    m.methods(),
		FileKinds:  []app.FileKind{m.fileKind()},
		Card:       []app.CardSection{m.staffCard()},
	}.Embed(files)
}

// Mount registers the routes under /documents.
func (m *Module) Mount(r fiber.Router) {
	r.Get(pathList, m.showDocumentList)
	r.Get(pathDownload, m.downloadDocument)
}
