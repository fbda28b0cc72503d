package requests

import (
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/perm"
)

// Console paths (below /admin) and templates of the staff side.
const (
	pathStaffRequests = "/requests"
	tplStaffRequests  = "requests/staff_requests"
	tplStaffRequest   = "requests/staff_request"
	titleStaffList    = "requests.staff.title"
	titleStaffRequest = "requests.staff.request"
)

// staffPages are the console's support requests: the list (by state, or the staff
// member's own), one request with its history, and the change form.
func (m *Module) staffPages() []app.StaffPage {
	return []app.StaffPage{
		console.Menu(console.Get(pathStaffRequests, perm.RequestsRead, m.showStaffRequests), "requests.staff.menu", 26),
		console.Get(pathStaffRequests+"/:id", perm.RequestsRead, m.showStaffRequest),
		console.Post(pathStaffRequests+"/:id", perm.RequestsWrite, m.saveStaffRequest),
	}
}
