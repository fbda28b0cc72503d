package info

import (
	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/perm"
)

// Console paths (below /admin) and templates of the staff messages.
const (
	pathStaffMessages = "/messages"
	tplStaffMessages  = "info/staff_messages"
	tplStaffCard      = "info/staff_card"
)

// staffPages are the console's messages: the list with the form for a new one (also
// posted from the client card) and the delete button.
func (m *Module) staffPages() []app.StaffPage {
	return []app.StaffPage{
		{Method: fiber.MethodGet, Path: pathStaffMessages, Action: perm.MessagesRead, Handler: m.showStaffMessages,
			Menu: app.MenuEntry{Key: "info.staff.menu", Order: 20}},
		{Method: fiber.MethodPost, Path: pathStaffMessages, Action: perm.MessagesWrite, Handler: m.createStaffMessage},
		{Method: fiber.MethodPost, Path: pathStaffMessages + "/:id/delete", Action: perm.MessagesWrite, Handler: m.deleteStaffMessage},
	}
}
