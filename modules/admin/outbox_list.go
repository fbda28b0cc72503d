package admin

import (
	"slices"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/mail"
)

// outboxData is the mail outbox page.
type outboxData struct {
	Status   string
	Statuses []string
	Mails    []mail.Entry
	CanWrite bool
}

// showOutbox renders GET /admin/tools/outbox?status=: the newest 200 mails without
// bodies; each links to its page (showMail).
func (m *Module) showOutbox(c *fiber.Ctx) error {
	d := outboxData{Status: c.Query("status"), CanWrite: m.canWrite(c, areaAdmin),
		Statuses: []string{mail.StatusQueued, mail.StatusSending, mail.StatusSent, mail.StatusFailed}}
	if !slices.Contains(d.Statuses, d.Status) {
		d.Status = ""
	}
	list, err := mail.List(c.UserContext(), m.d.DB.R, mail.ListFilter{Status: d.Status, Limit: 200})
	if err != nil {
		return err
	}
	d.Mails = list
	return m.d.Web.Show(c, tplOutbox, "admin.outbox.title", d)
}
