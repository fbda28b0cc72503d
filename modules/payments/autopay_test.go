package payments_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
	"github.com/ispportal/portal/internal/outbox"
	"github.com/ispportal/portal/internal/stripemock"
	"github.com/ispportal/portal/modules/admin"
	"github.com/stripe/stripe-go/v82"
)

// setupEvent is Stripe's setup_intent.succeeded for a customer and payment method.
func setupEvent(id, customer, method string) []byte {
	b, _ := json.Marshal(map[string]any{"id": id, "object": "event", "type": stripe.EventTypeSetupIntentSucceeded,
		"api_version": stripe.APIVersion, "data": map[string]any{"object": map[string]any{"id": "seti_" + id, "object": "setup_intent",
			"status": "succeeded", "customer": customer, "payment_method": method}}})
	return b
}

// TestAutopay: the subscriber saves a payment method (Checkout in setup mode against
// stripe-mock; the setup_intent.succeeded webhook confirms it, with the label read
// from stripe-mock), sees it, and the worker charges the invoice due today
// off-session. stripe-mock answers every confirmed PaymentIntent with status
// requires_payment_method, i.e. a declined charge: so the test sees the failure path
// end to end (retry after 1, 3 and 7 days, then giving up, a mail through a real SMTP
// server each time) and never a successful off-session charge. Removing detaches the
// method at stripe-mock and stops the charges; another client sees none of it.
func TestAutopay(t *testing.T) {
	f := newFixture(t)
	srv := mailtest.Start(t)
	b := f.env.Browser().LoginAs(f.alice)
	b.Get("/pay/autopay").Expect(t, 200, "Save a card or SEPA mandate")
	r := b.Post("/pay/autopay/setup", nil).Expect(t, http.StatusSeeOther)
	if !strings.HasPrefix(r.Header.Get("Location"), "https://checkout.stripe.com/") {
		t.Fatalf("setup sent to %q", r.Header.Get("Location"))
	}
	var customer string
	f.env.Deps.DB.R.QueryRow(`SELECT customer_ref FROM autopay_mandates WHERE client_id = ?`, f.alice).Scan(&customer)
	if !strings.HasPrefix(customer, "cus_") {
		t.Fatalf("customer %q", customer)
	}
	b.Get("/pay/autopay?saved=1").Expect(t, 200, "Being confirmed")
	if n, _ := f.mod.RunAutopay(context.Background()); n != 0 {
		t.Fatal("charged before the method was confirmed")
	}
	ev := setupEvent("evt_setup", customer, "pm_card_visa")
	f.webhook(ev, stripemock.Sign(ev)).Expect(t, 200)
	b.Get("/pay/autopay").Expect(t, 200, "visa •••• 4242", "Automatic payments are on", "Remove")
	f.env.Browser().LoginAs(f.bob).Get("/pay/autopay").Expect(t, 200, "Save a card").Lacks(t, "4242")

	// The invoice is due 2026-11-15; the test clock stands at 2026-11-02.
	if n, _ := f.mod.RunAutopay(context.Background()); n != 0 {
		t.Fatal("charged before the due date")
	}
	f.env.Clock.Set(time.Date(2026, 11, 15, 9, 0, 0, 0, time.UTC))
	worker := mail.NewWorker(f.env.Deps.DB, srv.Config, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	for i, wait := range []time.Duration{0, 24 * time.Hour, 3 * 24 * time.Hour, 7 * 24 * time.Hour} {
		f.env.Clock.Advance(wait)
		if n, err := f.mod.RunAutopay(context.Background()); err != nil || n != 1 {
			t.Fatalf("try %d: %d charges, %v", i+1, n, err)
		}
		if n, _ := f.mod.RunAutopay(context.Background()); n != 0 {
			t.Fatalf("try %d: charged again before the retry is due", i+1)
		}
	}
	f.env.Clock.Advance(30 * 24 * time.Hour)
	if n, _ := f.mod.RunAutopay(context.Background()); n != 0 {
		t.Fatal("charged after giving up")
	}
	var tries int
	var state, last string
	f.env.Deps.DB.R.QueryRow(`SELECT tries, state, last_error FROM autopay_charges WHERE client_id = ?`, f.alice).Scan(&tries, &state, &last)
	if tries != 4 || state != "failed" || last != "requires_payment_method" {
		t.Fatalf("charge: %d tries, %s, %q", tries, state, last)
	}
	if n := f.env.Count(`SELECT COUNT(*) FROM payments`); n != 0 {
		t.Fatal("a declined charge was recorded as a payment")
	}
	if _, _, err := worker.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs := srv.WaitFor(t, 4, 5*time.Second)
	for i, m := range msgs {
		if m.To[0] != "c2001@example.net" || !strings.Contains(m.Subject, "FV-1") || !strings.Contains(m.Text, "1210.00 CZK") ||
			!strings.Contains(m.Text, "visa •••• 4242") {
			t.Fatalf("mail %d: %+v", i, m)
		}
	}
	if !strings.Contains(msgs[0].Text, "try again on 2026-11-16") || !strings.Contains(msgs[3].Text, "not try again") {
		t.Fatalf("retry dates: %q / %q", msgs[0].Text, msgs[3].Text)
	}
	if f.env.AuditCount("autopay.failed", "system") != 4 || f.env.AuditCount("autopay.on", "stripe") != 1 {
		t.Fatal("autopay not audited")
	}

	b = f.env.Browser().LoginAs(f.alice)
	b.Post("/pay/autopay/remove", nil).Expect(t, http.StatusSeeOther)
	b.Get("/pay/autopay").Expect(t, 200, "automatic payments are off", "Save a card")
	f.env.Browser().LoginAs(f.bob).Post("/pay/autopay/remove", nil).Expect(t, 404)
	if f.env.Count(`SELECT COUNT(*) FROM autopay_mandates`) != 0 {
		t.Fatal("the mandate was not removed")
	}
}

// TestAutopayProcessingSettled: a SEPA charge Stripe answered "processing" (stripe-mock
// never does, so the row is made here as try() stores it) is recorded when the signed
// payment_intent.succeeded arrives, once; a wrong amount records nothing.
func TestAutopayProcessingSettled(t *testing.T) {
	f := newFixture(t)
	second := f.addInvoice(t, f.alice, "FV-2", 2000)
	now := "2026-11-15T09:00:00Z"
	for _, r := range []struct {
		inv int64
		ref string
		amt int64
	}{{f.invoice, "pi_sepa_1", 121000}, {second, "pi_sepa_2", 2420}} {
		if _, err := f.env.Deps.DB.W.Exec(`INSERT INTO autopay_charges (client_id, invoice_id, amount, currency, tries, next_try, state, last_ref, created_at, updated_at)
			VALUES (?, ?, ?, 'CZK', 1, ?, 'processing', ?, ?, ?)`, f.alice, r.inv, r.amt, now, r.ref, now, now); err != nil {
			t.Fatal(err)
		}
	}
	piEvent := func(id, ref string, amount int64) []byte {
		b, _ := json.Marshal(map[string]any{"id": id, "object": "event", "type": stripe.EventTypePaymentIntentSucceeded,
			"api_version": stripe.APIVersion, "data": map[string]any{"object": map[string]any{"id": ref, "object": "payment_intent",
				"status": "succeeded", "amount": amount, "amount_received": amount, "currency": "czk"}}})
		return b
	}
	ok := piEvent("evt_pi1", "pi_sepa_1", 121000)
	f.webhook(ok, stripemock.Sign(ok)).Expect(t, 200)
	again := piEvent("evt_pi1b", "pi_sepa_1", 121000)
	f.webhook(again, stripemock.Sign(again)).Expect(t, 200)
	cheap := piEvent("evt_pi2", "pi_sepa_2", 1)
	f.webhook(cheap, stripemock.Sign(cheap)).Expect(t, 200)
	if n := f.env.Count(`SELECT COUNT(*) FROM payments WHERE external_id = 'stripe:pi_sepa_1' AND amount = 121000`); n != 1 {
		t.Fatalf("%d payments for the settled charge", n)
	}
	if n := f.env.Count(`SELECT COUNT(*) FROM payments`); n != 1 {
		t.Fatal("the wrong amount was recorded")
	}
	if n := f.env.Count(`SELECT COUNT(*) FROM invoices WHERE id = ? AND paid = 1`, f.invoice); n != 1 {
		t.Fatal("the invoice is not paid")
	}
	if f.env.AuditCount("autopay.mismatch", "stripe") != 1 {
		t.Fatal("the mismatch is not audited")
	}
}

// TestAutopayProcessingFailed: a SEPA charge Stripe answered "processing" that the
// bank then refuses (signed payment_intent.payment_failed) leaves processing for the
// retry schedule (next try a day later), mails the client in the client's language
// (Czech here) once however often the event comes, and the worker tries again when
// the day comes.
func TestAutopayProcessingFailed(t *testing.T) {
	f := newFixture(t)
	srv := mailtest.Start(t)
	if _, err := f.env.Deps.DB.W.Exec(`UPDATE clients SET language = 'cs' WHERE id = ?`, f.alice); err != nil {
		t.Fatal(err)
	}
	now := "2026-11-15T09:00:00Z"
	f.env.Clock.Set(time.Date(2026, 11, 15, 9, 0, 0, 0, time.UTC))
	if _, err := f.env.Deps.DB.W.Exec(`INSERT INTO autopay_mandates (client_id, provider, customer_ref, method_ref, label, state, created_at, updated_at)
		VALUES (?, 'stripe', 'cus_sepa', 'pm_sepa', 'SEPA •••• 3000', 'active', ?, ?)`, f.alice, now, now); err != nil {
		t.Fatal(err)
	}
	if _, err := f.env.Deps.DB.W.Exec(`INSERT INTO autopay_charges (client_id, invoice_id, amount, currency, tries, next_try, state, last_ref, created_at, updated_at)
		VALUES (?, ?, 121000, 'CZK', 1, ?, 'processing', 'pi_sepa_f', ?, ?)`, f.alice, f.invoice, now, now, now); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.mod.RunAutopay(context.Background()); n != 0 {
		t.Fatal("a processing charge was tried again")
	}
	failed, _ := json.Marshal(map[string]any{"id": "evt_pi_failed", "object": "event", "type": stripe.EventTypePaymentIntentPaymentFailed,
		"api_version": stripe.APIVersion, "data": map[string]any{"object": map[string]any{"id": "pi_sepa_f", "object": "payment_intent",
			"status": "requires_payment_method", "amount": 121000, "currency": "czk",
			"last_payment_error": map[string]any{"type": "card_error", "code": "insufficient_funds"}}}})
	f.webhook(failed, "t=1,v1=forged").Expect(t, 400)
	for range 2 {
		f.webhook(failed, stripemock.Sign(failed)).Expect(t, 200)
	}
	var tries int
	var state, last, next string
	f.env.Deps.DB.R.QueryRow(`SELECT tries, state, last_error, next_try FROM autopay_charges WHERE client_id = ?`, f.alice).Scan(&tries, &state, &last, &next)
	if tries != 1 || state != "retrying" || last != "insufficient_funds" || !strings.HasPrefix(next, "2026-11-16T09:00") {
		t.Fatalf("charge after the failure: %d tries, %s, %q, next %s", tries, state, last, next)
	}
	if f.env.AuditCount("autopay.failed", "stripe") != 1 || f.env.Count(`SELECT COUNT(*) FROM payments`) != 0 {
		t.Fatal("the failure is not audited once, or something was recorded")
	}
	worker := mail.NewWorker(f.env.Deps.DB, srv.Config, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	if _, _, err := worker.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs := srv.WaitFor(t, 1, 5*time.Second)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Subject, "se nezdařila") || !strings.Contains(msgs[0].Text, "SEPA •••• 3000") ||
		!strings.Contains(msgs[0].Text, "2026-11-16") {
		t.Fatalf("mails %+v", msgs)
	}
	f.env.Clock.Advance(24 * time.Hour)
	if n, err := f.mod.RunAutopay(context.Background()); err != nil || n != 1 {
		t.Fatalf("the retry schedule did not go on: %d, %v", n, err)
	}
	f.env.Deps.DB.R.QueryRow(`SELECT tries FROM autopay_charges WHERE client_id = ?`, f.alice).Scan(&tries)
	if tries != 2 {
		t.Fatalf("%d tries after the retry", tries)
	}
}

// An instance that died while trying a charge leaves it claimed ('charging'): no other
// instance charges it within the lease; after it, the next round tries it again.
func TestAutopayDeadInstanceCharge(t *testing.T) {
	f := newFixture(t, admin.New)
	f.env.Browser().LoginAs(f.alice).Post("/pay/autopay/setup", nil).Expect(t, http.StatusSeeOther)
	var customer string
	f.env.Deps.DB.R.QueryRow(`SELECT customer_ref FROM autopay_mandates WHERE client_id = ?`, f.alice).Scan(&customer)
	ev := setupEvent("evt_setup_dead", customer, "pm_card_visa")
	f.webhook(ev, stripemock.Sign(ev)).Expect(t, 200)
	f.env.Clock.Set(time.Date(2026, 11, 15, 9, 0, 0, 0, time.UTC))
	now := f.env.Clock.Now().UTC().Format(time.RFC3339)
	f.env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO autopay_charges (client_id, invoice_id, amount, currency, next_try, state, created_at, updated_at, claimed_by, claimed_at)
			VALUES (?, ?, 121000, 'CZK', ?, 'charging', ?, ?, 'other-instance', ?)`, f.alice, f.invoice, now, now, now, now)
		return err
	})
	f.env.StaffBrowser("readonly").Get("/admin/payments").Expect(t, 200, "Being charged now")
	f.env.Clock.Advance(outbox.Lease - time.Second)
	if n, err := f.mod.RunAutopay(context.Background()); n != 0 || err != nil {
		t.Fatalf("charge claimed by a live instance tried: %d, %v", n, err)
	}
	f.env.Clock.Advance(2 * time.Second)
	if n, err := f.mod.RunAutopay(context.Background()); n != 1 || err != nil {
		t.Fatalf("charge of a dead instance after the lease: %d, %v", n, err)
	}
	var tries int
	var state string
	f.env.Deps.DB.R.QueryRow(`SELECT tries, state FROM autopay_charges WHERE client_id = ?`, f.alice).Scan(&tries, &state)
	if tries != 1 || state != "retrying" {
		t.Fatalf("after the take-over: try %d, %s", tries, state)
	}
}
