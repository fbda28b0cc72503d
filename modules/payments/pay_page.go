package payments

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// payData is the Pay online page.
type payData struct {
	Invoices   []app.OpenInvoice
	Attempts   []Attempt
	Configured bool
	// Providers are the configured providers' names: with more than one, each form
	// has a button per provider.
	Providers []string
	RefillMin int
	RefillMax int
	Currency  string
}

// errorKeys translate the service's named errors for the form.
var errorKeys = map[error]string{
	ErrAmount: "payments.err.amount", ErrAmountForm: "payments.err.amount_form", ErrPrecision: "payments.err.precision",
}

func (m *Module) payData(c *fiber.Ctx) (payData, error) {
	ctx, clientID := c.UserContext(), m.d.Web.ClientID(c)
	names := m.offer(c)
	d := payData{Providers: names, Configured: len(names) > 0 && settings.PortalBase(m.d.Settings) != "",
		RefillMin: settings.RefillMin.Get(m.d.Settings), RefillMax: settings.RefillMax.Get(m.d.Settings),
		Currency: settings.RefillCurrency.Get(m.d.Settings)}
	var err error
	if m.d.Hooks.Money.OpenInvoices != nil {
		if d.Invoices, err = m.d.Hooks.Money.OpenInvoices(ctx, m.d.DB.R, clientID); err != nil {
			return d, err
		}
	}
	d.Attempts, err = ListAttempts(ctx, m.d.DB.R, clientID, 10)
	return d, err
}

// showPay lists the unpaid invoices with a Pay button each and the refill form.
func (m *Module) showPay(c *fiber.Ctx) error {
	d, err := m.payData(c)
	if err != nil {
		return err
	}
	return m.d.Web.Show(c, tplPay, "payments.title", d)
}

func (m *Module) payInvoice(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	return m.start(c, Request{InvoiceID: id})
}

func (m *Module) refill(c *fiber.Ctx) error {
	return m.start(c, Request{Refill: c.FormValue("amount")})
}

// start is both forms' handler: only the invoice id or the typed refill amount is
// read from the request; amount and currency fields someone adds are ignored.
func (m *Module) start(c *fiber.Ctx, r Request) error {
	cl := m.d.Web.Client(c)
	if cl == nil {
		return fiber.ErrUnauthorized
	}
	p, err := m.provider(c.FormValue("provider"))
	if err != nil {
		m.d.Web.AddFlash(c, "error", "payments.not_configured")
		return m.d.Web.Redirect(c, prefix)
	}
	r.ClientID, r.Email, r.Actor, r.IP = cl.ID, cl.Email, "client:"+cl.Number, m.d.Web.ClientIP(c)
	a, url, err := m.Start(c.UserContext(), p, r)
	if fe, ok := errors.AsType[*core.FieldError](err); ok {
		d, derr := m.payData(c)
		if derr != nil {
			return derr
		}
		return m.d.Web.FormError(c, tplPay, "payments.title", d, map[string]string{fe.Field: errorKeys[fe.Err]},
			map[string]string{"amount": r.Refill})
	}
	switch {
	case errors.Is(err, core.ErrNotFound):
		return fiber.ErrNotFound
	case errors.Is(err, ErrNotConfigured):
		m.d.Web.AddFlash(c, "error", "payments.not_configured")
		return m.d.Web.Redirect(c, prefix)
	case errors.Is(err, ErrProvider):
		return m.d.Web.Redirect(c, attemptPath(a.ID))
	case errors.Is(err, ErrPrecision):
		m.d.Web.AddFlash(c, "error", "payments.err.precision")
		return m.d.Web.Redirect(c, prefix)
	case err != nil:
		return err
	}
	return c.Redirect(url, fiber.StatusSeeOther)
}

// returned is the provider's success address: it asks the provider for the state
// and applies it (the webhook may have done so already, or may come later).
func (m *Module) returned(c *fiber.Ctx) error {
	a, err := m.loadAttempt(c)
	if err != nil {
		return err
	}
	if _, err := m.refresh(c, a, "client:"+m.d.Web.Client(c).Number); err != nil {
		return err
	}
	return m.d.Web.Redirect(c, attemptPath(a.ID))
}

// refresh asks the provider for the state of an attempt not yet final and applies
// it; a provider that does not answer leaves the attempt as it was.
func (m *Module) refresh(c *fiber.Ctx, a Attempt, actor string) (Attempt, error) {
	if a.Final() || a.ProviderRef == "" {
		return a, nil
	}
	p, err := m.provider(a.Provider)
	if err != nil {
		return a, nil
	}
	o, err := p.Status(c.UserContext(), a.ProviderRef)
	if err != nil {
		m.d.Log.Warn("payments: provider status failed", "attempt", a.ID, "err", err)
		return a, nil
	}
	if err := m.applyTx(c, p.Name(), o, actor); err != nil {
		return a, err
	}
	return AttemptForClient(c.UserContext(), m.d.DB.R, a.ClientID, a.ID)
}

func (m *Module) cancelled(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	cl := m.d.Web.Client(c)
	if _, err := m.Cancel(c.UserContext(), cl.ID, id, "client:"+cl.Number, m.d.Web.ClientIP(c)); errors.Is(err, core.ErrNotFound) {
		return fiber.ErrNotFound
	} else if err != nil {
		return err
	}
	return m.d.Web.Redirect(c, attemptPath(id))
}

// showAttempt shows one attempt's state: paid, processing, failed, cancelled...
func (m *Module) showAttempt(c *fiber.Ctx) error {
	a, err := m.loadAttempt(c)
	if err != nil {
		return err
	}
	return m.d.Web.Show(c, tplAttempt, "payments.attempt_title", a)
}

func (m *Module) loadAttempt(c *fiber.Ctx) (Attempt, error) {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return Attempt{}, err
	}
	a, err := AttemptForClient(c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c), id)
	if errors.Is(err, core.ErrNotFound) {
		return a, fiber.ErrNotFound
	}
	return a, err
}

func attemptPath(id int64) string { return prefix + "/attempt/" + strconv.FormatInt(id, 10) }
