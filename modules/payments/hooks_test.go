package payments_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/stripemock"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/modules/payments"
	"github.com/stripe/stripe-go/v82"
)

// TestPaymentWebhook: every recorded payment (an online one and one the billing
// system pushed) is posted once, signed with the secret; a 500 is retried on the
// outbox schedule, and queuing again adds nothing.
func TestPaymentWebhook(t *testing.T) {
	f := newFixture(t)
	var mu sync.Mutex
	var got []map[string]any
	fail := 1
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		// The signature is over the time in the header and the body, with the secret.
		if r.Header.Get("X-Portal-Signature") != payments.SignHook("hook-secret", f.env.Clock.Now(), body) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		if fail > 0 {
			fail--
			http.Error(w, "busy", http.StatusInternalServerError)
			return
		}
		var v map[string]any
		json.Unmarshal(body, &v)
		got = append(got, v)
	}))
	defer srv.Close()
	f.env.Set("payments_webhook_url", srv.URL+"/hook")
	f.env.Set("payments_webhook_secret", "hook-secret")

	b := f.env.Browser().LoginAs(f.alice)
	start(b, "/pay/refill", url.Values{"amount": {"300"}}).Expect(t, http.StatusSeeOther)
	a := f.lastAttempt(t, f.alice)
	ev := event("evt_hook", stripe.EventTypeCheckoutSessionCompleted, paidSession(a.Ref, 30000, "czk"))
	f.webhook(ev, stripemock.Sign(ev)).Expect(t, 200)
	f.env.Tx(func(tx *sql.Tx) error {
		_, err := invoices.SavePayment(context.Background(), tx, invoices.Payment{ClientID: f.bob, ExternalID: "bank-1",
			PaidOn: f.env.Clock.Now(), Amount: 5000, Currency: "CZK", Method: invoices.MethodBank})
		return err
	})
	ctx := context.Background()
	if n, err := f.mod.QueueHooks(ctx); err != nil || n != 2 {
		t.Fatalf("queued %d, %v", n, err)
	}
	if n, _ := f.mod.QueueHooks(ctx); n != 0 {
		t.Fatal("queued again")
	}
	if n, err := f.mod.DeliverHooks(ctx); err != nil || n != 2 {
		t.Fatalf("delivered %d, %v", n, err)
	}
	if n, _ := f.mod.DeliverHooks(ctx); n != 0 {
		t.Fatal("retried before its backoff")
	}
	f.env.Clock.Advance(31 * time.Second)
	if n, _ := f.mod.DeliverHooks(ctx); n != 1 {
		t.Fatal("the failed post was not retried")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0]["event"] != "payment.recorded" {
		t.Fatalf("received %v", got)
	}
	methods := map[string]bool{}
	for _, v := range got {
		methods[v["payment"].(map[string]any)["method"].(string)] = true
	}
	if !methods["online"] || !methods["bank"] {
		t.Fatalf("methods %v", methods)
	}
	if n := f.env.Count(`SELECT COUNT(*) FROM payment_hooks WHERE state = 'sent'`); n != 2 {
		t.Fatalf("%d sent", n)
	}
}
