package payments

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/outbox"
	"github.com/ispportal/portal/settings"
)

// Autopay: a subscriber saves a card or SEPA mandate (Stripe Checkout in setup mode,
// a SetupIntent), which opts in; the worker charges each unpaid invoice off-session
// from its due date, retries on retrySchedule, and mails the subscriber each failure.

// retrySchedule is how long after each failed try the next one comes; after the last
// the charge gives up (state failed) and the invoice is left to be paid otherwise.
var retrySchedule = []time.Duration{24 * time.Hour, 3 * 24 * time.Hour, 7 * 24 * time.Hour}

const (
	mandateSetup  = "setup"
	mandateActive = "active"

	mailAutopayFailed = "payments_autopay_failed"
	autopayEvery      = 15 * time.Minute
	hookEvery         = 30 * time.Second
)

// Mandate is a client's saved payment method.
type Mandate struct {
	ClientID    int64
	CustomerRef string
	MethodRef   string
	Label       string
	State       string
	CreatedAt   time.Time
}

func scanMandate(row core.Row) (Mandate, error) {
	var md Mandate
	var created string
	err := row.Scan(&md.ClientID, &md.CustomerRef, &md.MethodRef, &md.Label, &md.State, &created)
	if errors.Is(err, sql.ErrNoRows) {
		err = core.ErrNotFound
	}
	md.CreatedAt = core.ParseTime(created)
	return md, err
}

const mandateCols = `client_id, customer_ref, method_ref, label, state, created_at`

// MandateOf is the client's saved payment method (core.ErrNotFound: none).
func MandateOf(ctx context.Context, q core.Querier, clientID int64) (Mandate, error) {
	return scanMandate(q.QueryRowContext(ctx, `SELECT `+mandateCols+` FROM autopay_mandates WHERE client_id = ?`, clientID))
}

func registerMailDefaults(t *mail.Templates) {
	t.RegisterDefault(mailAutopayFailed, "en", "Automatic payment of invoice $INVOICE$ failed",
		"Hello,\n\nwe could not charge $AMOUNT$ for invoice $INVOICE$ to your saved payment method ($METHOD$).\n$NEXT$\n\n"+
			"You can pay the invoice online: $PAY_URL$\n")
	t.RegisterDefault(mailAutopayFailed, "cs", "Automatická platba faktury $INVOICE$ se nezdařila",
		"Dobrý den,\n\nčástku $AMOUNT$ za fakturu $INVOICE$ se nepodařilo strhnout z vaší uložené platební metody ($METHOD$).\n$NEXT$\n\n"+
			"Fakturu můžete zaplatit online: $PAY_URL$\n")
}

// StartSetup sends the subscriber to the provider's page to save a payment method,
// creating the provider's customer the first time.
func (m *Module) StartSetup(ctx context.Context, cl core.Client, ip string) (string, error) {
	p, err := newStripe(m.d.Settings)
	if err != nil {
		return "", err
	}
	base := settings.PortalBase(m.d.Settings.Brand(cl.BrandID))
	if base == "" {
		return "", ErrNotConfigured
	}
	md, err := MandateOf(ctx, m.d.DB.R, cl.ID)
	if errors.Is(err, core.ErrNotFound) {
		if md.CustomerRef, err = p.customer(ctx, cl.Number, cl.Email); err != nil {
			m.d.Log.Warn("payments: provider refused a customer", "client", cl.ID, "err", err)
			return "", ErrProvider
		}
		now := m.d.Now()
		err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO autopay_mandates (client_id, provider, customer_ref, state, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?)`, cl.ID, providerStripe, md.CustomerRef, mandateSetup, core.Now(now), core.Now(now)); err != nil {
				return err
			}
			return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: "client:" + cl.Number, Action: "autopay.setup", ClientID: cl.ID, IP: ip})
		})
	}
	if err != nil {
		return "", err
	}
	url, err := p.setup(ctx, md.CustomerRef, settings.RefillCurrency.Get(m.d.Settings), base+"pay/autopay?saved=1", base+"pay/autopay")
	if err != nil {
		m.d.Log.Warn("payments: provider refused a setup session", "client", cl.ID, "err", err)
		return "", ErrProvider
	}
	return url, nil
}

// activate records the payment method a SetupIntent saved for the provider's
// customer (from the setup_intent.succeeded webhook): autopay is on from then.
func (m *Module) activate(ctx context.Context, tx *sql.Tx, customer, method, label string) error {
	now := m.d.Now()
	var clientID int64
	err := tx.QueryRowContext(ctx, `UPDATE autopay_mandates SET method_ref = ?, label = ?, state = ?, updated_at = ?
		WHERE customer_ref = ? RETURNING client_id`, method, label, mandateActive, core.Now(now), customer).Scan(&clientID)
	if errors.Is(err, sql.ErrNoRows) {
		return core.ErrNotFound
	}
	if err != nil {
		return err
	}
	return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: "stripe", Action: "autopay.on", ClientID: clientID, Detail: label})
}

// RemoveMandate detaches the saved method at the provider and switches autopay off;
// the actor is the subscriber ("client:<number>") or a staff member
// ("staff:<login>"). The subscriber's removal needs the provider's answer (the method
// must be gone there); staff switch autopay off even when the provider does not
// answer (the failed detach is logged): the worker charges only what is stored here.
// core.ErrNotFound: the client has no saved method.
func (m *Module) RemoveMandate(ctx context.Context, clientID int64, actor, ip string) error {
	md, err := MandateOf(ctx, m.d.DB.R, clientID)
	if err != nil {
		return err
	}
	staff := strings.HasPrefix(actor, "staff:")
	if md.MethodRef != "" {
		p, err := newStripe(m.d.Settings)
		if err == nil {
			err = p.detach(ctx, md.MethodRef)
		}
		if err != nil {
			m.d.Log.Warn("payments: payment method not detached at the provider", "client", clientID, "err", err)
			if !staff {
				return ErrProvider
			}
		}
	}
	now := m.d.Now()
	return m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM autopay_mandates WHERE client_id = ?`, clientID); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "autopay.off", ClientID: clientID, IP: ip, Detail: md.Label})
	})
}

// charge is one automatic charge row.
type charge struct {
	ID, ClientID, InvoiceID int64
	Amount                  int64
	Currency                string
	Tries                   int
	State                   string
}

// RunAutopay charges what is due now: every open invoice past or on its due date of
// a client with an active mandate, whose charge is new or due for a retry. It returns
// how many charges it tried. The worker calls it every 15 minutes.
func (m *Module) RunAutopay(ctx context.Context) (int, error) {
	if m.d.Hooks.Money.OpenInvoices == nil || m.d.Hooks.Money.Record == nil {
		return 0, nil
	}
	p, err := newStripe(m.d.Settings)
	if errors.Is(err, ErrNotConfigured) {
		return 0, nil
	}
	now := m.d.Now()
	if err := m.takeOverCharges(ctx, now); err != nil {
		return 0, err
	}
	mandates, err := core.List(ctx, m.d.DB.R, scanMandate, `SELECT `+mandateCols+` FROM autopay_mandates WHERE state = ?`, mandateActive)
	if err != nil {
		return 0, err
	}
	tried := 0
	for _, md := range mandates {
		open, err := m.d.Hooks.Money.OpenInvoices(ctx, m.d.DB.R, md.ClientID)
		if err != nil {
			return tried, err
		}
		for _, inv := range open {
			if inv.Due.Format(time.DateOnly) > now.Format(time.DateOnly) {
				continue
			}
			ch, due, err := m.chargeFor(ctx, md.ClientID, inv, now)
			if err != nil {
				return tried, err
			}
			if !due {
				continue
			}
			tried++
			if err := m.try(ctx, p, md, inv, ch); err != nil {
				return tried, err
			}
		}
	}
	return tried, nil
}

// charges is autopay_charges as outbox.Queue sees it: a charge due for a try is
// claimed ('charging', by this instance) before the provider is called, so that of
// several instances exactly one charges it.
var charges = outbox.Queue{Table: "autopay_charges", State: "state", Claimed: "charging",
	Due: "state = 'retrying' AND next_try <= ?", Order: "next_try, id"}

// takeOverCharges makes the charges whose instance died mid-try (claimed longer ago
// than outbox.Lease) due again. The try repeats with the same idempotency key, so the
// provider answers the outcome of the interrupted one instead of charging twice.
func (m *Module) takeOverCharges(ctx context.Context, now time.Time) error {
	return m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		n, err := charges.TakeOver(ctx, tx, now, `state = 'retrying', next_try = ?`, core.Now(now))
		if n > 0 {
			m.d.Log.Warn("payments: autopay charges interrupted mid-try are due again", "count", n)
		}
		return err
	})
}

// chargeFor returns the invoice's charge row (made on first sight) and whether a try
// is due now; a due charge is claimed by this instance.
func (m *Module) chargeFor(ctx context.Context, clientID int64, inv app.OpenInvoice, now time.Time) (charge, bool, error) {
	ch := charge{ClientID: clientID, InvoiceID: inv.ID, Amount: inv.Open, Currency: inv.Currency}
	due := false
	err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO autopay_charges (client_id, invoice_id, amount, currency, next_try, state, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 'retrying', ?, ?) ON CONFLICT (client_id, invoice_id) DO NOTHING`,
			clientID, inv.ID, inv.Open, inv.Currency, core.Now(now), core.Now(now), core.Now(now)); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT id, tries, state FROM autopay_charges WHERE client_id = ? AND invoice_id = ?`,
			clientID, inv.ID).Scan(&ch.ID, &ch.Tries, &ch.State); err != nil {
			return err
		}
		var err error
		due, err = charges.ClaimRow(ctx, tx, ch.ID, m.claimant, now, core.Now(now))
		return err
	})
	return ch, due && err == nil, err
}

// try charges once and records the outcome: paid (the payment through the Money
// hook, once: its external id is the PaymentIntent's), processing, or a failure that
// schedules the next try (or gives up) and mails the subscriber.
func (m *Module) try(ctx context.Context, p *stripeProvider, md Mandate, inv app.OpenInvoice, ch charge) error {
	key := "portal-autopay-" + strconv.FormatInt(ch.ID, 10) + "-" + strconv.Itoa(ch.Tries+1)
	ref, state, reason, err := p.charge(ctx, md.CustomerRef, md.MethodRef, inv.Open, inv.Currency, key)
	if err != nil {
		m.d.Log.Warn("payments: autopay charge did not reach the provider", "charge", ch.ID, "err", err)
		state, reason = StateFailed, "provider_unreachable"
	}
	now := m.d.Now()
	queued := false
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		tries := ch.Tries + 1
		switch state {
		case StatePaid:
			pid, err := m.d.Hooks.Money.Record(ctx, tx, app.MoneyIn{ClientID: md.ClientID, ExternalID: "stripe:" + ref, PaidOn: now,
				Amount: inv.Open, Currency: inv.Currency, Method: "online", InvoiceID: inv.ID, Note: "Stripe autopay", CreatedAt: now})
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE autopay_charges SET tries = ?, state = 'paid', last_ref = ?, updated_at = ? WHERE id = ?`,
				tries, ref, core.Now(now), ch.ID); err != nil {
				return err
			}
			return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: "system", Action: "autopay.paid", ClientID: md.ClientID,
				Detail: fmt.Sprintf("invoice %d payment %d %d %s", inv.ID, pid, inv.Open, inv.Currency)})
		case StateProcessing:
			_, err := tx.ExecContext(ctx, `UPDATE autopay_charges SET tries = ?, state = 'processing', last_ref = ?, updated_at = ? WHERE id = ?`,
				tries, ref, core.Now(now), ch.ID)
			return err
		}
		var err error
		queued, err = m.failTry(ctx, tx, md, inv, ch.ID, tries, ref, reason, "system")
		return err
	})
	if queued && m.d.KickMail != nil {
		m.d.KickMail()
	}
	return err
}

// failTry records that try number tries of a charge failed: the next try is
// scheduled (retrySchedule) or the charge gives up, it is audited, and the client is
// mailed. It reports whether a mail was queued.
func (m *Module) failTry(ctx context.Context, tx *sql.Tx, md Mandate, inv app.OpenInvoice, chargeID int64, tries int, ref, reason, actor string) (bool, error) {
	now := m.d.Now()
	next, st := now, "failed"
	if tries <= len(retrySchedule) {
		next, st = now.Add(retrySchedule[tries-1]), "retrying"
	}
	if _, err := tx.ExecContext(ctx, `UPDATE autopay_charges SET tries = ?, state = ?, next_try = ?, last_ref = ?, last_error = ?, updated_at = ?
		WHERE id = ?`, tries, st, core.Now(next), ref, reason, core.Now(now), chargeID); err != nil {
		return false, err
	}
	if err := core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "autopay.failed", ClientID: md.ClientID,
		Detail: fmt.Sprintf("invoice %d try %d: %s", inv.ID, tries, reason)}); err != nil {
		return false, err
	}
	return m.mailFailure(ctx, tx, md, inv, st == "retrying", next)
}

// failProcessing handles payment_intent.payment_failed for a processing autopay
// charge (a SEPA debit the bank refused after Stripe accepted it): that try failed,
// the retry schedule goes on, and the client is mailed. core.ErrNotFound when no
// processing charge has that PaymentIntent. An invoice paid meanwhile is not retried.
func (m *Module) failProcessing(ctx context.Context, tx *sql.Tx, ref, reason string) (bool, error) {
	var ch charge
	err := tx.QueryRowContext(ctx, `SELECT id, client_id, invoice_id, amount, currency, tries FROM autopay_charges
		WHERE last_ref = ? AND state = 'processing'`, ref).Scan(&ch.ID, &ch.ClientID, &ch.InvoiceID, &ch.Amount, &ch.Currency, &ch.Tries)
	if errors.Is(err, sql.ErrNoRows) {
		return false, core.ErrNotFound
	}
	if err != nil {
		return false, err
	}
	md, err := MandateOf(ctx, tx, ch.ClientID)
	if errors.Is(err, core.ErrNotFound) {
		// Switched off meanwhile: the worker will not retry, and the mail says so.
		md, ch.Tries = Mandate{ClientID: ch.ClientID}, len(retrySchedule)+1
	} else if err != nil {
		return false, err
	}
	var inv app.OpenInvoice
	if m.d.Hooks.Money.OpenInvoice != nil {
		inv, err = m.d.Hooks.Money.OpenInvoice(ctx, tx, ch.ClientID, ch.InvoiceID)
	}
	if m.d.Hooks.Money.OpenInvoice == nil || errors.Is(err, core.ErrNotFound) {
		_, err = tx.ExecContext(ctx, `UPDATE autopay_charges SET state = 'failed', last_error = ?, updated_at = ? WHERE id = ?`,
			reason, core.Now(m.d.Now()), ch.ID)
		return false, err
	}
	if err != nil {
		return false, err
	}
	inv.Open, inv.Currency = ch.Amount, ch.Currency // the amount that was charged
	return m.failTry(ctx, tx, md, inv, ch.ID, max(ch.Tries, 1), ref, reason, "stripe")
}

// settleProcessing records a processing autopay charge (a SEPA debit) that the
// provider reports succeeded (payment_intent.succeeded); core.ErrNotFound when no
// processing charge has that PaymentIntent. The amount must be the charge's.
func (m *Module) settleProcessing(ctx context.Context, tx *sql.Tx, ref string, amount int64, currency string) error {
	var ch charge
	err := tx.QueryRowContext(ctx, `SELECT id, client_id, invoice_id, amount, currency FROM autopay_charges WHERE last_ref = ? AND state = 'processing'`,
		ref).Scan(&ch.ID, &ch.ClientID, &ch.InvoiceID, &ch.Amount, &ch.Currency)
	if errors.Is(err, sql.ErrNoRows) {
		return core.ErrNotFound
	}
	if err != nil {
		return err
	}
	now := m.d.Now()
	if amount != ch.Amount || currency != ch.Currency {
		if _, err := tx.ExecContext(ctx, `UPDATE autopay_charges SET state = 'failed', last_error = 'amount_mismatch', updated_at = ? WHERE id = ?`,
			core.Now(now), ch.ID); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: "stripe", Action: "autopay.mismatch", ClientID: ch.ClientID,
			Detail: fmt.Sprintf("charge %d paid %d %s, expected %d %s", ch.ID, amount, currency, ch.Amount, ch.Currency)})
	}
	pid, err := m.d.Hooks.Money.Record(ctx, tx, app.MoneyIn{ClientID: ch.ClientID, ExternalID: "stripe:" + ref, PaidOn: now,
		Amount: ch.Amount, Currency: ch.Currency, Method: "online", InvoiceID: ch.InvoiceID, Note: "Stripe autopay", CreatedAt: now})
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE autopay_charges SET state = 'paid', updated_at = ? WHERE id = ?`, core.Now(now), ch.ID); err != nil {
		return err
	}
	return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: "stripe", Action: "autopay.paid", ClientID: ch.ClientID,
		Detail: fmt.Sprintf("invoice %d payment %d %d %s", ch.InvoiceID, pid, ch.Amount, ch.Currency)})
}

// mailFailure queues the failure mail to the client, in the client's language.
func (m *Module) mailFailure(ctx context.Context, tx *sql.Tx, md Mandate, inv app.OpenInvoice, retry bool, next time.Time) (bool, error) {
	cl, err := core.ClientByID(ctx, tx, md.ClientID)
	if err != nil || cl.Email == "" {
		return false, err
	}
	lang := cl.Language
	if lang != "cs" {
		lang = "en"
	}
	t, err := m.d.Mail.Resolve(ctx, mailAutopayFailed, cl.InvoiceGroupID, lang)
	if err != nil {
		return false, err
	}
	nextText := m.d.Web.Catalog.T(lang, "payments.autopay_gave_up")
	if retry {
		nextText = m.d.Web.Catalog.T(lang, "payments.autopay_next", "Date", next.Format(time.DateOnly))
	}
	subject, body := mail.Render(t, map[string]string{"INVOICE": inv.Number, "AMOUNT": fmt.Sprintf("%d.%02d %s", inv.Open/100, inv.Open%100, inv.Currency),
		"METHOD": md.Label, "NEXT": nextText, "PAY_URL": settings.PortalBase(m.d.Settings.Brand(cl.BrandID)) + "pay"})
	_, err = mail.Enqueue(ctx, tx, mail.Message{To: []string{cl.Email}, Subject: subject, Text: body, Purpose: mailAutopayFailed,
		ClientID: cl.ID, At: m.d.Now()})
	return err == nil, err
}

// worker queues and posts the payment webhook every 30 seconds and runs autopay
// every 15 minutes, until ctx ends.
func (m *Module) worker(ctx context.Context) {
	t := time.NewTicker(hookEvery)
	defer t.Stop()
	var lastAutopay time.Time
	for {
		if _, err := m.QueueHooks(ctx); err != nil && ctx.Err() == nil {
			m.d.Log.Error("payments: webhook queue failed", "err", err)
		}
		if _, err := m.DeliverHooks(ctx); err != nil && ctx.Err() == nil {
			m.d.Log.Error("payments: webhook delivery failed", "err", err)
		}
		if time.Since(lastAutopay) >= autopayEvery {
			lastAutopay = time.Now()
			if _, err := m.RunAutopay(ctx); err != nil && ctx.Err() == nil {
				m.d.Log.Error("payments: autopay run failed", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
