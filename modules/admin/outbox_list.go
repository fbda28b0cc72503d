package admin

import (
	"slices"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/perm"
)

// outboxData is the mail outbox page.
type outboxData struct {
	Status   string
	Statuses []string
	Mails    []outboxRow
	CanWrite bool
}

// outboxRow is a mail with its client's number ("" when the client was deleted).
type outboxRow struct {
	mail.Entry
	ClientNumber string
}

// showOutbox renders GET /admin/tools/outbox?status=: the newest 200 mails without
// bodies; each links to its page (showMail).
func (m *Module) showOutbox(c *fiber.Ctx) error { return m.renderOutbox(c, nil, nil) }

// renderOutbox renders the outbox, with the test form's errors when errs is set.
func (m *Module) renderOutbox(c *fiber.Ctx, errs, form map[string]string) error {
	d := outboxData{Status: c.Query("status"), CanWrite: m.can(c, perm.ToolsWrite),
		Statuses: []string{mail.StatusQueued, mail.StatusSending, mail.StatusSent, mail.StatusFailed}}
	if !slices.Contains(d.Statuses, d.Status) {
		d.Status = ""
	}
	ctx := c.UserContext()
	list, err := mail.List(ctx, m.d.DB.R, mail.ListFilter{Status: d.Status, Limit: 200})
	if err != nil {
		return err
	}
	var ids []int64
	for _, e := range list {
		if e.ClientID != 0 {
			ids = append(ids, e.ClientID)
		}
	}
	numbers, err := clientNumbers(ctx, m.d.DB.R, ids)
	if err != nil {
		return err
	}
	d.Mails = make([]outboxRow, 0, len(list))
	for _, e := range list {
		d.Mails = append(d.Mails, outboxRow{Entry: e, ClientNumber: numbers[e.ClientID]})
	}
	if errs != nil {
		return m.d.Web.FormError(c, tplOutbox, "admin.outbox.title", d, errs, form)
	}
	return m.d.Web.Show(c, tplOutbox, "admin.outbox.title", d)
}
