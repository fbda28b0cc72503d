// Package contact is the Contact page: a rich text staff write in the settings
// (ci_contact_text, a default plus optional texts per invoice group), or, when none is
// written, the supplier details of the client's invoice group.
package contact

import (
	"embed"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

// Paths and templates.
const (
	pathContact = "/contact"
	tplShow     = "contact/show"

	tplStaffContact = "contact/staff_contact"
)

// files are the module's templates and locales (see app.Info.Embed).
//
//go:embed templates locales
var files embed.FS

// Module is the Contact page.
type Module struct{ d app.Deps }

// New returns the module; it does no work.
func New(d app.Deps) app.Module { return &Module{d: d} }

// Info declares the module.
func (m *Module) Info() app.Info {
	return app.Info{
		Name:     "contact",
		Prefix:   pathContact,
		Area:     app.Client,
		Menu:     []web.MenuItem{{Key: "contact.menu", Path: pathContact, Order: 90}},
		Seed:     m.seed,
		Commands: m.commands(),
		// The overview of the contact texts in the staff console (editing is on the
		// settings page).
		StaffPages: []app.StaffPage{{Method: fiber.MethodGet, Path: pathContact, Action: perm.ContactRead, Handler: m.showStaffContact,
			Menu: app.MenuEntry{Key: "contact.staff.menu", Order: 46}}},
	}.Embed(files)
}

// Mount registers the routes.
func (m *Module) Mount(r fiber.Router) {
	r.Get("/", m.showContact)
}
