package auth

import (
	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/console"
)

// unlockClient handles POST /admin/clients/:id/unlock: clears the client's lockout
// (audited by Unlock as client.unlock).
func (m *Module) unlockClient(c *fiber.Ctx) error {
	cl, err := m.staffClient(c)
	if err != nil {
		return err
	}
	if err := Unlock(c.UserContext(), m.d, cl.ID, console.Actor(m.d.Web, c), m.d.Web.ClientIP(c)); err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "auth.staff.card.unlocked")
	return m.d.Web.Redirect(c, clientPath(cl.ID))
}

// resetFactor handles POST /admin/clients/:id/factor/reset: removes the client's second
// factors (audited as factor.reset, mailed to the client by ResetSecondFactor).
func (m *Module) resetFactor(c *fiber.Ctx) error {
	cl, err := m.staffClient(c)
	if err != nil {
		return err
	}
	had, err := ResetSecondFactor(c.UserContext(), m.d, cl.ID, console.Actor(m.d.Web, c), m.d.Web.ClientIP(c))
	if err != nil {
		return err
	}
	if had {
		m.d.Web.AddFlash(c, "ok", "auth.staff.factor.reset_done")
	} else {
		m.d.Web.AddFlash(c, "ok", "auth.staff.factor.none")
	}
	return m.d.Web.Redirect(c, clientPath(cl.ID))
}
