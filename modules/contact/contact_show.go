package contact

import (
	"errors"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/htmlsafe"
	"github.com/ispportal/portal/settings"
)

// contactPage is the view model: the sanitised text, or the supplier when there is none.
type contactPage struct {
	Text     template.HTML
	Supplier *core.InvoiceGroup
}

// showContact renders the contact text for the client's invoice group.
func (m *Module) showContact(c *fiber.Ctx) error {
	cl := m.d.Web.Client(c)
	if cl == nil {
		return fiber.ErrUnauthorized
	}
	var p contactPage
	p.Text = htmlsafe.Sanitize(settings.ContactText.For(m.d.Web.SettingsOf(c), cl.InvoiceGroupID))
	if strings.TrimSpace(string(p.Text)) == "" {
		p.Text = ""
		if cl.InvoiceGroupID != 0 {
			g, err := core.GroupByID(c.UserContext(), m.d.DB.R, cl.InvoiceGroupID)
			if err != nil && !errors.Is(err, core.ErrNotFound) {
				return err
			}
			if err == nil {
				p.Supplier = &g
			}
		}
	}
	return m.d.Web.Show(c, tplShow, "contact.title", p)
}
