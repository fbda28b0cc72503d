package admin

import (
	"html/template"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/htmlsafe"
	"github.com/ispportal/portal/settings"
)

// contactRow is the contact text one invoice group's clients see.
type contactRow struct {
	Group core.InvoiceGroup
	Own   bool // the group has its own text (else the default applies)
	Text  template.HTML
}

// contactData is the contact texts overview.
type contactData struct {
	Default template.HTML
	Groups  []contactRow
}

// showContact renders GET /admin/contact: the default contact text (ci_contact_text)
// and, per invoice group, whether it has its own; editing happens on the settings
// page, globally or with the group selected.
func (m *Module) showContact(c *fiber.Ctx) error {
	groups, err := core.Groups(c.UserContext(), m.d.DB.R)
	if err != nil {
		return err
	}
	d := contactData{Default: htmlsafe.Sanitize(settings.ContactText.Get(m.d.Settings))}
	for _, g := range groups {
		_, own := m.d.Settings.Value(settings.ContactText.Def, g.ID)
		d.Groups = append(d.Groups, contactRow{Group: g, Own: own, Text: htmlsafe.Sanitize(settings.ContactText.For(m.d.Settings, g.ID))})
	}
	return m.d.Web.Show(c, tplContact, "admin.contact.title", d)
}
