// Package vouchers lets staff generate batches of prepaid voucher codes (value,
// currency, expiry, count), export and void them, and a subscriber redeem a code: its
// value is credited to the balance as a payment with method "voucher". Codes are
// stored only as keyed hashes; wrong codes are locked out per client and per address.
package vouchers

import (
	"embed"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Paths and templates.
const (
	prefix = "/vouchers"

	tplRedeem     = "vouchers/redeem"
	tplStaff      = "vouchers/staff_vouchers"
	tplStaffCodes = "vouchers/staff_codes"
	pathStaff     = "/vouchers"
	pathStaffCSV  = "/vouchers/:id/csv"
	pathStaffVoid = "/vouchers/:id/void"
)

// files are the module's migrations, templates and locales (see app.Info.Embed).
//
//go:embed migrations templates locales
var files embed.FS

// Module is the Redeem voucher page and the console's voucher batches.
type Module struct{ d app.Deps }

// New builds the module; it does no work.
func New(d app.Deps) app.Module { return &Module{d: d} }

// Info declares the module.
func (m *Module) Info() app.Info {
	return app.Info{
		Name:       "vouchers",
		Prefix:     prefix,
		Area:       app.Client,
		Gate:       func(c *fiber.Ctx) bool { return settings.VouchersEnable.Get(m.d.Settings) },
		Menu:       []web.MenuItem{{Key: "vouchers.menu", Path: prefix, Order: 33}},
		Seed:       m.seed,
		Commands:   m.commands(),
		StaffPages: m.staffPages(),
		Methods:    m.methods(),
	}.Embed(files)
}

// Mount registers the subscriber's routes.
func (m *Module) Mount(r fiber.Router) {
	r.Get("/", m.showRedeem)
	r.Post("/", m.redeem)
}
