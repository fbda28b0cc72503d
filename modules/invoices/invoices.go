// Package invoices is the Invoicing tab: the client's invoices with their detail, PDF
// download (the billing system's PDF or one generated here), the balance, payments and
// how to pay an unpaid invoice, with a payment QR code. Staff feed it through the CLI
// (and later the console and API) with the exported store functions.
package invoices

import (
	"embed"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Paths, relative to the module prefix, and template names.
const (
	prefix = "/invoices"

	pathList     = "/"
	pathPayments = "/payments"
	pathShow     = "/:id"
	pathPDF      = "/:id/pdf"
	pathQR       = "/:id/qr.png"

	tplList       = "invoices/list"
	tplShow       = "invoices/show"
	tplPayments   = "invoices/payments"
	tplPDFMissing = "invoices/pdf_missing"

	perPage = 20
)

// files are the module's migrations, templates and locales (see app.Info.Embed).
//
//go:embed migrations templates locales
var files embed.FS

// Module is the Invoicing tab.
type Module struct{ d app.Deps }

// New builds the module; it does no work (Boot calls it once just to read Info).
func New(d app.Deps) app.Module {
	if d.Hooks != nil {
		d.Hooks.Money = moneyHook(d.Hooks)
	}
	return &Module{d: d}
}

// Info declares the module.
func (m *Module) Info() app.Info {
	return app.Info{
		Name:   "invoices",
		Prefix: prefix,
		Area:   app.Client,
		Gate:   func(c *fiber.Ctx) bool { return settings.DisplayInvoicesTab.Get(m.d.Web.SettingsOf(c)) },
		Menu:   []web.MenuItem{{Key: "invoices.menu", Path: prefix, Order: 30}},

		Seed:     m.seed,
		Commands: m.commands(),

		Methods:    m.methods(),
		FileKinds:  []app.FileKind{m.fileKind()},
		Card:       []app.CardSection{m.staffCard()},
		Dashboard:  []app.DashboardCard{m.dashboardCard()},
		Export:     exportClient,
		StaffPages: m.staffImportPages(),
	}.Embed(files)
}

// Mount registers the routes. /payments comes before /:id, which would not match it
// anyway because ids are parsed strictly.
func (m *Module) Mount(r fiber.Router) {
	r.Get(pathList, m.showInvoiceList)
	r.Get(pathPayments, m.showPaymentList)
	r.Get(pathShow, m.showInvoice)
	r.Get(pathPDF, m.downloadInvoicePDF)
	r.Get(pathQR, m.serveInvoiceQR)
}

// today is the current calendar day in the server's time zone.
func (m *Module) today() time.Time {
	now := m.d.Now()
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}
