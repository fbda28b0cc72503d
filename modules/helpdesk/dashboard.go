package helpdesk

import (
	"html/template"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
)

// dashboardOpen is how many open tickets the dashboard card lists.
const dashboardOpen = 5

// dashboardCard declares the open-tickets card; it follows the helpdesk's gate (a
// department takes portal requests).
func (m *Module) dashboardCard() app.DashboardCard {
	return app.DashboardCard{Name: "helpdesk", Order: 50, Gate: m.gate, Render: func(c *fiber.Ctx) (template.HTML, error) {
		list, err := ListTickets(c.UserContext(), m.d.DB.R, TicketFilter{ClientID: m.d.Web.ClientID(c), Limit: 50})
		if err != nil {
			return "", err
		}
		open := make([]Ticket, 0, dashboardOpen)
		for _, t := range list {
			if t.State != StateClosed && len(open) < dashboardOpen {
				open = append(open, t)
			}
		}
		return m.d.Web.Partial(c, "helpdesk/dashboard", open, nil)
	}}
}
