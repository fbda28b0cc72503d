package helpdesk

import (
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/perm"
)

// Console paths (below /admin) and templates of the staff helpdesk.
const (
	pathStaffTickets     = "/tickets"
	pathStaffDepartments = "/departments"
	tplStaffTickets      = "helpdesk/staff_tickets"
	tplStaffTicket       = "helpdesk/staff_ticket"
	tplStaffCard         = "helpdesk/staff_card"
)

// staffPages are the console's helpdesk: every department's tickets, one ticket with
// its reply form, and the departments form (administrators).
func (m *Module) staffPages() []app.StaffPage {
	return []app.StaffPage{
		console.Menu(console.Get(pathStaffTickets, perm.TicketsRead, m.showStaffTickets), "helpdesk.staff.menu", 25),
		console.Get(pathStaffTickets+"/:id", perm.TicketsRead, m.showStaffTicket),
		console.Post(pathStaffTickets+"/:id/reply", perm.TicketsWrite, m.replyStaffTicket),
		console.Post(pathStaffTickets+"/:id/edit", perm.TicketsWrite, m.editStaffTicket),
		console.Post(pathStaffTickets+"/:id/log", perm.TicketsWrite, m.logStaffTicket),
		console.Post(pathStaffDepartments, perm.DepartmentsWrite, m.saveStaffDepartment),
	}
}
