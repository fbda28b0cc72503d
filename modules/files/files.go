// Package files is the Files tab: files the provider publishes (price lists, terms,
// forms), each for every client or only for clients of chosen invoice groups, with
// download. The setting that gates it is ci_display_documents_tab (the reference
// system calls these "documents"). Staff publish files through `portal file add`.
package files

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

	tplList    = "files/list"
	tplMissing = "files/missing"
)

// StoreDir is the folder under the data directory that holds published files.
const StoreDir = "files"

// files are the module's migrations, templates and locales (see app.Info.Embed).
//
//go:embed migrations templates locales
var files embed.FS

// Module is the Files tab.
type Module struct{ d app.Deps }

// New returns the module; it does no work (Boot calls it once just to read Info).
func New(d app.Deps) app.Module { return &Module{d: d} }

// Info declares the module.
func (m *Module) Info() app.Info {
	return app.Info{
		Name:   "files",
		Prefix: "/files",
		Area:   app.Client,
		Gate:   func(c *fiber.Ctx) bool { return settings.DisplayFilesTab.Get(m.d.Web.SettingsOf(c)) },
		Menu:   []web.MenuItem{{Key: "files.menu", Path: "/files", Order: 50}},

		Seed:     m.seed,
		Commands: commands(),

		StaffPages: m.staffPages(),
		Methods:    m.methods(),
		FileKinds:  []app.FileKind{m.fileKind()},
	}.Embed(files)
}

// Mount registers the routes under /files.
func (m *Module) Mount(r fiber.Router) {
	r.Get(pathList, m.showFileList)
	r.Get(pathDownload, m.downloadFile)
}
