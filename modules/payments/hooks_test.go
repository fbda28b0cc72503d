package payments_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/outbox"
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

// TestPaymentWebhookTwoInstances: two instances' workers deliver from one database at
// once and each payment is posted exactly once; a row left 'sending' by an instance
// that died is posted again only after the lease.
func TestPaymentWebhookTwoInstances(t *testing.T) {
	f := newFixture(t)
	var mu sync.Mutex
	posts := map[float64]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v struct {
			Payment struct{ ID float64 } `json:"payment"`
		}
		json.NewDecoder(r.Body).Decode(&v)
		time.Sleep(2 * time.Millisecond) // long enough for the other worker to look
		mu.Lock()
		posts[v.Payment.ID]++
		mu.Unlock()
	}))
	defer srv.Close()
	f.env.Set("payments_webhook_url", srv.URL+"/hook")
	f.env.Set("payments_webhook_secret", "hook-secret")
	const n = 40
	f.env.Tx(func(tx *sql.Tx) error {
		for i := range n {
			if _, err := invoices.SavePayment(context.Background(), tx, invoices.Payment{ClientID: f.bob,
				ExternalID: "bank-" + strconv.Itoa(i), PaidOn: f.env.Clock.Now(), Amount: 100, Currency: "CZK",
				Method: invoices.MethodBank}); err != nil {
				return err
			}
		}
		return nil
	})
	ctx := context.Background()
	if q, err := f.mod.QueueHooks(ctx); err != nil || q != n {
		t.Fatalf("queued %d, %v", q, err)
	}
	other := payments.New(f.env.Deps).(*payments.Module) // a second instance: its own claimant
	var wg sync.WaitGroup
	counts := make([]int, 2)
	for i, m := range []*payments.Module{f.mod, other} {
		wg.Go(func() {
			c, err := m.DeliverHooks(ctx)
			if err != nil {
				t.Error(err)
			}
			counts[i] = c
		})
	}
	wg.Wait()
	if counts[0]+counts[1] != n || len(posts) != n {
		t.Fatalf("delivered %v, posted %d payments", counts, len(posts))
	}
	for id, c := range posts {
		if c != 1 {
			t.Fatalf("payment %v posted %d times", id, c)
		}
	}

	// A row an instance claimed and never finished: left alone within the lease,
	// posted again after it.
	f.env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE payment_hooks SET state = 'sending', claimed_by = 'dead/1/x', claimed_at = ? WHERE id = 1`,
			core.Now(f.env.Clock.Now()))
		return err
	})
	f.env.Clock.Advance(outbox.Lease - time.Second)
	if c, _ := other.DeliverHooks(ctx); c != 0 {
		t.Fatalf("a live claim was taken over (%d posted)", c)
	}
	f.env.Clock.Advance(2 * time.Second)
	if c, err := other.DeliverHooks(ctx); err != nil || c != 1 {
		t.Fatalf("the dead claim was not taken over: %d, %v", c, err)
	}
	if s := f.env.Count(`SELECT COUNT(*) FROM payment_hooks WHERE state = 'sent' AND claimed_by IS NULL`); s != n {
		t.Fatalf("%d of %d rows sent and released", s, n)
	}
}
