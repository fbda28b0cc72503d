package helpdesk

import (
	"database/sql"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
)

// saveStaffDepartment handles POST /admin/departments: a new department (id empty) or
// a changed one, with its "use for portal requests" flag.
func (m *Module) saveStaffDepartment(c *fiber.Ctx) error {
	ctx := c.UserContext()
	name, bad := web.FormLine(c.FormValue("name"))
	if bad != "" {
		return m.renderStaffTickets(c, map[string]string{"name": bad}, map[string]string{"name": name})
	}
	dep := Department{Name: name, PortalRequests: c.FormValue("portal") == "1"}
	if raw := c.FormValue("id"); raw != "" && raw != "0" {
		id, ok := core.ParseID(raw)
		if !ok {
			return fiber.ErrNotFound
		}
		dep.ID = id
	}
	err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		id, err := SaveDepartmentChecked(ctx, tx, dep, m.d.Now())
		if err != nil {
			return err
		}
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), "department.save", 0, "department "+strconv.FormatInt(id, 10)+": "+dep.Name+
			" portal="+strconv.FormatBool(dep.PortalRequests))
	})
	if key := fieldKey(err); key != "" {
		return m.renderStaffTickets(c, map[string]string{"name": key}, map[string]string{"name": dep.Name})
	}
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "form.saved")
	return m.d.Web.Redirect(c, console.Path(pathStaffTickets))
}
