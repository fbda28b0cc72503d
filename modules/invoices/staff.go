package invoices

import (
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
)

const tplStaffCard = "invoices/staff_card"

// staffCardData is what the card section shows.
type staffCardData struct {
	Client core.Client
	List   []Invoice
}

// staffCard is the invoices section of the staff client card: the client's latest
// invoices with their state (read only: invoices come from the billing system).
func (m *Module) staffCard() app.CardSection {
	return app.CardSection{Name: "invoices", Order: 30, Action: perm.InvoicesRead,
		Render: func(c *fiber.Ctx, cl core.Client, errs map[string]string) (template.HTML, error) {
			list, err := ListInvoices(c.UserContext(), m.d.DB.R, cl.ID, Filter{Limit: 20, Today: m.d.Now()})
			if err != nil {
				return "", err
			}
			return m.d.Web.Partial(c, tplStaffCard, staffCardData{Client: cl, List: list}, errs)
		}}
}
