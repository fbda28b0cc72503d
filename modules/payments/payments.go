// Package payments takes money online: a subscriber pays an unpaid invoice (its open
// amount) or refills the balance (an amount within the staff's bounds) through a
// provider's hosted payment page (Stripe Checkout). The return redirect and the
// provider's signed webhook both confirm a payment; it is recorded once, through
// app.Hooks.Money, in whichever order they come.
package payments

import (
	"embed"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/outbox"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Paths below the prefix, and templates.
const (
	prefix = "/pay"

	pathPay           = "/"
	pathPayInvoice    = "/invoice/:id"
	pathRefill        = "/refill"
	pathReturn        = "/return/:id"
	pathCancel        = "/cancel/:id"
	pathAttempt       = "/attempt/:id"
	pathWebhookStripe = "/webhook/stripe"
	pathWebhookPayPal = "/webhook/paypal"

	tplPay     = "payments/pay"
	tplAttempt = "payments/attempt"
	tplLink    = "payments/link"

	// startLimit is how many payments one address may start per hour.
	startLimit = 30
)

// files are the module's migrations, templates and locales (see app.Info.Embed).
//
//go:embed migrations templates locales
var files embed.FS

// Module is the Pay online page and the providers' webhooks.
type Module struct {
	d app.Deps
	// tokens keeps PayPal's access token between requests.
	tokens tokenCache
	// claimant names this instance's claims of autopay charges (outbox.NewClaimant).
	claimant string
}

// New builds the module; it does no work.
func New(d app.Deps) app.Module {
	m := &Module{d: d, claimant: outbox.NewClaimant()}
	if d.Hooks != nil { // nil while Boot only reads Info
		d.Hooks.PayLink = m.hookPayLink
		d.Hooks.PayPath = m.hookPayPath
	}
	return m
}

// Info declares the module. It is Public because the webhook has no session; the
// subscriber's pages require a login route by route (see Mount).
func (m *Module) Info() app.Info {
	return app.Info{
		Name:   "payments",
		Prefix: prefix,
		Area:   app.Public,
		Gate:   func(c *fiber.Ctx) bool { return settings.PaymentsEnable.Get(m.d.Settings) },
		Menu:   []web.MenuItem{{Key: "payments.menu", Path: prefix, Order: 32}},
		Seed:   m.seed,

		Methods:      m.methods(),
		StaffPages:   m.staffPages(),
		Card:         []app.CardSection{m.staffCard()},
		Worker:       m.worker,
		Commands:     m.commands(),
		MailDefaults: registerMailDefaults,
		Secrets:      []string{secretPayLink},
	}.Embed(files)
}

// Mount registers the routes.
func (m *Module) Mount(r fiber.Router) {
	m.d.Web.Webhook(prefix + pathWebhookStripe)
	r.Post(pathWebhookStripe, m.stripeWebhook)
	m.d.Web.Webhook(prefix + pathWebhookPayPal)
	r.Post(pathWebhookPayPal, m.paypalWebhook)
	r.Get(pathLink, m.showLink)
	r.Post(pathLink, m.d.Web.RateLimit("payments-link", startLimit, time.Hour), m.payLink)
	login := m.d.Web.RequireClient()
	limit := m.d.Web.RateLimit("payments-start", startLimit, time.Hour)
	r.Get(pathPay, login, m.showPay)
	// Other pages (the dashboard, an invoice) link here by address: the same page,
	// whose forms post.
	r.Get(pathPayInvoice, login, m.showPay)
	r.Get(pathRefill, login, m.showPay)
	r.Post(pathPayInvoice, login, limit, m.payInvoice)
	r.Post(pathRefill, login, limit, m.refill)
	r.Get(pathReturn, login, m.returned)
	r.Get(pathCancel, login, m.cancelled)
	r.Get(pathAttempt, login, m.showAttempt)
	r.Get(pathAutopay, login, m.showAutopay)
	r.Post(pathAutopaySetup, login, limit, m.setupAutopay)
	r.Post(pathAutopayRemove, login, m.removeAutopay)
}
