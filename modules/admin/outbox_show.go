package admin

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

// outboxMailData is the page of one mail.
type outboxMailData struct {
	Mail     mail.Entry
	CanWrite bool
	// Revealed: the password link is shown (revealMail, audited).
	Revealed bool
}

// showMail renders GET /admin/tools/outbox/:id: one mail as it is stored. A password
// link's token is never on it: mail.Get shows it as mail.Redacted while the mail waits,
// and the worker removes it from the row once the mail is sent, given up or expired.
func (m *Module) showMail(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	e, err := mail.Get(c.UserContext(), m.d.DB.R, id)
	if errors.Is(err, mail.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	return m.d.Web.Show(c, tplOutboxMail, "admin.outbox.mail_title", outboxMailData{Mail: e, CanWrite: m.can(c, perm.ToolsWrite)})
}
