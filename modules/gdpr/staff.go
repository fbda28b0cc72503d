package gdpr

import (
	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
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
		{Method: fiber.MethodGet, Path: pathStaffConsents, Action: perm.ConsentsRead, Handler: m.showStaffConsents,
			Menu: app.MenuEntry{Key: "gdpr.staff.menu", Order: 44}},
		{Method: fiber.MethodPost, Path: pathStaffConsents, Action: perm.ConsentsWrite, Handler: m.addConsentDocument},
		{Method: fiber.MethodPost, Path: pathStaffVersion, Action: perm.ConsentsWrite, Handler: m.addConsentVersion},
		{Method: fiber.MethodPost, Path: pathStaffActive, Action: perm.ConsentsWrite, Handler: m.setConsentActive},
	}
}
