package requests

import (
	"github.com/gofiber/fiber/v2"
)

// showRequestList lists the logged-in client's requests, newest first.
func (m *Module) showRequestList(c *fiber.Ctx) error {
	list, err := ListRequests(c.UserContext(), m.d.DB.R, Filter{ClientID: m.d.Web.ClientID(c)})
	if err != nil {
		return err
	}
	return m.d.Web.Show(c, tplList, "requests.title", list)
}
