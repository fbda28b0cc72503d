package admin

import (
	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/web"
)

// submitLogout ends the staff session (server side) and goes to the login form. A
// view-as-client session in the same browser is a client session and is left alone.
func (m *Module) submitLogout(c *fiber.Ctx) error {
	if s := m.d.Web.Staff(c); s != nil {
		if err := m.auditNow(c, "staff.logout", 0, ""); err != nil {
			return err
		}
	}
	m.d.Web.EndSession(c, web.KindStaff)
	return m.d.Web.Redirect(c, prefix+pathLogin)
}
