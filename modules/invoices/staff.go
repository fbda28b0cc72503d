package invoices

import (
	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
)

const tplStaffCard = "invoices/staff_card"

// staffCard is the invoices section of the staff client card: the client's latest
// invoices with their state (read only: invoices come from the billing system).
func (m *Module) staffCard() app.CardSection {
	return console.ListCard(m.d.Web, "invoices", 30, perm.InvoicesRead, "", tplStaffCard, func(c *fiber.Ctx, cl core.Client) ([]Invoice, error) {
		return ListInvoices(c.UserContext(), m.d.DB.R, cl.ID, Filter{Limit: 20, Today: m.d.Now()})
	})
}
