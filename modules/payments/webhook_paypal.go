package payments

import (
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
)

// PayPal's webhook events the portal acts on; others are acknowledged.
const (
	ppOrderApproved   = "CHECKOUT.ORDER.APPROVED"
	ppCaptureComplete = "PAYMENT.CAPTURE.COMPLETED"
	ppCaptureDenied   = "PAYMENT.CAPTURE.DENIED"
)

// paypalWebhook receives PayPal's events. Each is verified with PayPal
// (verify-webhook-signature, for the configured webhook id) before anything in it is
// believed: refused is 400 and logged with the sender's address; PayPal unreachable
// is 503, so PayPal sends it again. An event id already handled changes nothing. An
// approved order is captured (unless its attempt is final already); a completed or
// denied capture is applied. All go through Apply, like Stripe's.
func (m *Module) paypalWebhook(c *fiber.Ctx) error {
	p, err := newPayPal(m.d.Settings, &m.tokens)
	if err != nil {
		return fiber.ErrNotFound
	}
	ctx := c.UserContext()
	body := c.Body()
	if !json.Valid(body) {
		m.d.Log.Warn("payments: paypal webhook refused: not JSON", "ip", m.d.Web.ClientIP(c))
		return c.Status(fiber.StatusBadRequest).SendString("bad event")
	}
	ok, err := p.verify(ctx, func(k string) string { return c.Get(k) }, body)
	if err != nil {
		m.d.Log.Warn("payments: paypal webhook verification failed", "ip", m.d.Web.ClientIP(c), "err", err)
		return c.Status(fiber.StatusServiceUnavailable).SendString("retry")
	}
	if !ok {
		m.d.Log.Warn("payments: paypal webhook refused", "ip", m.d.Web.ClientIP(c))
		return c.Status(fiber.StatusBadRequest).SendString("bad signature")
	}
	var ev struct {
		ID       string          `json:"id"`
		Type     string          `json:"event_type"`
		Resource json.RawMessage `json:"resource"`
	}
	if json.Unmarshal(body, &ev) != nil || ev.ID == "" {
		return c.Status(fiber.StatusBadRequest).SendString("bad event")
	}
	var o *Outcome
	switch ev.Type {
	case ppOrderApproved:
		var order ppOrder
		if json.Unmarshal(ev.Resource, &order) != nil || order.ID == "" {
			return c.Status(fiber.StatusBadRequest).SendString("bad event")
		}
		// The capture is a network call, made before the transaction; PayPal makes it
		// once whatever calls it (PayPal-Request-Id), and a final attempt is left alone.
		if a, err := attemptByRef(ctx, m.d.DB.R, providerPayPal, order.ID); err == nil && !a.Final() {
			out, err := p.capture(ctx, order.ID)
			if err != nil {
				m.d.Log.Warn("payments: paypal capture failed", "event", ev.ID, "err", err)
				return c.Status(fiber.StatusServiceUnavailable).SendString("retry")
			}
			o = &out
		}
	case ppCaptureComplete, ppCaptureDenied:
		var cp ppCapture
		if json.Unmarshal(ev.Resource, &cp) != nil || cp.SupplementaryData.RelatedIDs.OrderID == "" {
			return c.Status(fiber.StatusBadRequest).SendString("bad event")
		}
		out := captureOutcome(cp.SupplementaryData.RelatedIDs.OrderID, cp)
		if ev.Type == ppCaptureDenied {
			out.State = StateFailed
		}
		o = &out
	}
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		fresh, err := seenEvent(ctx, tx, providerPayPal, ev.ID, m.d.Now())
		if err != nil || !fresh || o == nil {
			return err
		}
		_, err = m.Apply(ctx, tx, providerPayPal, *o, "paypal", m.d.Web.ClientIP(c))
		if errors.Is(err, core.ErrNotFound) {
			m.d.Log.Warn("payments: paypal event for an unknown order", "event", ev.ID)
			return nil
		}
		return err
	})
	if err != nil {
		m.d.Log.Error("payments: paypal webhook not applied", "event", ev.ID, "err", err)
		return c.Status(fiber.StatusInternalServerError).SendString("not applied")
	}
	return c.SendString("ok")
}
