package payments

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
)

const (
	pathAutopay       = "/autopay"
	pathAutopaySetup  = "/autopay/setup"
	pathAutopayRemove = "/autopay/remove"
	tplAutopay        = "payments/autopay"
)

type autopayData struct {
	Mandate    *Mandate
	Configured bool
	Saved      bool // back from the provider's page
}

// showAutopay shows the saved payment method (or that one is being confirmed), with
// Remove, or the button that saves one.
func (m *Module) showAutopay(c *fiber.Ctx) error {
	d := autopayData{Saved: c.Query("saved") == "1"}
	p, err := newStripe(m.d.Settings)
	if d.Configured = err == nil; d.Configured {
		web.AllowFormAction(c, p.FormAction())
	}
	md, err := MandateOf(c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c))
	if err == nil {
		d.Mandate = &md
	} else if !errors.Is(err, core.ErrNotFound) {
		return err
	}
	return m.d.Web.Show(c, tplAutopay, "payments.autopay_title", d)
}

func (m *Module) setupAutopay(c *fiber.Ctx) error {
	cl := m.d.Web.Client(c)
	url, err := m.StartSetup(c.UserContext(), *cl, m.d.Web.ClientIP(c))
	if errors.Is(err, ErrNotConfigured) || errors.Is(err, ErrProvider) {
		m.d.Web.AddFlash(c, "error", "payments.not_configured")
		return m.d.Web.Redirect(c, prefix+pathAutopay)
	}
	if err != nil {
		return err
	}
	return c.Redirect(url, fiber.StatusSeeOther)
}

func (m *Module) removeAutopay(c *fiber.Ctx) error {
	cl := m.d.Web.Client(c)
	err := m.RemoveMandate(c.UserContext(), cl.ID, "client:"+cl.Number, m.d.Web.ClientIP(c))
	switch {
	case errors.Is(err, core.ErrNotFound):
		return fiber.ErrNotFound
	case errors.Is(err, ErrProvider), errors.Is(err, ErrNotConfigured):
		m.d.Web.AddFlash(c, "error", "payments.autopay_remove_failed")
	case err != nil:
		return err
	default:
		m.d.Web.AddFlash(c, "ok", "payments.autopay_removed")
	}
	return m.d.Web.Redirect(c, prefix+pathAutopay)
}
