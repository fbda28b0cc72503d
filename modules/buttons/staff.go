package buttons

import (
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
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
		console.Menu(console.Get(pathStaffButtons, perm.ButtonsRead, m.showButtons), "buttons.staff.menu", 42),
		console.Post(pathStaffButtons, perm.ButtonsWrite, m.saveButton),
		console.Post(pathStaffDelete, perm.ButtonsWrite, m.deleteButton),
	}
}
