package gdpr

import (
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/perm"
)

// Console paths of the consent documents page, below /admin.
const (
	pathStaffConsents = "/consents"
	pathStaffVersion  = "/consents/:id/version"
	pathStaffActive   = "/consents/:id/active"
	tplStaffConsents  = "gdpr/staff_consents"
	tplStaffCard      = "gdpr/staff_card"
)

// staffPages are the module's staff console pages; the console mounts them and
// checks each action.
func (m *Module) staffPages() []app.StaffPage {
	return []app.StaffPage{
		console.Menu(console.Get(pathStaffConsents, perm.ConsentsRead, m.showStaffConsents), "gdpr.staff.menu", 44),
		console.Post(pathStaffConsents, perm.ConsentsWrite, m.addConsentDocument),
		console.Post(pathStaffVersion, perm.ConsentsWrite, m.addConsentVersion),
		console.Post(pathStaffActive, perm.ConsentsWrite, m.setConsentActive),
		console.Menu(console.Get(pathStaffRequests, perm.PrivacyRead, m.showStaffRequests), "gdpr.staff.menu_requests", 45),
		console.Post(pathStaffRequest, perm.PrivacyWrite, m.saveStaffRequest),
		console.Post(pathStaffExport, perm.ClientsRead, m.staffExport),
	}
}
