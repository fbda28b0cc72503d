package payments

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/settings"
	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
)

// stripeWebhook receives Stripe's events. The signature (Stripe-Signature, with the
// webhook signing secret, five minutes' tolerance) is checked before anything is
// read; an event id already handled is answered 200 and changes nothing. Checkout
// session events apply their session's state; other events are acknowledged.
func (m *Module) stripeWebhook(c *fiber.Ctx) error {
	secret := settings.StripeWebhookSecret.Get(m.d.Settings)
	if secret == "" {
		return fiber.ErrNotFound
	}
	ev, err := webhook.ConstructEventWithOptions(c.Body(), c.Get("Stripe-Signature"), secret,
		webhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true})
	if err != nil {
		m.d.Log.Warn("payments: stripe webhook refused", "ip", m.d.Web.ClientIP(c), "err", err)
		return c.Status(fiber.StatusBadRequest).SendString("bad signature")
	}
	var sess *stripe.CheckoutSession
	switch ev.Type {
	case stripe.EventTypeCheckoutSessionCompleted, stripe.EventTypeCheckoutSessionAsyncPaymentSucceeded,
		stripe.EventTypeCheckoutSessionAsyncPaymentFailed, stripe.EventTypeCheckoutSessionExpired:
		sess = new(stripe.CheckoutSession)
		if ev.Data == nil || json.Unmarshal(ev.Data.Raw, sess) != nil || sess.ID == "" {
			return c.Status(fiber.StatusBadRequest).SendString("bad event")
		}
	}
	ctx := c.UserContext()
	var si *stripe.SetupIntent
	label := ""
	if ev.Type == stripe.EventTypeSetupIntentSucceeded {
		si = new(stripe.SetupIntent)
		if ev.Data == nil || json.Unmarshal(ev.Data.Raw, si) != nil || si.Customer == nil || si.PaymentMethod == nil {
			return c.Status(fiber.StatusBadRequest).SendString("bad event")
		}
		// The label is read from the provider before the transaction (a network call).
		if p, perr := newStripe(m.d.Settings); perr == nil {
			if label, err = p.methodLabel(ctx, si.PaymentMethod.ID); err != nil {
				m.d.Log.Warn("payments: payment method not readable", "event", ev.ID, "err", err)
				return c.Status(fiber.StatusServiceUnavailable).SendString("retry")
			}
		}
	}
	var pi *stripe.PaymentIntent
	if ev.Type == stripe.EventTypePaymentIntentSucceeded || ev.Type == stripe.EventTypePaymentIntentPaymentFailed {
		pi = new(stripe.PaymentIntent)
		if ev.Data == nil || json.Unmarshal(ev.Data.Raw, pi) != nil || pi.ID == "" {
			return c.Status(fiber.StatusBadRequest).SendString("bad event")
		}
	}
	queued := false
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		fresh, err := seenEvent(ctx, tx, providerStripe, ev.ID, m.d.Now())
		if err != nil || !fresh {
			return err
		}
		if pi != nil && ev.Type == stripe.EventTypePaymentIntentPaymentFailed {
			reason := "payment_failed"
			if e := pi.LastPaymentError; e != nil && e.Code != "" {
				reason = string(e.Code)
			}
			if queued, err = m.failProcessing(ctx, tx, pi.ID, reason); !errors.Is(err, core.ErrNotFound) {
				return err
			}
			return nil
		}
		if pi != nil {
			if err := m.settleProcessing(ctx, tx, pi.ID, stripeAmount(string(pi.Currency), pi.AmountReceived), upper(string(pi.Currency))); !errors.Is(err, core.ErrNotFound) {
				return err
			}
			return nil
		}
		if si != nil {
			if err := m.activate(ctx, tx, si.Customer.ID, si.PaymentMethod.ID, label); errors.Is(err, core.ErrNotFound) {
				m.d.Log.Warn("payments: setup for an unknown customer", "event", ev.ID)
				return nil
			} else if err != nil {
				return err
			}
			return nil
		}
		if sess == nil {
			return nil
		}
		_, err = m.Apply(ctx, tx, providerStripe, sessionOutcome(sess, ev.Type), "stripe", m.d.Web.ClientIP(c))
		if errors.Is(err, core.ErrNotFound) {
			m.d.Log.Warn("payments: stripe event for an unknown session", "event", ev.ID)
			return nil
		}
		return err
	})
	if err != nil {
		// Not recorded as seen (the transaction rolled back): Stripe retries it.
		m.d.Log.Error("payments: stripe webhook not applied", "event", ev.ID, "err", err)
		return c.Status(fiber.StatusInternalServerError).SendString("not applied")
	}
	if queued && m.d.KickMail != nil {
		m.d.KickMail()
	}
	return c.SendString("ok")
}

// applyTx applies an outcome in its own transaction (the return redirect).
func (m *Module) applyTx(c *fiber.Ctx, provider string, o Outcome, actor string) error {
	ctx := context.Context(c.UserContext())
	return m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		_, err := m.Apply(ctx, tx, provider, o, actor, m.d.Web.ClientIP(c))
		if errors.Is(err, core.ErrNotFound) {
			return nil
		}
		return err
	})
}
