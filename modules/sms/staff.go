package sms

import (
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
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
		console.Get(pathStaffQueue, perm.ToolsRead, m.showStaffQueue),
		console.Post(pathStaffQueue+"/:id/retry", perm.ToolsWrite, m.retryStaffQueue),
		console.Post(pathStaffQueue+"/test", perm.ToolsWrite, m.sendStaffTest),
	}
}
