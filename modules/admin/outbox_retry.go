package admin

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/web"
)

// retryMail handles POST /admin/tools/outbox/:id/retry: a failed (or waiting) mail is
// queued again with a fresh attempt count and the worker is woken. A mail whose link was
// removed (given up or expired) is refused: the client needs a new link instead.
func (m *Module) retryMail(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	err = mail.Retry(c.UserContext(), m.d.DB, id)
	switch {
	case errors.Is(err, mail.ErrNotFound):
		return fiber.ErrNotFound
	case errors.Is(err, mail.ErrNotRetryable):
		m.d.Web.AddFlash(c, "error", "admin.outbox.not_retryable")
	case errors.Is(err, mail.ErrSecretsRemoved):
		m.d.Web.AddFlash(c, "error", "admin.outbox.secrets_removed")
	case err != nil:
		return err
	default:
		if err := m.auditNow(c, "outbox.retry", 0, "mail "+strconv.FormatInt(id, 10)); err != nil {
			return err
		}
		if m.d.KickMail != nil {
			m.d.KickMail()
		}
		m.d.Web.AddFlash(c, "ok", "admin.outbox.retried")
	}
	return m.d.Web.Redirect(c, prefix+pathOutbox)
}
