package payments

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/settings"
)

// A pay link pays one invoice without logging in: /pay/link/<client>/<invoice>/<expiry
// unix>/<signature>, the signature being HMAC-SHA256 over the three numbers with a
// server secret. Changing any number breaks the signature, so a link for another
// client's invoice cannot be made without the secret; a link past its expiry is refused.

const pathLink = "/link/:client/:invoice/:exp/:sig"

// secretPayLink names the links' HMAC key (made at boot: see app.Info.Secrets).
const secretPayLink = "paylink"

// ErrLinkExpired: the link's time is over.
var ErrLinkExpired = errors.New("pay link expired")

func (m *Module) linkSig(ctx context.Context, client, invoice, exp int64) (string, error) {
	key, err := core.Secret(ctx, m.d.DB, secretPayLink)
	if err != nil {
		return "", err
	}
	h := hmac.New(sha256.New, key)
	h.Write([]byte(strconv.FormatInt(client, 10) + "." + strconv.FormatInt(invoice, 10) + "." + strconv.FormatInt(exp, 10)))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)), nil
}

// clientBase is the portal address of the client's brand (its ci_url): where the
// client's links and the providers' returns must lead, since a session and a login
// hold on the brand's own host only. "" when none is set.
func (m *Module) clientBase(ctx context.Context, q core.Querier, clientID int64) (string, error) {
	cl, err := core.ClientByID(ctx, q, clientID)
	if err != nil {
		return "", err
	}
	return settings.PortalBase(m.d.Settings.Brand(cl.BrandID)), nil
}

// PayLink returns the absolute pay link of an invoice of the client (on the client's
// brand's address), valid for ci_pay_link_days, and its expiry; ErrNotConfigured
// without a portal address.
func (m *Module) PayLink(ctx context.Context, q core.Querier, client, invoice int64) (string, time.Time, error) {
	base, err := m.clientBase(ctx, q, client)
	if err != nil {
		return "", time.Time{}, err
	}
	if base == "" {
		return "", time.Time{}, ErrNotConfigured
	}
	exp := m.d.Now().Add(time.Duration(settings.PayLinkDays.Get(m.d.Settings)) * 24 * time.Hour).Truncate(time.Second)
	sig, err := m.linkSig(ctx, client, invoice, exp.Unix())
	if err != nil {
		return "", exp, err
	}
	return base + linkPath(client, invoice, exp.Unix(), sig)[1:], exp, nil
}

// online reports whether subscribers can pay online now: the page is on, a
// provider is configured and the portal has a public address for the returns.
func (m *Module) online() bool {
	return settings.PaymentsEnable.Get(m.d.Settings) && settings.PortalBase(m.d.Settings) != "" && len(m.providers()) > 0
}

// hookPayLink is app.Hooks.PayLink: the pay link of an unpaid invoice of the client,
// "" when paying online is not possible. The invoice is looked up through q, the
// caller's transaction, where it may just have been stored.
func (m *Module) hookPayLink(ctx context.Context, q core.Querier, client, invoice int64) (string, error) {
	if !m.online() || m.d.Hooks.Money.OpenInvoice == nil {
		return "", nil
	}
	if _, err := m.d.Hooks.Money.OpenInvoice(ctx, q, client, invoice); err != nil {
		return "", err
	}
	link, _, err := m.PayLink(ctx, q, client, invoice)
	return link, err
}

// hookPayPath is app.Hooks.PayPath.
func (m *Module) hookPayPath(_ context.Context, invoice int64) string {
	switch {
	case !m.online():
		return ""
	case invoice == 0:
		return prefix
	}
	return prefix + "/invoice/" + strconv.FormatInt(invoice, 10)
}

func linkPath(client, invoice, exp int64, sig string) string {
	return prefix + "/link/" + strconv.FormatInt(client, 10) + "/" + strconv.FormatInt(invoice, 10) + "/" +
		strconv.FormatInt(exp, 10) + "/" + sig
}

// linkTarget checks the link of the request: the signature (constant time), then the
// expiry. Anything forged is a plain 404.
func (m *Module) linkTarget(c *fiber.Ctx) (client, invoice int64, path string, err error) {
	var exp int64
	var ok1, ok2, ok3 bool
	client, ok1 = core.ParseID(c.Params("client"))
	invoice, ok2 = core.ParseID(c.Params("invoice"))
	exp, ok3 = core.ParseID(c.Params("exp"))
	if !ok1 || !ok2 || !ok3 {
		return 0, 0, "", fiber.ErrNotFound
	}
	want, err := m.linkSig(c.UserContext(), client, invoice, exp)
	if err != nil {
		return 0, 0, "", err
	}
	if !hmac.Equal([]byte(want), []byte(c.Params("sig"))) {
		m.d.Log.Warn("payments: pay link with a bad signature", "ip", m.d.Web.ClientIP(c))
		return 0, 0, "", fiber.ErrNotFound
	}
	if m.d.Now().Unix() > exp {
		return client, invoice, "", ErrLinkExpired
	}
	return client, invoice, linkPath(client, invoice, exp, want), nil
}

// linkData is the pay link page.
type linkData struct {
	Invoice    app.OpenInvoice
	Paid       bool // nothing left to pay
	Expired    bool
	Configured bool
	Providers  []string
	Attempt    *Attempt // the payment this page was returned to, if any
	Action     string
}

// showLink shows the invoice and its open amount with a Pay button; after the
// provider's return (?attempt=N) it shows that payment's state too.
func (m *Module) showLink(c *fiber.Ctx) error {
	client, invoice, path, err := m.linkTarget(c)
	d := linkData{Action: path}
	if errors.Is(err, ErrLinkExpired) {
		d.Expired = true
		p := m.d.Web.NewPage(c, "payments.link_title", d)
		p.Status = fiber.StatusGone
		return m.d.Web.Render(c, tplLink, p)
	}
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	if id, ok := core.ParseID(c.Query("attempt")); ok {
		if a, err := AttemptForClient(ctx, m.d.DB.R, client, id); err == nil && a.InvoiceID == invoice {
			if c.Query("cancel") == "1" {
				a, err = m.Cancel(ctx, client, id, "link", m.d.Web.ClientIP(c))
			} else {
				a, err = m.refresh(c, a, "link")
			}
			if err != nil {
				return err
			}
			d.Attempt = &a
		}
	}
	if m.d.Hooks.Money.OpenInvoice == nil {
		return fiber.ErrNotFound
	}
	d.Invoice, err = m.d.Hooks.Money.OpenInvoice(ctx, m.d.DB.R, client, invoice)
	if errors.Is(err, core.ErrNotFound) {
		d.Paid = true
	} else if err != nil {
		return err
	}
	d.Providers = m.offer(c)
	d.Configured = len(d.Providers) > 0
	return m.d.Web.Show(c, tplLink, "payments.link_title", d)
}

// payLink starts the payment of the link's invoice, for its client.
func (m *Module) payLink(c *fiber.Ctx) error {
	client, invoice, path, err := m.linkTarget(c)
	if errors.Is(err, ErrLinkExpired) {
		return m.showLink(c)
	}
	if err != nil {
		return err
	}
	p, err := m.provider(c.FormValue("provider"))
	if err != nil {
		return m.d.Web.Redirect(c, path)
	}
	_, url, err := m.Start(c.UserContext(), p, Request{ClientID: client, InvoiceID: invoice, Link: path[1:],
		Actor: "link:" + strconv.FormatInt(client, 10), IP: m.d.Web.ClientIP(c)})
	if errors.Is(err, core.ErrNotFound) {
		return m.d.Web.Redirect(c, path) // paid meanwhile: the page says so
	}
	if err != nil {
		return err
	}
	return c.Redirect(url, fiber.StatusSeeOther)
}
