package admin

import (
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/modules/helpdesk"
)

// cardTickets is the tickets section of the staff client card.
func (m *Module) cardTickets() app.CardSection {
	return app.CardSection{Name: "tickets", Order: 60, Action: perm.TicketsRead,
		Render: func(c *fiber.Ctx, cl core.Client, errs map[string]string) (template.HTML, error) {
			ctx, q := c.UserContext(), m.d.DB.R
			list, err := helpdesk.ListTickets(ctx, q, helpdesk.TicketFilter{ClientID: cl.ID, Limit: 20})
			if err != nil {
				return "", err
			}
			return m.d.Web.Partial(c, "admin/card_tickets", cardData{Client: cl, List: list, Can: false}, errs)
		}}
}
