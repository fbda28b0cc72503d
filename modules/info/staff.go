package info

import (
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
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
		console.Menu(console.Get(pathStaffMessages, perm.MessagesRead, m.showStaffMessages), "info.staff.menu", 20),
		console.Post(pathStaffMessages, perm.MessagesWrite, m.createStaffMessage),
		console.Post(pathStaffMessages+"/:id/delete", perm.MessagesWrite, m.deleteStaffMessage),
	}
}
