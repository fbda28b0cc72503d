package sms

import (
	"database/sql"
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
)

// retryStaffQueue handles POST /admin/tools/sms/:id/retry: a failed (or waiting) SMS
// is queued again, due now; the SMS worker picks it up on its next round.
func (m *Module) retryStaffQueue(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := Retry(ctx, tx, id, m.d.Now()); err != nil {
			return err
		}
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), "smsqueue.retry", 0, "sms "+strconv.FormatInt(id, 10))
	})
	switch {
	case errors.Is(err, core.ErrNotFound):
		return fiber.ErrNotFound
	case errors.Is(err, ErrNotRetryable):
		m.d.Web.AddFlash(c, "error", "sms.staff.not_retryable")
	case err != nil:
		return err
	default:
		m.d.Web.AddFlash(c, "ok", "sms.staff.retried")
	}
	return m.d.Web.Redirect(c, console.Path(pathStaffQueue))
}
