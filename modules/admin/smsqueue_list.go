package admin

import (
	"slices"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/modules/sms"
)

// smsQueueData is the SMS queue page.
type smsQueueData struct {
	Status   string
	Statuses []string
	Messages []sms.Message
	CanWrite bool
}

// showSMSQueue renders GET /admin/tools/sms?status=: the newest 200 SMS of every
// client with their delivery state and last error.
func (m *Module) showSMSQueue(c *fiber.Ctx) error {
	d := smsQueueData{Status: c.Query("status"), CanWrite: m.can(c, perm.ToolsWrite),
		Statuses: []string{"queued", "sending", "sent", "failed"}}
	if !slices.Contains(d.Statuses, d.Status) {
		d.Status = ""
	}
	list, err := sms.ListQueue(c.UserContext(), m.d.DB.R, d.Status, 200)
	if err != nil {
		return err
	}
	d.Messages = list
	return m.d.Web.Show(c, tplSMSQueue, "admin.smsqueue.title", d)
}
