package admin

import (
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/modules/invoices"
)

// cardInvoices is the invoices section of the staff client card.
func (m *Module) cardInvoices() app.CardSection {
	return app.CardSection{Name: "invoices", Order: 30, Action: perm.InvoicesRead,
		Render: func(c *fiber.Ctx, cl core.Client, errs map[string]string) (template.HTML, error) {
			ctx, q := c.UserContext(), m.d.DB.R
			list, err := invoices.ListInvoices(ctx, q, cl.ID, invoices.Filter{Limit: 20, Today: m.d.Now()})
			if err != nil {
				return "", err
			}
			return m.d.Web.Partial(c, "admin/card_invoices", cardData{Client: cl, List: list, Can: false}, errs)
		}}
}
