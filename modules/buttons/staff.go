package buttons

import (
	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/perm"
)

// Console paths of the buttons page, below /admin.
const (
	pathStaffButtons = "/buttons"
	pathStaffDelete  = "/buttons/:id/delete"
	tplStaffButtons  = "buttons/staff_buttons"
)

// staffPages are the module's staff console pages; the console mounts them and
// checks each action.
func (m *Module) staffPages() []app.StaffPage {
	return []app.StaffPage{
		{Method: fiber.MethodGet, Path: pathStaffButtons, Action: perm.ButtonsRead, Handler: m.showButtons,
			Menu: app.MenuEntry{Key: "buttons.staff.menu", Order: 42}},
		{Method: fiber.MethodPost, Path: pathStaffButtons, Action: perm.ButtonsWrite, Handler: m.saveButton},
		{Method: fiber.MethodPost, Path: pathStaffDelete, Action: perm.ButtonsWrite, Handler: m.deleteButton},
	}
}
