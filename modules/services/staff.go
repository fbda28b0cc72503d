package services

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/perm"
)

// Console paths (below /admin) and templates of the services module.
const (
	pathStaffTariffs     = "/tariffs"
	pathStaffServices    = "/services"
	pathStaffServiceEdit = "/services/:id/edit"
	pathStaffServiceNew  = "/clients/:id/services/new"
	pathStaffSheet       = "/clients/:id/sheet.pdf"

	tplStaffTariffs = "services/staff_tariffs"
	tplStaffList    = "services/staff_services"
	tplStaffService = "services/staff_service"
)

// staffPages are the console's tariffs and services pages and the client card's
// configuration sheet; the console mounts them behind their actions.
func (m *Module) staffPages() []app.StaffPage {
	return []app.StaffPage{
		console.Menu(console.Get(pathStaffServices, perm.ServicesRead, m.showStaffServices), "services.staff.menu", 12),
		console.Menu(console.Get(pathStaffTariffs, perm.ServicesRead, m.showStaffTariffs), "services.staff.tariffs_menu", 14),
		console.Post(pathStaffTariffs, perm.ServicesWrite, m.saveStaffTariff),
		console.Get(pathStaffServiceNew, perm.ServicesWrite, m.showStaffServiceNew),
		console.Post(pathStaffServiceNew, perm.ServicesWrite, m.saveStaffService),
		console.Get(pathStaffServiceEdit, perm.ServicesWrite, m.showStaffServiceEdit),
		console.Post(pathStaffServiceEdit, perm.ServicesWrite, m.saveStaffService),
		console.Get(pathStaffSheet, perm.ServicesRead, m.downloadStaffSheet),
	}
}

// formInt reads a non-negative whole number field; "" is 0. ok is false for anything
// else (a sign, letters, an absurd size).
func formInt(c *fiber.Ctx, name string) (string, int64, bool) {
	v := strings.TrimSpace(c.FormValue(name))
	if v == "" {
		return v, 0, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return v, n, err == nil && n >= 0 && n <= 1<<40
}

// formCheck reads the last value of a checkbox that follows its hidden "0".
func formCheck(c *fiber.Ctx, name string) bool {
	vs := c.Request().PostArgs().PeekMulti(name)
	return len(vs) > 0 && string(vs[len(vs)-1]) == "1"
}
