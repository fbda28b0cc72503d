package helpdesk

import (
	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
)

// staffCard is the tickets section of the staff client card.
func (m *Module) staffCard() app.CardSection {
	return console.ListCard(m.d.Web, "tickets", 60, perm.TicketsRead, "", tplStaffCard, func(c *fiber.Ctx, cl core.Client) ([]Ticket, error) {
		return ListTickets(c.UserContext(), m.d.DB.R, TicketFilter{ClientID: cl.ID, Limit: 20})
	})
}
