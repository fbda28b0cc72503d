package payments_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
	"github.com/ispportal/portal/internal/stripemock"
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
