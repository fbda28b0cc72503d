package helpdesk

import (
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
)

// staffCardData is what the card section sees: the client and its newest tickets.
type staffCardData struct {
	Client core.Client
	List   []Ticket
}

// staffCard is the tickets section of the staff client card.
func (m *Module) staffCard() app.CardSection {
	return app.CardSection{Name: "tickets", Order: 60, Action: perm.TicketsRead,
		Render: func(c *fiber.Ctx, cl core.Client, errs map[string]string) (template.HTML, error) {
			list, err := ListTickets(c.UserContext(), m.d.DB.R, TicketFilter{ClientID: cl.ID, Limit: 20})
			if err != nil {
				return "", err
			}
			return m.d.Web.Partial(c, tplStaffCard, staffCardData{Client: cl, List: list}, errs)
		}}
}
