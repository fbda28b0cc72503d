package helpdesk

import "github.com/gofiber/fiber/v2"

// showTicketList lists the client's tickets from every department.
func (m *Module) showTicketList(c *fiber.Ctx) error {
	list, err := ListTickets(c.UserContext(), m.d.DB.R, TicketFilter{ClientID: m.d.Web.ClientID(c)})
	if err != nil {
		return err
	}
	return m.d.Web.Show(c, tplList, titleList, list)
}
