package payments_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/paypaltest"
	"github.com/ispportal/portal/internal/stripemock"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/payments"
)

// withPayPal configures PayPal against a local test server of PayPal's REST API
// (PayPal ships no mock; paypaltest follows its published shapes).
func (f *fixture) withPayPal(t *testing.T) *paypaltest.Server {
	t.Helper()
	pp := paypaltest.Start(t)
	f.env.Set("paypal_client_id", paypaltest.ClientID)
	f.env.Set("paypal_secret", paypaltest.Secret)
	f.env.Set("paypal_webhook_id", paypaltest.WebhookID)
	f.env.Set("paypal_api_url", pp.URL)
	return pp
}

// ppWebhook posts a PayPal event with its transmission headers.
func (f *fixture) ppWebhook(body []byte, h http.Header) *testkit.Response {
	req, _ := http.NewRequest(http.MethodPost, "/pay/webhook/paypal", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range h {
		req.Header[k] = v
	}
	return f.env.Browser().Do(req)
}

// payPayPal starts paying the invoice with PayPal (with a tampered amount and
// currency in the form, ignored) and returns the attempt.
func (f *fixture) payPayPal(t *testing.T, b *testkit.Browser, invoice int64, client int64) attemptRow {
	t.Helper()
	r := start(b, "/pay/invoice/"+itoa(invoice), url.Values{"provider": {"paypal"}, "amount": {"1"}, "currency": {"EUR"}})
	r.Expect(t, http.StatusSeeOther)
	a := f.lastAttempt(t, client)
	if loc := r.Header.Get("Location"); loc != paypaltest.ApproveHost+"/checkoutnow?token="+a.Ref {
		t.Fatalf("sent to %q, want PayPal's approve page of order %q", loc, a.Ref)
	}
	return a
}

// TestPayPalHappyPath: with Stripe and PayPal configured the subscriber chooses; the
// PayPal order is for the server's amount; the return before approval leaves it
// waiting, the return after it captures and records the payment once; the webhooks
// that follow (and their replays) change nothing and capture nothing again.
func TestPayPalHappyPath(t *testing.T) {
	f := newFixture(t)
	pp := f.withPayPal(t)
	b := f.env.Browser().LoginAs(f.alice)
	page := b.Get("/pay").Expect(t, 200, "Pay by card", "Pay with PayPal")
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "https://checkout.stripe.com") ||
		!strings.Contains(csp, paypaltest.ApproveHost) {
		t.Fatalf("CSP %q does not admit both providers' pages", csp)
	}
	if csp := b.Get("/invoices").Header.Get("Content-Security-Policy"); strings.Contains(csp, "paypal") {
		t.Fatalf("another page admits PayPal: %q", csp)
	}
	a := f.payPayPal(t, b, f.invoice, f.alice)
	if a.Amount != 121000 || a.Currency != "CZK" || a.State != payments.StatePending {
		t.Fatalf("attempt %+v, want 121000 CZK pending", a)
	}
	status, ret, cancel := pp.Order(a.Ref)
	if status != "PAYER_ACTION_REQUIRED" || ret != "https://portal.example.net/pay/return/"+itoa(a.ID) ||
		cancel != "https://portal.example.net/pay/cancel/"+itoa(a.ID) {
		t.Fatalf("order %s, return %q, cancel %q", status, ret, cancel)
	}
	// Back before approving (the buyer closed PayPal's page): nothing happens.
	b.Get("/pay/return/"+itoa(a.ID)+"?token="+a.Ref).Expect(t, http.StatusSeeOther)
	if s := f.state(t, a.ID); s != payments.StatePending {
		t.Fatalf("state %s before approval", s)
	}
	pp.Approve(a.Ref)
	r := b.Get("/pay/return/"+itoa(a.ID)+"?token="+a.Ref+"&PayerID=QYR5Z8XDVJNXQ").Expect(t, http.StatusSeeOther)
	b.Get(r.Header.Get("Location")).Expect(t, 200, "Paid")
	if n := f.env.Count(`SELECT COUNT(*) FROM payments WHERE external_id = ? AND amount = 121000 AND currency = 'CZK' AND note = 'PayPal'`,
		"paypal:"+a.Ref); n != 1 {
		t.Fatalf("%d PayPal payments, want 1", n)
	}
	if n := f.env.Count(`SELECT COUNT(*) FROM invoices WHERE id = ? AND paid = 1`, f.invoice); n != 1 {
		t.Fatal("the invoice is not paid")
	}
	done, h := pp.Event("WH-COMPLETED-1", "PAYMENT.CAPTURE.COMPLETED", a.Ref)
	f.ppWebhook(done, h).Expect(t, 200)
	f.ppWebhook(done, h).Expect(t, 200) // replay
	approved, h2 := pp.Event("WH-APPROVED-1", "CHECKOUT.ORDER.APPROVED", a.Ref)
	f.ppWebhook(approved, h2).Expect(t, 200)
	b.Get("/pay/return/"+itoa(a.ID)).Expect(t, http.StatusSeeOther)
	if n := f.env.Count(`SELECT COUNT(*) FROM payments`); n != 1 || pp.Captures != 1 {
		t.Fatalf("%d payments, %d captures; want 1 and 1", n, pp.Captures)
	}
	if f.env.AuditCount("payment.paid", "client:2001") != 1 {
		t.Fatal("the payment is not audited once")
	}
	b.Get("/invoices/payments").Expect(t, 200, "1,210.00")
}

// TestPayPalWebhookFirst: the approved order's webhook captures and records the
// payment before the buyer is back; the return then only shows it.
func TestPayPalWebhookFirst(t *testing.T) {
	f := newFixture(t)
	pp := f.withPayPal(t)
	b := f.env.Browser().LoginAs(f.alice)
	a := f.payPayPal(t, b, f.invoice, f.alice)
	pp.Approve(a.Ref)
	ev, h := pp.Event("WH-APPROVED-2", "CHECKOUT.ORDER.APPROVED", a.Ref)
	f.ppWebhook(ev, h).Expect(t, 200)
	if s := f.state(t, a.ID); s != payments.StatePaid {
		t.Fatalf("state %s after the approved webhook", s)
	}
	r := b.Get("/pay/return/"+itoa(a.ID)).Expect(t, http.StatusSeeOther)
	b.Get(r.Header.Get("Location")).Expect(t, 200, "Paid")
	if n := f.env.Count(`SELECT COUNT(*) FROM payments`); n != 1 || pp.Captures != 1 {
		t.Fatalf("%d payments, %d captures", n, pp.Captures)
	}
	if f.env.AuditCount("payment.paid", "paypal") != 1 {
		t.Fatal("not audited as the webhook's")
	}
}

// TestPayPalDenied: a capture PayPal declines leaves the attempt failed, shown in
// Czech too, with no payment; PAYMENT.CAPTURE.DENIED fails a waiting attempt.
func TestPayPalDenied(t *testing.T) {
	f := newFixture(t)
	pp := f.withPayPal(t)
	b := f.env.Browser().LoginAs(f.alice)
	a := f.payPayPal(t, b, f.invoice, f.alice)
	pp.Deny(a.Ref)
	pp.Approve(a.Ref)
	r := b.Get("/pay/return/"+itoa(a.ID)).Expect(t, http.StatusSeeOther)
	b.Get(r.Header.Get("Location")).Expect(t, 200, "Failed", "did not go through")
	b.Post("/lang", url.Values{"lang": {"cs"}, "back": {"/pay"}})
	b.Get(r.Header.Get("Location")).Expect(t, 200, "Nezdařila")
	second := f.payPayPal(t, b, f.invoice, f.alice)
	ev, h := pp.Event("WH-DENIED-1", "PAYMENT.CAPTURE.DENIED", second.Ref)
	f.ppWebhook(ev, h).Expect(t, 200)
	if s1, s2 := f.state(t, a.ID), f.state(t, second.ID); s1 != payments.StateFailed || s2 != payments.StateFailed {
		t.Fatalf("states %s %s, want failed", s1, s2)
	}
	if n := f.env.Count(`SELECT COUNT(*) FROM payments`) + f.env.Count(`SELECT COUNT(*) FROM invoices WHERE paid = 1`); n != 0 {
		t.Fatal("a declined payment was recorded")
	}
}

// TestPayPalForgedAndReplayed: events PayPal does not verify (no headers, signed for
// another webhook, body changed after signing) are 400 and change nothing; a stray
// order is ignored; a replayed event is applied once.
func TestPayPalForgedAndReplayed(t *testing.T) {
	f := newFixture(t)
	pp := f.withPayPal(t)
	b := f.env.Browser().LoginAs(f.alice)
	a := f.payPayPal(t, b, f.invoice, f.alice)
	ev, h := pp.Event("WH-FORGED-1", "PAYMENT.CAPTURE.COMPLETED", a.Ref)
	f.ppWebhook(ev, nil).Expect(t, 400)
	f.ppWebhook([]byte("{not json"), h).Expect(t, 400)
	f.ppWebhook(ev, pp.Sign(ev, "WH-OTHER")).Expect(t, 400)
	tampered := bytes.Replace(ev, []byte(`"1210.00"`), []byte(`"1.00"`), 1)
	f.ppWebhook(tampered, h).Expect(t, 400)
	if n := f.env.Count(`SELECT COUNT(*) FROM payments`) + f.env.Count(`SELECT COUNT(*) FROM payment_events`); n != 0 {
		t.Fatal("a forged event changed something")
	}
	if s := f.state(t, a.ID); s != payments.StatePending {
		t.Fatalf("state %s after forged events", s)
	}
	stray, sh := pp.Event("WH-STRAY", "PAYMENT.CAPTURE.COMPLETED", "5O99999999999999T")
	f.ppWebhook(stray, sh).Expect(t, 200)
	for range 2 {
		f.ppWebhook(ev, h).Expect(t, 200)
	}
	if n := f.env.Count(`SELECT COUNT(*) FROM payments WHERE external_id = ?`, "paypal:"+a.Ref); n != 1 {
		t.Fatalf("%d payments from a replayed event", n)
	}
	if n := f.env.Count(`SELECT COUNT(*) FROM payments`); n != 1 {
		t.Fatal("the stray event recorded a payment")
	}
}

// TestPayPalTamperedAmount: a capture of another amount than the order's records
// nothing, fails the attempt and is audited.
func TestPayPalTamperedAmount(t *testing.T) {
	f := newFixture(t)
	pp := f.withPayPal(t)
	b := f.env.Browser().LoginAs(f.alice)
	a := f.payPayPal(t, b, f.invoice, f.alice)
	pp.PayAmount(a.Ref, "1.00")
	pp.Approve(a.Ref)
	b.Get("/pay/return/"+itoa(a.ID)).Expect(t, http.StatusSeeOther)
	if s := f.state(t, a.ID); s != payments.StateFailed {
		t.Fatalf("state %s, want failed", s)
	}
	if f.env.Count(`SELECT COUNT(*) FROM payments`) != 0 || f.env.AuditCount("payment.mismatch", "client:2001") != 1 {
		t.Fatal("a tampered amount was recorded or not audited")
	}
}

// TestPayPalAnotherClientsOrder: another client's attempt, invoice and order are
// out of reach: the return and attempt pages are 404, paying bob's invoice is 404,
// and bob's order stays as it was.
func TestPayPalAnotherClientsOrder(t *testing.T) {
	f := newFixture(t)
	pp := f.withPayPal(t)
	bobInvoice := f.addInvoice(t, f.bob, "FV-B", 5000)
	bob := f.env.Browser().LoginAs(f.bob)
	ba := f.payPayPal(t, bob, bobInvoice, f.bob)
	pp.Approve(ba.Ref)
	alice := f.env.Browser().LoginAs(f.alice)
	alice.Get("/pay/return/"+itoa(ba.ID)+"?token="+ba.Ref).Expect(t, 404)
	alice.Get("/pay/attempt/"+itoa(ba.ID)).Expect(t, 404)
	alice.Get("/pay/cancel/"+itoa(ba.ID)).Expect(t, 404)
	start(alice, "/pay/invoice/"+itoa(bobInvoice), url.Values{"provider": {"paypal"}}).Expect(t, 404)
	if s, _, _ := pp.Order(ba.Ref); s != "APPROVED" || pp.Captures != 0 || f.state(t, ba.ID) != payments.StatePending {
		t.Fatalf("bob's order %s, %d captures, attempt %s", s, pp.Captures, f.state(t, ba.ID))
	}
	// An unknown provider in the form is refused, not defaulted.
	alice.Get("/pay")
	alice.Post("/pay/invoice/"+itoa(f.invoice), url.Values{"provider": {"bitcoin"}}).Expect(t, http.StatusSeeOther)
	if n := f.env.Count(`SELECT COUNT(*) FROM payment_attempts WHERE client_id = ?`, f.alice); n != 0 {
		t.Fatalf("%d attempts from an unknown provider", n)
	}
}

// TestZeroDecimalCurrency: a JPY refill goes to PayPal as whole yen and comes back as
// the portal's hundredths; a fraction of a yen is refused with a message; Stripe's
// zero-decimal amount in a webhook is read back the same way.
func TestZeroDecimalCurrency(t *testing.T) {
	f := newFixture(t)
	pp := f.withPayPal(t)
	f.env.Set("ci_refill_currency", "JPY")
	b := f.env.Browser().LoginAs(f.alice)
	start(b, "/pay/refill", url.Values{"amount": {"500,50"}, "provider": {"paypal"}}).Expect(t, 422, "whole amount")
	start(b, "/pay/refill", url.Values{"amount": {"500"}, "provider": {"paypal"}}).Expect(t, http.StatusSeeOther)
	a := f.lastAttempt(t, f.alice)
	if a.Amount != 50000 || a.Currency != "JPY" {
		t.Fatalf("attempt %+v", a)
	}
	pp.Approve(a.Ref)
	b.Get("/pay/return/"+itoa(a.ID)).Expect(t, http.StatusSeeOther)
	if n := f.env.Count(`SELECT COUNT(*) FROM payments WHERE amount = 50000 AND currency = 'JPY'`); n != 1 {
		t.Fatal("500 JPY through PayPal not recorded as 500.00")
	}
	start(b, "/pay/refill", url.Values{"amount": {"700"}, "provider": {"stripe"}}).Expect(t, http.StatusSeeOther)
	s := f.lastAttempt(t, f.alice)
	ev := event("evt_jpy", "checkout.session.completed", paidSession(s.Ref, 700, "jpy"))
	f.webhook(ev, stripemock.Sign(ev)).Expect(t, 200)
	if n := f.env.Count(`SELECT COUNT(*) FROM payments WHERE amount = 70000 AND currency = 'JPY'`); n != 1 {
		t.Fatal("Stripe's 700 (zero-decimal JPY) not recorded as 700.00")
	}
}
