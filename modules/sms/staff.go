package sms

import (
	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/perm"
)

// Console path (below /admin, among the tools) and templates of the SMS queue.
const (
	pathStaffQueue = "/tools/sms"
	tplStaffQueue  = "sms/staff_smsqueue"
	tplStaffCard   = "sms/staff_card"
)

// staffPages are the console's SMS queue and its retry action, tools of the
// administrator (reached from the tools page, no menu line of their own).
func (m *Module) staffPages() []app.StaffPage {
	return []app.StaffPage{
		{Method: fiber.MethodGet, Path: pathStaffQueue, Action: perm.ToolsRead, Handler: m.showStaffQueue},
		{Method: fiber.MethodPost, Path: pathStaffQueue + "/:id/retry", Action: perm.ToolsWrite, Handler: m.retryStaffQueue},
	}
}
