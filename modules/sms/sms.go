// Package sms is the Send SMS tab of the client portal: a send form with a part
// counter and a monthly limit, a durable queue sent by a background worker through the
// HTTP gateway or SMPP transport chosen by sms_notify, and the client's telephone
// directory.
package sms

import (
	"embed"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Paths and templates.
const (
	pathSend        = "/sms"
	pathContacts    = "/sms/contacts"
	tplSend         = "sms/send"
	tplContacts     = "sms/contacts"
	tplContactForm  = "sms/contact_form"
	titleSend       = "sms.title"
	titleContacts   = "sms.contacts_title"
	titleContactNew = "sms.contact_new_title"
	titleContactEdt = "sms.contact_edit_title"
)

// files are the module's migrations, templates and locales (see app.Info.Embed).
//
//go:embed migrations templates locales
var files embed.FS

// Module is the SMS feature.
type Module struct {
	d      app.Deps
	worker *Worker
}

// New returns the module; it does no work (Boot calls it once just to read Info).
func New(d app.Deps) app.Module {
	m := &Module{d: d, worker: NewWorker(d)}
	if d.Hooks != nil {
		d.Hooks.Warnings = append(d.Hooks.Warnings, m.warnings)
		d.Hooks.SMS = m.queueNotice
	}
	return m
}

// Worker returns the queue's sender, for the CLI and tests.
func (m *Module) Worker() *Worker { return m.worker }

// Enabled reports whether clients may send SMS: ci_sms_enable is on and sms_notify
// names a transport that is configured well enough to send (a valid gateway template,
// an SMPP host). Otherwise messages would only pile up waiting, so the tab is hidden
// and its URLs answer 404.
func Enabled(st *settings.Store) bool {
	if !settings.SMSEnable.Get(st) {
		return false
	}
	kind, _, _, err := transportConfig(st)
	return kind != "" && err == nil
}

// enabledNow is Enabled memoised per settings revision: the menu asks it on every page,
// and checking the transport's configuration is not free.
func enabledNow(st *settings.Store) bool {
	on, _ := settings.Memo(st, "sms:enabled", func() (bool, error) { return Enabled(st), nil })
	return on
}

// Info declares the module.
func (m *Module) Info() app.Info {
	return app.Info{
		Name:       "sms",
		Prefix:     pathSend,
		Area:       app.Client,
		Gate:       func(c *fiber.Ctx) bool { return enabledNow(m.d.Settings) },
		Menu:       []web.MenuItem{{Key: "sms.menu", Path: pathSend, Order: 60}},
		Seed:       m.seed,
		Worker:     m.worker.Run,
		Commands:   commands(),
		StaffPages: m.staffPages(),
		Methods:    m.methods(),
		Card:       []app.CardSection{m.staffCard()},
		Export:     exportClient,
	}.Embed(files)
}

// Mount registers the routes under /sms.
func (m *Module) Mount(r fiber.Router) {
	r.Get("/", m.showSendForm)
	r.Post("/", m.sendMessage)
	r.Get("/contacts", m.showContactList)
	r.Get("/contacts/new", m.showContactForm)
	r.Post("/contacts/new", m.saveContact)
	r.Get("/contacts/:id/edit", m.showContactForm)
	r.Post("/contacts/:id/edit", m.saveContact)
	r.Post("/contacts/:id/delete", m.deleteContact)
}
