package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/modules/auth"
)

// unlockClient handles POST /admin/clients/:id/unlock: clears the client's lockout
// (audited by auth.Unlock as client.unlock).
func (m *Module) unlockClient(c *fiber.Ctx) error {
	cl, err := m.clientParam(c)
	if err != nil {
		return err
	}
	if err := auth.Unlock(c.UserContext(), m.d, cl.ID, m.actor(c), m.d.Web.ClientIP(c)); err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "admin.client.unlocked")
	return m.d.Web.Redirect(c, prefix+pathClients+"/"+strconv.FormatInt(cl.ID, 10))
}
