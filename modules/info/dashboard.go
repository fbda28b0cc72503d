package info

import (
	"html/template"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
)

// dashboardUnread is how many unread messages the dashboard card lists.
const dashboardUnread = 3

// dashboardCard declares the unread-messages card (the information page is always
// on, so is the card).
func (m *Module) dashboardCard() app.DashboardCard {
	return app.DashboardCard{Name: "info", Order: 60, Render: func(c *fiber.Ctx) (template.HTML, error) {
		cl := m.d.Web.Client(c)
		if cl == nil {
			return "", fiber.ErrUnauthorized
		}
		data := struct {
			Unread []MessageLine
			Count  int
		}{}
		var err error
		data.Unread, data.Count, err = UnreadMessages(c.UserContext(), m.d.DB.R, cl.ID, cl.InvoiceGroupID, m.d.Now(), dashboardUnread)
		if err != nil {
			return "", err
		}
		return m.d.Web.Partial(c, "info/dashboard", data, nil)
	}}
}
