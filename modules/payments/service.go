package payments

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/settings"
)

// Named errors of the service; the pages translate them.
var (
	ErrAmount      = errors.New("amount out of bounds")
	ErrAmountForm  = errors.New("amount is not a number")
	ErrProvider    = errors.New("the payment provider refused or did not answer")
	ErrNothingOpen = errors.New("nothing to pay")
)

// Request is what a subscriber asks to pay: an invoice (its open amount, decided
// here), or a refill of the balance by the amount typed (within ci_refill_min/max, in
// ci_refill_currency). Nothing else from the form is trusted.
type Request struct {
	ClientID  int64
	InvoiceID int64  // 0: a refill
	Refill    string // the typed refill amount, whole units or with two decimals
	Email     string
	Actor, IP string
	// Link is the pay link's path (without the leading slash) when the payment was
	// started from one: the provider returns there instead of to the logged-in pages.
	Link string
}

// Start decides the amount, stores the attempt, creates the provider's hosted payment
// and returns the attempt and the address to send the subscriber to. An invoice of
// another client, or one already paid, is core.ErrNotFound.
func (m *Module) Start(ctx context.Context, p Provider, r Request) (Attempt, string, error) {
	a := Attempt{ClientID: r.ClientID, Provider: p.Name(), State: StatePending}
	desc := ""
	if r.InvoiceID != 0 {
		if m.d.Hooks.Money.OpenInvoice == nil {
			return a, "", core.ErrNotFound
		}
		inv, err := m.d.Hooks.Money.OpenInvoice(ctx, m.d.DB.R, r.ClientID, r.InvoiceID)
		if err != nil {
			return a, "", err
		}
		a.InvoiceID, a.Amount, a.Currency, desc = inv.ID, inv.Open, inv.Currency, "Invoice "+inv.Number
	} else {
		amount, err := m.refillAmount(r.Refill)
		if err != nil {
			return a, "", &core.FieldError{Field: "amount", Err: err}
		}
		a.Amount, a.Currency, desc = amount, settings.RefillCurrency.Get(m.d.Settings), "Balance refill"
	}
	if err := fits(p.Name(), a.Currency, a.Amount); err != nil {
		if r.InvoiceID == 0 {
			return a, "", &core.FieldError{Field: "amount", Err: err}
		}
		return a, "", err
	}
	base, err := m.clientBase(ctx, m.d.DB.R, r.ClientID)
	if err != nil {
		return a, "", err
	}
	if base == "" {
		return a, "", ErrNotConfigured
	}
	now := m.d.Now()
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) (err error) {
		if a.ID, err = insertAttempt(ctx, tx, a, now); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: r.Actor, Action: "payment.start", ClientID: r.ClientID, IP: r.IP,
			Detail: fmt.Sprintf("attempt %d %s %d %s invoice %d", a.ID, a.Provider, a.Amount, a.Currency, a.InvoiceID)})
	})
	if err != nil {
		return a, "", err
	}
	id := strconv.FormatInt(a.ID, 10)
	success, cancel := base+"pay/return/"+id, base+"pay/cancel/"+id
	if r.Link != "" {
		success, cancel = base+r.Link+"?attempt="+id, base+r.Link+"?attempt="+id+"&cancel=1"
	}
	ref, url, err := p.Start(ctx, Checkout{AttemptID: a.ID, Amount: a.Amount, Currency: a.Currency, Description: desc, Email: r.Email,
		SuccessURL: success, CancelURL: cancel})
	if err != nil {
		m.d.Log.Warn("payments: provider refused a payment", "provider", p.Name(), "attempt", a.ID, "err", err)
		a.State = StateFailed
		if uerr := setAttempt(ctx, m.d.DB.W, a.ID, StateFailed, "", 0, m.d.Now()); uerr != nil {
			return a, "", uerr
		}
		return a, "", ErrProvider
	}
	a.ProviderRef = ref
	return a, url, setAttempt(ctx, m.d.DB.W, a.ID, StatePending, ref, 0, m.d.Now())
}

// refillAmount parses the typed amount ("500", "500.50", "500,5") into minor units
// and checks it against the staff's bounds.
func (m *Module) refillAmount(s string) (int64, error) {
	minor, ok := core.ParseAmount(s)
	if !ok {
		return 0, ErrAmountForm
	}
	lo, hi := int64(settings.RefillMin.Get(m.d.Settings))*100, int64(settings.RefillMax.Get(m.d.Settings))*100
	if minor < lo || minor > hi {
		return 0, ErrAmount
	}
	return minor, nil
}

// Apply records what the provider says of a payment, from the return redirect or a
// webhook, in whichever order and however often they come: the payment is recorded
// once (the attempt row is read and written in one write transaction, and the
// payment's external id is the provider's reference), a paid attempt never goes back,
// and an amount or currency other than the attempt's is refused. It returns the
// attempt as it is afterwards; an unknown reference is core.ErrNotFound.
func (m *Module) Apply(ctx context.Context, tx *sql.Tx, provider string, o Outcome, actor, ip string) (Attempt, error) {
	a, err := attemptByRef(ctx, tx, provider, o.Ref)
	if err != nil || a.State == StatePaid || o.State == a.State || o.State == StatePending {
		return a, err
	}
	now := m.d.Now()
	if o.State != StatePaid {
		a.State = o.State
		if err := setAttempt(ctx, tx, a.ID, a.State, "", 0, now); err != nil {
			return a, err
		}
		return a, core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "payment." + a.State, ClientID: a.ClientID, IP: ip,
			Detail: fmt.Sprintf("attempt %d %s", a.ID, provider)})
	}
	if o.Amount != a.Amount || o.Currency != a.Currency {
		m.d.Log.Warn("payments: paid amount differs from the attempt's; not recorded", "attempt", a.ID,
			"amount", o.Amount, "currency", o.Currency, "want", a.Amount, "want_currency", a.Currency)
		a.State = StateFailed
		if err := setAttempt(ctx, tx, a.ID, a.State, "", 0, now); err != nil {
			return a, err
		}
		return a, core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "payment.mismatch", ClientID: a.ClientID, IP: ip,
			Detail: fmt.Sprintf("attempt %d %s paid %d %s, expected %d %s", a.ID, provider, o.Amount, o.Currency, a.Amount, a.Currency)})
	}
	if m.d.Hooks.Money.Record == nil {
		return a, errors.New("payments: no module records payments")
	}
	pid, err := m.d.Hooks.Money.Record(ctx, tx, app.MoneyIn{ClientID: a.ClientID, ExternalID: provider + ":" + o.Ref, PaidOn: now,
		Amount: a.Amount, Currency: a.Currency, Method: "online", InvoiceID: a.InvoiceID, Note: providerLabel(provider), CreatedAt: now})
	if err != nil {
		return a, err
	}
	a.State, a.PaymentID = StatePaid, pid
	if err := setAttempt(ctx, tx, a.ID, StatePaid, "", pid, now); err != nil {
		return a, err
	}
	return a, core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "payment.paid", ClientID: a.ClientID, IP: ip,
		Detail: fmt.Sprintf("attempt %d %s payment %d %d %s", a.ID, provider, pid, a.Amount, a.Currency)})
}

// Cancel marks a pending attempt of the client cancelled (the subscriber came back
// through the provider's cancel link). A paid one stays paid.
func (m *Module) Cancel(ctx context.Context, clientID, id int64, actor, ip string) (Attempt, error) {
	var a Attempt
	err := m.d.DB.Tx(ctx, func(tx *sql.Tx) (err error) {
		if a, err = AttemptForClient(ctx, tx, clientID, id); err != nil || a.ProviderRef == "" {
			return err
		}
		a, err = m.Apply(ctx, tx, a.Provider, Outcome{Ref: a.ProviderRef, State: StateCancelled}, actor, ip)
		return err
	})
	return a, err
}

func providerLabel(p string) string {
	switch p {
	case providerStripe:
		return "Stripe"
	case providerPayPal:
		return "PayPal"
	}
	return p
}

// fits reports whether the provider can take the amount in the currency (ErrPrecision:
// a fraction the currency has not there).
func fits(provider, currency string, amount int64) error {
	var err error
	if provider == providerPayPal {
		_, err = toPayPal(currency, amount)
	} else {
		_, err = toStripe(currency, amount)
	}
	return err
}
