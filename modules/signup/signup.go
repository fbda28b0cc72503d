// Package signup lets a visitor create an account themselves (issue 21, the seed's
// "Customer Signup" with a template customer): a form with the password policy, the
// consents the template customer gave, a honeypot and per-address limits; a link in
// an e-mail confirms the address and creates the client from the template customer
// (its fields, services, consents and a starting credit in the chosen currency). An
// address that already belongs to a client gets the same answer on the page and a
// mail to its owner instead, so the form tells nobody which addresses are clients.
// Staff and the billing system see the sign-ups and approve or reject them.
package signup

import (
	"embed"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/settings"
)

// Paths and templates.
const (
	prefix     = "/signup"
	pathVerify = "/signup/verify"

	tplForm     = "signup/form"
	tplSent     = "signup/sent"
	tplConfirm  = "signup/confirm"
	tplDone     = "signup/done"
	tplBadLink  = "signup/badlink"
	tplStaff    = "signup/staff_signups"
	pathStaff   = "/signups"
	pathApprove = "/signups/:id/approve"
	pathReject  = "/signups/:id/reject"
)

// Limits.
const (
	// LinkTTL is how long a confirmation link works.
	LinkTTL = 24 * time.Hour
	// submitRate form submissions per address per submitPeriod; verifyRate
	// confirmations likewise.
	submitRate   = 5
	submitPeriod = 10 * time.Minute
	verifyRate   = 20
)

//go:embed migrations templates locales
var files embed.FS

// Module is the sign-up form, its confirmation and the console's Sign-ups page.
type Module struct{ d app.Deps }

// New returns the module; it does no work.
func New(d app.Deps) app.Module { return &Module{d: d} }

// Info declares the module.
func (m *Module) Info() app.Info {
	return app.Info{
		Name:         "signup",
		Prefix:       prefix,
		Area:         app.Public,
		Gate:         func(c *fiber.Ctx) bool { return m.open(m.d.Web.SettingsOf(c)) },
		Seed:         m.seed,
		Commands:     m.commands(),
		StaffPages:   m.staffPages(),
		Methods:      m.methods(),
		MailDefaults: registerMailDefaults,
		Export:       exportClient,
	}.Embed(files)
}

// open reports whether a visitor may sign up with st, the settings of the brand the
// form is on: the setting is on, a template customer is named, and what the
// confirmation needs is there (the password store of auth, a link base for the mail
// and a sender).
func (m *Module) open(st *settings.Store) bool {
	return settings.SignupEnable.Get(st) && settings.SignupTemplateClient.Get(st) != "" &&
		m.d.Hooks != nil && m.d.Hooks.SetPassword != nil && settings.PortalBase(st) != "" &&
		settings.SystemMail.Get(st) != ""
}

// Mount registers the visitor's routes: the form and the confirmation.
func (m *Module) Mount(r fiber.Router) {
	w := m.d.Web
	r.Get("/", m.showForm)
	r.Post("/", w.RateLimit("signup-submit", submitRate, submitPeriod), m.submitForm)
	r.Get("/verify", m.showConfirm)
	r.Post("/verify", w.RateLimit("signup-verify", verifyRate, submitPeriod), m.confirm)
}

// kickMail wakes the mail worker after a commit that queued mail.
func (m *Module) kickMail() {
	if m.d.KickMail != nil {
		m.d.KickMail()
	}
}
