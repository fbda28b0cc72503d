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
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/factor"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

// Paths below the /admin prefix.
const (
	prefix = "/admin"

	pathHome       = "/"
	pathLogin      = "/login"
	pathLogout     = "/logout"
	pathLang       = "/lang"
	pathAudit      = "/audit"
	pathSettings   = "/settings"
	pathClients    = "/clients"
	pathClient     = "/clients/:id"
	pathClientNew  = "/clients/new"
	pathClientEdit = "/clients/:id/edit"
	pathClientNote = "/clients/:id/notes"
	pathViewAs     = "/clients/:id/viewas"
	pathTools      = "/tools"
	pathSuspend    = "/tools/suspend"
	pathTheme      = "/tools/theme"
	pathOutbox     = "/tools/outbox"
	pathMail       = "/tools/outbox/:id"
	pathRetry      = "/tools/outbox/:id/retry"
	pathBackup     = "/tools/backup"
	pathStaff      = "/staff"
	pathStaffNew   = "/staff/new"
	pathStaffOne   = "/staff/:id"
	pathStaffPass  = "/staff/:id/password"
	pathStaffUnl   = "/staff/:id/unlock"
	pathGroups     = "/groups"
	pathGroupNew   = "/groups/new"
	pathGroup      = "/groups/:id"

	pathTemplates   = "/templates"
	pathTemplateDel = "/templates/:id/delete"
)

// Templates.
const (
	tplLogin       = "admin/login"
	tplHome        = "admin/home"
	tplAudit       = "admin/audit"
	tplSettings    = "admin/settings"
	tplClients     = "admin/clients"
	tplClient      = "admin/client"
	tplClientForm  = "admin/client_form"
	tplTools       = "admin/tools"
	tplOutbox      = "admin/outbox"
	tplOutboxMail  = "admin/outbox_mail"
	tplStaff       = "admin/staff"
	tplStaffMember = "admin/staff_member"
	tplGroups      = "admin/groups"
	tplGroup       = "admin/group"
	tplTemplates   = "admin/templates"
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
type Module struct {
	d    app.Deps
	flow *factor.Flow // the staff second factor
}

// New returns the module; it does no work.
func New(d app.Deps) app.Module {
	m := &Module{d: d}
	m.flow = m.newFlow()
	if d.Hooks != nil {
		d.Hooks.ClientCard = m.showClientCard
	}
	return m
}

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
		StaffPages: append(m.staffPages(), m.factorPages()...),
		Methods:    m.methods(),

		MailDefaults: registerMailDefaults,
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
	loginLimit := w.RateLimit(web.StaffLoginBucket, web.StaffLoginRate, time.Minute)
	r.Post(pathLogin, loginLimit, m.submitLogin)
	// The second-factor step (no session yet): the same budget; wrong codes also
	// count toward the account's lockout.
	m.flow.MountStep(r, prefix, loginLimit)
	r.Post(pathLogout, m.submitLogout)
	r.Post(pathLang, m.switchLanguage)

	// Every other page, the console's own (staffPages) among them, is declared and
	// mounted behind its action.
	m.mountDeclared(r)
}

// staffPages are the console's own pages, declared like every module's so that one
// mount, one menu and the permission walk cover them all.
func (m *Module) staffPages() []app.StaffPage {
	return []app.StaffPage{
		console.Get(pathHome, perm.ConsoleUse, m.showHome),
		console.Menu(console.Get(pathClients, perm.ClientsRead, m.showClients), "admin.menu.clients", 10),
		// /clients/new before /clients/:id, which would take "new" for an id.
		console.Get(pathClientNew, perm.ClientsWrite, m.showClientNew),
		console.Post(pathClientNew, perm.ClientsWrite, m.saveClientNew),
		console.Get(pathClient, perm.ClientsRead, m.showClient),
		console.Get(pathClientEdit, perm.ClientsWrite, m.showClientEdit),
		console.Post(pathClientEdit, perm.ClientsWrite, m.saveClientEdit),
		console.Post(pathClientNote, perm.ClientsWrite, m.addNote),
		console.Post(pathViewAs, perm.ClientsWrite, m.viewAsClient),
		console.Menu(console.Get(pathGroups, perm.GroupsRead, m.showGroups), "admin.menu.groups", 35),
		console.Get(pathGroupNew, perm.GroupsWrite, m.showGroup),
		console.Post(pathGroupNew, perm.GroupsWrite, m.saveGroup),
		console.Get(pathGroup, perm.GroupsRead, m.showGroup),
		console.Post(pathGroup, perm.GroupsWrite, m.saveGroup),
		console.Menu(console.Get(pathTemplates, perm.TemplatesRead, m.showTemplates), "admin.menu.templates", 40),
		console.Post(pathTemplates, perm.TemplatesWrite, m.saveTemplate),
		console.Post(pathTemplateDel, perm.TemplatesWrite, m.deleteTemplate),
		console.Menu(console.Get(pathSettings, perm.SettingsRead, m.showSettings), "admin.menu.settings", 50),
		console.Post(pathSettings, perm.SettingsWrite, m.saveSettings),
		console.Menu(console.Get(pathTools, perm.ToolsRead, m.showTools), "admin.menu.tools", 60),
		console.Post(pathSuspend, perm.ToolsWrite, m.saveSuspension),
		console.Post(pathTheme, perm.ToolsWrite, m.selectTheme),
		console.Get(pathOutbox, perm.ToolsRead, m.showOutbox),
		console.Get(pathMail, perm.ToolsRead, m.showMail),
		console.Post(pathRetry, perm.ToolsWrite, m.retryMail),
		console.Post(pathOutbox+"/:id/reveal", perm.ToolsWrite, m.revealMail),
		console.Post(pathOutbox+"/:id/resend", perm.ToolsWrite, m.resendMail),
		console.Post(pathOutbox+"/test", perm.ToolsWrite, m.sendTestMail),
		console.Post(pathBackup, perm.ToolsWrite, m.downloadBackup),
		console.Menu(console.Get(pathStaff, perm.StaffRead, m.showStaff), "admin.menu.staff", 70),
		console.Get(pathStaffNew, perm.StaffWrite, m.showStaffMember),
		console.Post(pathStaffNew, perm.StaffWrite, m.saveStaffMember),
		console.Get(pathStaffOne, perm.StaffRead, m.showStaffMember),
		console.Post(pathStaffOne, perm.StaffWrite, m.saveStaffMember),
		console.Post(pathStaffPass, perm.StaffWrite, m.resetStaffPassword),
		console.Post(pathStaffUnl, perm.StaffWrite, m.unlockStaff),
		console.Menu(console.Get(pathAudit, perm.AuditRead, m.showAudit), "admin.menu.audit", 80),
	}
}

// mountDeclared mounts the staff pages the modules of the list declared, each behind
// the permission check of its action (uploads admitted only to staff allowed it).
func (m *Module) mountDeclared(r fiber.Router) {
	for _, p := range m.d.Declared.StaffPages() {
		if p.Upload > 0 {
			act := p.Action
			m.d.Web.AdmitBody(p.Method, prefix+p.Path, web.BodyRule{Limit: p.Upload, Stream: true,
				Allow: func(c *fiber.Ctx) bool { return m.can(c, act) }})
		}
		r.Add(p.Method, p.Path, m.allow(p.Action), p.Handler)
	}
}

// menu is the console menu of the logged-in staff member: only what their role may open.
func (m *Module) menu(c *fiber.Ctx) []web.MenuItem {
	s := m.d.Web.Staff(c)
	if s == nil {
		return nil
	}
	var out []web.MenuItem
	for _, p := range m.d.Declared.StaffPages() {
		if p.Menu.Key != "" && perm.Allows(s.Role, p.Action) {
			out = append(out, web.MenuItem{Key: p.Menu.Key, Path: prefix + p.Path, Order: p.Menu.Order})
		}
	}
	return out
}
