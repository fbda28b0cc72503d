package admin

import (
	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
)

// showStaff renders GET /admin/staff: the accounts (managed with `portal staff`).
func (m *Module) showStaff(c *fiber.Ctx) error {
	list, err := core.StaffList(c.UserContext(), m.d.DB.R)
	if err != nil {
		return err
	}
	return m.d.Web.Show(c, tplStaff, "admin.staff.title", list)
}
