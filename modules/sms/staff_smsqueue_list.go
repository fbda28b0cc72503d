package sms

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/perm"
)

// staffQueueData is the console's SMS queue page.
type staffQueueData struct {
	Status   string
	Statuses []string
	Messages []Message
	CanWrite bool
}

// showStaffQueue renders GET /admin/tools/sms?status=: the newest 200 SMS of every
// client with their delivery state and last error.
func (m *Module) showStaffQueue(c *fiber.Ctx) error { return m.renderStaffQueue(c, nil, nil) }

// renderStaffQueue renders the queue, with the test form's errors when errs is set.
func (m *Module) renderStaffQueue(c *fiber.Ctx, errs, form map[string]string) error {
	d := staffQueueData{Status: c.Query("status"), CanWrite: console.Can(m.d.Web, c, perm.ToolsWrite),
		Statuses: []string{"queued", "sending", "sent", "failed"}}
	if !slices.Contains(d.Statuses, d.Status) {
		d.Status = ""
	}
	list, err := ListQueue(c.UserContext(), m.d.DB.R, d.Status, 200)
	if err != nil {
		return err
	}
	d.Messages = list
	if errs != nil {
		return m.d.Web.FormError(c, tplStaffQueue, "sms.staff.title", d, errs, form)
	}
	return m.d.Web.Show(c, tplStaffQueue, "sms.staff.title", d)
}
