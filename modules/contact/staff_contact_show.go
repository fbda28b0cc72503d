package contact

import (
	"html/template"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/htmlsafe"
	"github.com/ispportal/portal/settings"
)

// staffContactRow is the contact text one invoice group's clients see.
type staffContactRow struct {
	Group core.InvoiceGroup
	Own   bool // the group has its own text (else the default applies)
	Text  template.HTML
}

// staffContactData is the contact texts overview.
type staffContactData struct {
	Default template.HTML
	Groups  []staffContactRow
}

// showStaffContact renders GET /admin/contact: the default contact text (ci_contact_text)
// and, per invoice group, whether it has its own; editing happens on the settings
// page, globally or with the group selected.
func (m *Module) showStaffContact(c *fiber.Ctx) error {
	groups, err := core.Groups(c.UserContext(), m.d.DB.R)
	if err != nil {
		return err
	}
	d := staffContactData{Default: htmlsafe.Sanitize(settings.ContactText.Get(m.d.Settings))}
	for _, g := range groups {
		_, own := m.d.Settings.Value(settings.ContactText.Def, g.ID)
		d.Groups = append(d.Groups, staffContactRow{Group: g, Own: own, Text: htmlsafe.Sanitize(settings.ContactText.For(m.d.Settings, g.ID))})
	}
	return m.d.Web.Show(c, tplStaffContact, "contact.staff.title", d)
}
