package payments_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/ispportal/portal/internal/stripemock"
	"github.com/ispportal/portal/modules/payments"
	"github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
)

// TestPayInvoiceWebhookThenReturn: the amount is the invoice's open amount whatever
// the form says; the signed webhook records the payment once (a replay and a second
// event change nothing), the invoice is paid, and the return redirect after it shows
// the paid state.
func TestPayInvoiceWebhookThenReturn(t *testing.T) {
	f := newFixture(t)
	b := f.env.Browser().LoginAs(f.alice)
	page := b.Get("/pay").Expect(t, 200, "FV-1", "1,210.00", "Pay now")
	// Chromium checks the redirect after the form against form-action.
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' https://checkout.stripe.com;") {
		t.Fatalf("CSP %q does not admit Stripe Checkout in form-action", csp)
	}
	if csp := b.Get("/invoices").Header.Get("Content-Security-Policy"); strings.Contains(csp, "stripe") {
		t.Fatalf("another page admits Stripe: %q", csp)
	}
	r := start(b, "/pay/invoice/"+itoa(f.invoice), url.Values{"amount": {"1"}, "currency": {"EUR"}})
	r.Expect(t, http.StatusSeeOther)
	if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "https://checkout.stripe.com/") {
		t.Fatalf("sent to %q, want Stripe Checkout", loc)
	}
	a := f.lastAttempt(t, f.alice)
	if a.Amount != 121000 || a.Currency != "CZK" || !strings.HasPrefix(a.Ref, "cs_") || a.State != payments.StatePending {
		t.Fatalf("attempt %+v: want 121000 CZK pending with a session id (the form's amount and currency ignored)", a)
	}
	ev := event("evt_paid_1", stripe.EventTypeCheckoutSessionCompleted, paidSession(a.Ref, 121000, "czk"))
	f.webhook(ev, stripemock.Sign(ev)).Expect(t, 200)
	f.webhook(ev, stripemock.Sign(ev)).Expect(t, 200) // replay
	again := event("evt_paid_2", stripe.EventTypeCheckoutSessionAsyncPaymentSucceeded, paidSession(a.Ref, 121000, "czk"))
	f.webhook(again, stripemock.Sign(again)).Expect(t, 200)
	if n := f.env.Count(`SELECT COUNT(*) FROM payments WHERE client_id = ? AND amount = 121000 AND method = 'online'`, f.alice); n != 1 {
		t.Fatalf("%d payments, want exactly 1", n)
	}
	if n := f.env.Count(`SELECT COUNT(*) FROM invoices WHERE id = ? AND paid = 1`, f.invoice); n != 1 {
		t.Fatal("the invoice is not marked paid")
	}
	// stripe-mock answers every retrieved session as open and unpaid: the redirect
	// must not undo what the webhook recorded.
	r = b.Get("/pay/return/"+itoa(a.ID)).Expect(t, http.StatusSeeOther)
	b.Get(r.Header.Get("Location")).Expect(t, 200, "Paid", "payment has been received")
	b.Get("/invoices/payments").Expect(t, 200, "Online payment", "1,210.00")
	b.Get("/pay").Expect(t, 200, "no unpaid invoices")
	b.Get("/pay/refill").Expect(t, 200, "Refill balance")
	b.Get("/pay/invoice/"+itoa(f.invoice)).Expect(t, 200, "Refill balance")
	if n := f.env.Count(`SELECT COUNT(*) FROM payments`); n != 1 {
		t.Fatalf("%d payments after the redirect, want 1", n)
	}
	if f.env.AuditCount("payment.paid", "stripe") != 1 {
		t.Fatal("the payment is not audited once")
	}
}

// TestRefillReturnThenWebhook: the redirect comes first (the provider has not
// confirmed: the attempt waits, nothing is recorded), then the webhook records it;
// a paid confirmation by the redirect path after that counts nothing more.
func TestRefillReturnThenWebhook(t *testing.T) {
	f := newFixture(t)
	b := f.env.Browser().LoginAs(f.alice)
	start(b, "/pay/refill", url.Values{"amount": {"250,50"}, "currency": {"EUR"}}).Expect(t, http.StatusSeeOther)
	a := f.lastAttempt(t, f.alice)
	if a.Amount != 25050 || a.Currency != "CZK" {
		t.Fatalf("attempt %+v, want 25050 CZK", a)
	}
	r := b.Get("/pay/return/"+itoa(a.ID)).Expect(t, http.StatusSeeOther)
	b.Get(r.Header.Get("Location")).Expect(t, 200, "Waiting for payment")
	if n := f.env.Count(`SELECT COUNT(*) FROM payments`); n != 0 {
		t.Fatal("an unconfirmed payment was recorded")
	}
	ev := event("evt_r1", stripe.EventTypeCheckoutSessionCompleted, paidSession(a.Ref, 25050, "czk"))
	f.webhook(ev, stripemock.Sign(ev)).Expect(t, 200)
	// The redirect's confirmation, now paid, arriving after the webhook.
	f.applyPaid(t, a.Ref, 25050)
	if n := f.env.Count(`SELECT COUNT(*) FROM payments WHERE client_id = ? AND amount = 25050`, f.alice); n != 1 {
		t.Fatalf("%d payments, want 1", n)
	}
	b.Get("/invoices/payments").Expect(t, 200, "250.50")
}

// applyPaid confirms an attempt the way the return redirect does when the provider
// answers "paid" (stripe-mock never does, so the test calls the same service).
func (f *fixture) applyPaid(t *testing.T, ref string, amount int64) payments.Attempt {
	t.Helper()
	var a payments.Attempt
	f.env.Tx(func(tx *sql.Tx) (err error) {
		a, err = f.mod.Apply(context.Background(), tx, "stripe", payments.Outcome{Ref: ref, State: payments.StatePaid, Amount: amount, Currency: "CZK"}, "client:2001", "192.0.2.10")
		return err
	})
	return a
}

// TestRedirectConfirmsBeforeWebhook: the redirect's paid confirmation first, the
// webhook second: still one payment.
func TestRedirectConfirmsBeforeWebhook(t *testing.T) {
	f := newFixture(t)
	b := f.env.Browser().LoginAs(f.alice)
	start(b, "/pay/invoice/"+itoa(f.invoice), nil).Expect(t, http.StatusSeeOther)
	a := f.lastAttempt(t, f.alice)
	if got := f.applyPaid(t, a.Ref, 121000); got.State != payments.StatePaid || got.PaymentID == 0 {
		t.Fatalf("after the redirect: %+v", got)
	}
	ev := event("evt_late", stripe.EventTypeCheckoutSessionCompleted, paidSession(a.Ref, 121000, "czk"))
	f.webhook(ev, stripemock.Sign(ev)).Expect(t, 200)
	if n := f.env.Count(`SELECT COUNT(*) FROM payments`); n != 1 {
		t.Fatalf("%d payments, want 1", n)
	}
}

// TestParallelConfirmations: the webhook and the redirect racing record one payment.
func TestParallelConfirmations(t *testing.T) {
	f := newFixture(t)
	b := f.env.Browser().LoginAs(f.alice)
	start(b, "/pay/invoice/"+itoa(f.invoice), nil).Expect(t, http.StatusSeeOther)
	a := f.lastAttempt(t, f.alice)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				f.applyPaid(t, a.Ref, 121000)
				return
			}
			ev := event("evt_par_"+itoa(int64(i)), stripe.EventTypeCheckoutSessionCompleted, paidSession(a.Ref, 121000, "czk"))
			f.webhook(ev, stripemock.Sign(ev))
		}()
	}
	wg.Wait()
	if n := f.env.Count(`SELECT COUNT(*) FROM payments`); n != 1 {
		t.Fatalf("%d payments, want 1", n)
	}
}

// TestForgedWebhooks: no signature, another secret, a payload changed after signing,
// an old signature: 400 and nothing changes. A signed event whose amount or currency
// differs from the attempt's records nothing and fails the attempt.
func TestForgedWebhooks(t *testing.T) {
	f := newFixture(t)
	b := f.env.Browser().LoginAs(f.alice)
	start(b, "/pay/invoice/"+itoa(f.invoice), nil).Expect(t, http.StatusSeeOther)
	a := f.lastAttempt(t, f.alice)
	ev := event("evt_forged", stripe.EventTypeCheckoutSessionCompleted, paidSession(a.Ref, 121000, "czk"))
	other := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: ev, Secret: "whsec_other"}).Header
	old := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: ev, Secret: stripemock.WebhookSecret,
		Timestamp: f.env.Clock.Now().AddDate(0, -1, 0)}).Header
	tampered := []byte(strings.Replace(string(ev), "121000", "1", 1))
	f.webhook(ev, "").Expect(t, 400)
	f.webhook(ev, other).Expect(t, 400)
	f.webhook(ev, old).Expect(t, 400)
	f.webhook(tampered, stripemock.Sign(ev)).Expect(t, 400)
	if n := f.env.Count(`SELECT COUNT(*) FROM payments`) + f.env.Count(`SELECT COUNT(*) FROM payment_events`); n != 0 {
		t.Fatal("a forged event changed something")
	}
	if s := f.state(t, a.ID); s != payments.StatePending {
		t.Fatalf("state %s after forged events", s)
	}
	cheap := event("evt_cheap", stripe.EventTypeCheckoutSessionCompleted, paidSession(a.Ref, 100, "czk"))
	f.webhook(cheap, stripemock.Sign(cheap)).Expect(t, 200)
	eur := event("evt_eur", stripe.EventTypeCheckoutSessionCompleted, paidSession(a.Ref, 121000, "eur"))
	f.webhook(eur, stripemock.Sign(eur)).Expect(t, 200)
	if n := f.env.Count(`SELECT COUNT(*) FROM payments`); n != 0 {
		t.Fatal("a payment of the wrong amount or currency was recorded")
	}
	if s := f.state(t, a.ID); s != payments.StateFailed {
		t.Fatalf("state %s, want failed", s)
	}
	if f.env.AuditCount("payment.mismatch", "stripe") != 2 {
		t.Fatal("each mismatch is not audited")
	}
	// An event for a session the portal never started is acknowledged and ignored.
	stray := event("evt_stray", stripe.EventTypeCheckoutSessionCompleted, paidSession("cs_test_unknown", 100, "czk"))
	f.webhook(stray, stripemock.Sign(stray)).Expect(t, 200)
	if n := f.env.Count(`SELECT COUNT(*) FROM payments`); n != 0 {
		t.Fatal("a stray event recorded a payment")
	}
}

// TestFailedCancelledExpired: each leaves a clear state that the subscriber sees, in
// English and Czech, and no payment.
func TestFailedCancelledExpired(t *testing.T) {
	f := newFixture(t)
	b := f.env.Browser().LoginAs(f.alice)
	start(b, "/pay/refill", url.Values{"amount": {"300"}}).Expect(t, http.StatusSeeOther)
	cancelled := f.lastAttempt(t, f.alice)
	r := b.Get("/pay/cancel/"+itoa(cancelled.ID)).Expect(t, http.StatusSeeOther)
	b.Get(r.Header.Get("Location")).Expect(t, 200, "Cancelled", "You cancelled the payment")
	cs := f.env.Browser().LoginAs(f.alice)
	cs.Header.Set("Accept-Language", "cs")
	cs.SetCookie(&http.Cookie{Name: "lang", Value: "cs"})
	cs.Get("/pay/attempt/"+itoa(cancelled.ID)).Expect(t, 200, "Zrušena", "Platbu jste zrušili")

	start(b, "/pay/refill", url.Values{"amount": {"300"}}).Expect(t, http.StatusSeeOther)
	failed := f.lastAttempt(t, f.alice)
	ev := event("evt_fail", stripe.EventTypeCheckoutSessionAsyncPaymentFailed,
		map[string]any{"id": failed.Ref, "status": "complete", "payment_status": "unpaid", "amount_total": 30000, "currency": "czk"})
	f.webhook(ev, stripemock.Sign(ev)).Expect(t, 200)
	b.Get("/pay/attempt/"+itoa(failed.ID)).Expect(t, 200, "Failed", "did not go through")

	start(b, "/pay/refill", url.Values{"amount": {"300"}}).Expect(t, http.StatusSeeOther)
	expired := f.lastAttempt(t, f.alice)
	ev = event("evt_exp", stripe.EventTypeCheckoutSessionExpired,
		map[string]any{"id": expired.Ref, "status": "expired", "payment_status": "unpaid", "amount_total": 30000, "currency": "czk"})
	f.webhook(ev, stripemock.Sign(ev)).Expect(t, 200)
	b.Get("/pay/attempt/"+itoa(expired.ID)).Expect(t, 200, "Expired", "expired before")
	b.Get("/pay").Expect(t, 200, "Cancelled", "Failed", "Expired")
	if n := f.env.Count(`SELECT COUNT(*) FROM payments`); n != 0 {
		t.Fatal("a failed payment was recorded")
	}
}

// TestRefillBounds: amounts outside the staff's bounds or not numbers re-render the
// form with the field error and start nothing.
func TestRefillBounds(t *testing.T) {
	f := newFixture(t)
	f.env.Set("ci_refill_min", "200")
	f.env.Set("ci_refill_max", "1000")
	b := f.env.Browser().LoginAs(f.alice)
	for _, amount := range []string{"199.99", "1000.01", "abc", "-300", "1e3", "", "12.345"} {
		start(b, "/pay/refill", url.Values{"amount": {amount}}).Expect(t, 422, `aria-invalid="true"`)
	}
	if n := f.env.Count(`SELECT COUNT(*) FROM payment_attempts`); n != 0 {
		t.Fatalf("%d attempts from refused amounts", n)
	}
	start(b, "/pay/refill", url.Values{"amount": {"1000"}}).Expect(t, http.StatusSeeOther)
}

// TestAnotherClientsInvoiceAndAttempt: bob can neither pay alice's invoice nor see,
// confirm or cancel her attempt; a paid invoice cannot be paid again.
func TestAnotherClientsInvoiceAndAttempt(t *testing.T) {
	f := newFixture(t)
	alice := f.env.Browser().LoginAs(f.alice)
	start(alice, "/pay/invoice/"+itoa(f.invoice), nil).Expect(t, http.StatusSeeOther)
	a := f.lastAttempt(t, f.alice)
	bob := f.env.Browser().LoginAs(f.bob)
	start(bob, "/pay/invoice/"+itoa(f.invoice), nil).Expect(t, 404)
	bob.Get("/pay/attempt/"+itoa(a.ID)).Expect(t, 404)
	bob.Get("/pay/return/"+itoa(a.ID)).Expect(t, 404)
	bob.Get("/pay/cancel/"+itoa(a.ID)).Expect(t, 404)
	bob.Get("/pay").Expect(t, 200).Lacks(t, "FV-1")
	if s := f.state(t, a.ID); s != payments.StatePending {
		t.Fatalf("bob changed alice's attempt to %s", s)
	}
	f.applyPaid(t, a.Ref, 121000)
	start(alice, "/pay/invoice/"+itoa(f.invoice), nil).Expect(t, 404)
}

// TestNotConfiguredAndGate: off is 404; on without keys says so; a provider that does
// not answer fails the attempt with a clear state.
func TestNotConfiguredAndGate(t *testing.T) {
	f := newFixture(t)
	b := f.env.Browser().LoginAs(f.alice)
	f.env.Set("ci_payments_enable", "0")
	b.Get("/pay").Expect(t, 404)
	f.env.Set("ci_payments_enable", "1")
	f.env.Set("stripe_secret_key", "")
	b.Get("/pay").Expect(t, 200, "not available")
	f.env.Set("stripe_secret_key", stripemock.SecretKey)
	f.env.Set("stripe_api_url", "http://127.0.0.1:1")
	r := start(b, "/pay/refill", url.Values{"amount": {"300"}}).Expect(t, http.StatusSeeOther)
	b.Get(r.Header.Get("Location")).Expect(t, 200, "Failed")
	f.webhook([]byte(`{}`), "").Expect(t, 400)
	f.env.Set("stripe_webhook_secret", "")
	f.webhook([]byte(`{}`), "").Expect(t, 404)
	b.Get("/pay").Expect(t, 200, "not available")
}

// While the portal is suspended for maintenance the subscriber's pages and the pay
// link show the maintenance page, but a provider's webhook still records the payment
// it reports: the money is taken already.
func TestWebhookDuringMaintenance(t *testing.T) {
	f := newFixture(t)
	b := f.env.Browser().LoginAs(f.alice)
	start(b, "/pay/invoice/"+itoa(f.invoice), nil).Expect(t, http.StatusSeeOther)
	a := f.lastAttempt(t, f.alice)
	f.env.Set("ci_portal_suspended", "1")
	b.Get("/pay").Expect(t, http.StatusServiceUnavailable)
	ev := event("evt_maint_1", stripe.EventTypeCheckoutSessionCompleted, paidSession(a.Ref, 121000, "czk"))
	f.webhook(ev, stripemock.Sign(ev)).Expect(t, 200)
	if n := f.env.Count(`SELECT COUNT(*) FROM payments WHERE client_id = ? AND amount = 121000`, f.alice); n != 1 {
		t.Fatalf("%d payments recorded during maintenance, want 1", n)
	}
	f.webhook(ev, "").Expect(t, 400) // still checked
}
