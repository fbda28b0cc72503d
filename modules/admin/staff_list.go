package admin

import (
	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
)

// showStaff renders GET /admin/staff: the accounts, each linked to its page.
func (m *Module) showStaff(c *fiber.Ctx) error {
	list, err := core.StaffList(c.UserContext(), m.d.DB.R)
	if err != nil {
		return err
	}
	return m.d.Web.Show(c, tplStaff, "admin.staff.title", struct {
		List     []core.Staff
		CanWrite bool
	}{list, m.can(c, perm.StaffWrite)})
}
