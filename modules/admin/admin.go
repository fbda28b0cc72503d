// Package admin is the staff console at /admin: staff login with its own sessions and
// lockout, roles, the audit log, the settings form generated from the registry, the
// client search and client card (lockout, password actions, view as client), tools
// (suspension, themes, mail outbox, backup) and the content other modules own
// (messages, files, documents, e-mail templates).
//
// Access: every route states the area it belongs to (see access.go). Administrators
// reach everything; support staff the clients, messages and tickets; read-only staff
// may look at everything but change nothing; "api" accounts have no console access.
// Every POST is audited with the actor "staff:<login>".
package admin

import (
	"embed"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/web"
)

// Paths below the /admin prefix.
const (
	prefix = "/admin"

	pathHome     = "/"
	pathLogin    = "/login"
	pathLogout   = "/logout"
	pathLang     = "/lang"
	pathAudit    = "/audit"
	pathSettings = "/settings"
	pathClients  = "/clients"
	pathClient   = "/clients/:id"
	pathUnlock   = "/clients/:id/unlock"
	pathPassword = "/clients/:id/password"
	pathViewAs   = "/clients/:id/viewas"
	pathTools    = "/tools"
	pathSuspend  = "/tools/suspend"
	pathTheme    = "/tools/theme"
	pathOutbox   = "/tools/outbox"
	pathMail     = "/tools/outbox/:id"
	pathRetry    = "/tools/outbox/:id/retry"
	pathSMSQueue = "/tools/sms"
	pathSMSRetry = "/tools/sms/:id/retry"
	pathBackup   = "/tools/backup"
	pathStaff    = "/staff"

	pathMessages      = "/messages"
	pathMessageDelete = "/messages/:id/delete"
	pathFiles         = "/files"
	pathFileDelete    = "/files/:id/delete"
	pathDocVisible    = "/clients/:id/documents/:doc/visible"
	pathTemplates     = "/templates"
	pathTemplateDel   = "/templates/:id/delete"
	pathTickets       = "/tickets"
	pathTicket        = "/tickets/:id"
	pathTicketReply   = "/tickets/:id/reply"
	pathDepartments   = "/departments"
	pathButtons       = "/buttons"
	pathButtonDelete  = "/buttons/:id/delete"
	pathConsents      = "/consents"
	pathConsentVer    = "/consents/:id/version"
	pathConsentActive = "/consents/:id/active"
	pathContact       = "/contact"
)

// Templates.
const (
	tplLogin          = "admin/login"
	tplHome           = "admin/home"
	tplAudit          = "admin/audit"
	tplSettings       = "admin/settings"
	tplClients        = "admin/clients"
	tplClient         = "admin/client"
	tplPasswordResult = "admin/password_result"
	tplTools          = "admin/tools"
	tplOutbox         = "admin/outbox"
	tplOutboxMail     = "admin/outbox_mail"
	tplSMSQueue       = "admin/smsqueue"
	tplStaff          = "admin/staff"
	tplMessages       = "admin/messages"
	tplFiles          = "admin/files"
	tplTemplates      = "admin/templates"
	tplTickets        = "admin/tickets"
	tplTicket         = "admin/ticket"
	tplButtons        = "admin/buttons"
	tplConsents       = "admin/consents"
	tplContact        = "admin/contact"
)

// Limits.
const (
	// maxLogin and maxPassword bound what a login reads; longer input is simply wrong.
	maxLogin    = 200
	maxPassword = 4096
	// staffMinPassword is the shortest staff password the CLI accepts (ASVS 2.1.1).
	staffMinPassword = 12
	perPage          = 50
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed locales/*.toml
var localeFiles embed.FS

// Module is the staff console.
type Module struct{ d app.Deps }

// New returns the module; it does no work.
func New(d app.Deps) app.Module { return &Module{d: d} }

// Info declares the module.
func (m *Module) Info() app.Info {
	return app.Info{
		Name:       "admin",
		Prefix:     prefix,
		Area:       app.Staff,
		Migrations: app.Sub(migrationFiles, "migrations"),
		Templates:  app.Sub(templateFiles, "templates"),
		Locales:    app.Sub(localeFiles, "locales"),
		Seed:       seed,
		Commands:   commands(),
	}
}

// Mount registers the console's routes behind the staff guard. Each route names its
// area; the guard and the role check run before every handler.
func (m *Module) Mount(r fiber.Router) {
	w := m.d.Web
	w.StaffMenu = m.menu
	r.Use(m.requireStaff)

	r.Get(pathLogin, m.showLogin)
	// Staff password attempts per address: one budget with the API's auth.
	r.Post(pathLogin, w.RateLimit(web.StaffLoginBucket, web.StaffLoginRate, time.Minute), m.submitLogin)
	r.Post(pathLogout, m.submitLogout)
	r.Post(pathLang, m.switchLanguage)

	r.Get(pathHome, m.allow(areaAny), m.showHome)
	r.Get(pathAudit, m.allow(areaAdmin), m.showAudit)
	r.Get(pathStaff, m.allow(areaAdmin), m.showStaff)

	r.Get(pathSettings, m.allow(areaAdmin), m.showSettings)
	r.Post(pathSettings, m.allow(areaAdmin), m.saveSettings)

	r.Get(pathClients, m.allow(areaClients), m.showClients)
	r.Get(pathClient, m.allow(areaClients), m.showClient)
	r.Post(pathUnlock, m.allow(areaClients), m.unlockClient)
	r.Post(pathPassword, m.allow(areaClients), m.passwordAction)
	r.Post(pathViewAs, m.allow(areaClients), m.viewAsClient)

	r.Get(pathTools, m.allow(areaAdmin), m.showTools)
	r.Post(pathSuspend, m.allow(areaAdmin), m.saveSuspension)
	r.Post(pathTheme, m.allow(areaAdmin), m.selectTheme)
	r.Get(pathOutbox, m.allow(areaAdmin), m.showOutbox)
	r.Get(pathMail, m.allow(areaAdmin), m.showMail)
	r.Post(pathRetry, m.allow(areaAdmin), m.retryMail)
	r.Get(pathSMSQueue, m.allow(areaAdmin), m.showSMSQueue)
	r.Post(pathSMSRetry, m.allow(areaAdmin), m.retrySMS)
	r.Post(pathBackup, m.allow(areaAdmin), m.downloadBackup)

	m.mountContent(r)
}

// menu is the console menu of the logged-in staff member: only what their role may open.
func (m *Module) menu(c *fiber.Ctx) []web.MenuItem {
	s := m.d.Web.Staff(c)
	if s == nil {
		return nil
	}
	var out []web.MenuItem
	for _, it := range menuItems {
		if mayRead(s.Role, it.area) {
			out = append(out, web.MenuItem{Key: it.key, Path: prefix + it.path, Order: it.order})
		}
	}
	return out
}

var menuItems = []struct {
	key, path string
	area      area
	order     int
}{
	{"admin.menu.clients", pathClients, areaClients, 10},
	{"admin.menu.messages", pathMessages, areaMessages, 20},
	{"admin.menu.tickets", pathTickets, areaTickets, 25},
	{"admin.menu.files", pathFiles, areaAdmin, 30},
	{"admin.menu.templates", pathTemplates, areaAdmin, 40},
	{"admin.menu.buttons", pathButtons, areaAdmin, 42},
	{"admin.menu.consents", pathConsents, areaAdmin, 44},
	{"admin.menu.contact", pathContact, areaAdmin, 46},
	{"admin.menu.settings", pathSettings, areaAdmin, 50},
	{"admin.menu.tools", pathTools, areaAdmin, 60},
	{"admin.menu.staff", pathStaff, areaAdmin, 70},
	{"admin.menu.audit", pathAudit, areaAdmin, 80},
}
