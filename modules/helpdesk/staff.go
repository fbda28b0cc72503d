package helpdesk

import (
	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
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
		{Method: fiber.MethodGet, Path: pathStaffTickets, Action: perm.TicketsRead, Handler: m.showStaffTickets,
			Menu: app.MenuEntry{Key: "helpdesk.staff.menu", Order: 25}},
		{Method: fiber.MethodGet, Path: pathStaffTickets + "/:id", Action: perm.TicketsRead, Handler: m.showStaffTicket},
		{Method: fiber.MethodPost, Path: pathStaffTickets + "/:id/reply", Action: perm.TicketsWrite, Handler: m.replyStaffTicket},
		{Method: fiber.MethodPost, Path: pathStaffDepartments, Action: perm.DepartmentsWrite, Handler: m.saveStaffDepartment},
	}
}
