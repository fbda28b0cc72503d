//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/ispportal/portal/internal/stripemock"
	"github.com/stripe/stripe-go/v82"
	_ "modernc.org/sqlite"
)

// TestPayments: the demo client redeems a demo voucher (English and Czech) and pays an
// invoice with Stripe as far as stripe-mock allows: the Pay online page, the form's
// redirect to Stripe Checkout (admitted by the page's CSP; the hosted page itself is
// Stripe's and not reachable here), the return to a waiting payment, then the signed
// webhook that stripe-mock cannot send, and the paid state. Every page at 390 and 1440 px.
func TestPayments(t *testing.T) {
	s := start(t)
	mock := stripemock.Start(t)
	for _, kv := range [][2]string{{"ci_vouchers_enable", "1"}, {"ci_payments_enable", "1"}, {"stripe_secret_key", stripemock.SecretKey},
		{"stripe_webhook_secret", stripemock.WebhookSecret}, {"stripe_api_url", mock}} {
		s.cli("settings", "set", kv[0], kv[1])
	}

	t.Run("redeem a voucher", func(t *testing.T) {
		s.t = t
		s.asDemo()
		s.open("redeem voucher", "/vouchers")
		s.fill("#f-code", "nope-nope-nope-nope")
		s.submit("main form button[type=submit]")
		s.expectText("not valid")
		s.check("redeem voucher refused")
		s.fill("#f-code", "demo 2026 vchr 0001")
		s.submit("main form button[type=submit]")
		s.expectText("200.00 was added to your balance")
		s.check("voucher redeemed")
		s.open("payment history", "/invoices/payments")
		s.expectText("Voucher")
		s.submit(`footer button[value="cs"]`)
		s.open("redeem voucher in Czech", "/vouchers")
		s.expectText("Uplatnit poukaz", "Kód poukazu")
		s.submit(`footer button[value="en"]`)
	})

	t.Run("pay an invoice with Stripe", func(t *testing.T) {
		s.t = t
		s.asDemo()
		s.open("pay online", "/pay")
		s.expectText("Unpaid invoices", "Refill balance")
		// The refill form refuses an amount outside the bounds.
		s.fill("#f-amount", "5")
		s.submit("main form[action$='/pay/refill'] button[type=submit]")
		s.expectText("Enter an amount within the limits shown")
		s.check("refill refused")
		// Pay now: the browser is sent to Stripe Checkout (not reachable offline: the
		// check is that the page's CSP let the redirect go there).
		// A form-action the CSP refused would stop the redirect before any request to
		// Stripe: the request leaving for checkout.stripe.com proves it was admitted.
		sent := make(chan string, 4)
		ctx, cancel := context.WithCancel(s.browser)
		defer cancel()
		chromedp.Listen(ctx, func(ev any) {
			if e, ok := ev.(*network.EventRequestWillBeSent); ok && strings.HasPrefix(e.Request.URL, "https://checkout.stripe.com/") {
				select {
				case sent <- e.Request.URL:
				default:
				}
			}
		})
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			t.Fatal(err)
		}
		s.run(chromedp.Click(chromedp.CSS("main form[action*='/pay/invoice/'] button")))
		select {
		case <-sent:
		case <-time.After(15 * time.Second):
			t.Fatalf("the browser never left for Stripe Checkout; at %s", value(s, chromedp.Location()))
		}

		db, err := sql.Open("sqlite", "file:"+filepath.Join(s.dir, "data", "portal.db")+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var id int64
		var ref, currency string
		var amount int64
		if err := db.QueryRow(`SELECT id, provider_ref, amount, currency FROM payment_attempts WHERE state = 'pending' ORDER BY id DESC LIMIT 1`).
			Scan(&id, &ref, &amount, &currency); err != nil {
			t.Fatal(err)
		}
		idStr := strconv.FormatInt(id, 10)
		s.open("payment waiting", "/pay/return/"+idStr)
		s.expectText("Waiting for payment")

		ev, _ := json.Marshal(map[string]any{"id": "evt_e2e", "object": "event", "type": stripe.EventTypeCheckoutSessionCompleted,
			"api_version": stripe.APIVersion, "data": map[string]any{"object": map[string]any{"id": ref, "object": "checkout.session",
				"status": "complete", "payment_status": "paid", "amount_total": amount, "currency": strings.ToLower(currency)}}})
		req, _ := http.NewRequest(http.MethodPost, s.base+"/pay/webhook/stripe", bytes.NewReader(ev))
		req.Header.Set("Stripe-Signature", stripemock.Sign(ev))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("webhook: %v %v", err, resp)
		}
		resp.Body.Close()
		s.open("payment paid", "/pay/attempt/"+idStr)
		s.expectText("Paid", "payment has been received")
		s.open("payment history after paying", "/invoices/payments")
		s.expectText("Online payment")
	})
}
