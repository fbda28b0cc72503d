package admin

import (
	"database/sql"
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/modules/sms"
)

// retrySMS handles POST /admin/tools/sms/:id/retry: a failed (or waiting) SMS is
// queued again, due now; the SMS worker picks it up on its next round.
func (m *Module) retrySMS(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return fiber.ErrNotFound
	}
	ctx := c.UserContext()
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := sms.Retry(ctx, tx, id, m.d.Now()); err != nil {
			return err
		}
		return m.audit(ctx, c, tx, "smsqueue.retry", 0, "sms "+strconv.FormatInt(id, 10))
	})
	switch {
	case errors.Is(err, core.ErrNotFound):
		return fiber.ErrNotFound
	case errors.Is(err, sms.ErrNotRetryable):
		m.d.Web.AddFlash(c, "error", "admin.smsqueue.not_retryable")
	case err != nil:
		return err
	default:
		m.d.Web.AddFlash(c, "ok", "admin.smsqueue.retried")
	}
	return m.d.Web.Redirect(c, prefix+pathSMSQueue)
}
