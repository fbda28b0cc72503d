//go:build e2e

package e2e

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/ispportal/portal/internal/paypaltest"
	"github.com/ispportal/portal/internal/stripemock"
	_ "modernc.org/sqlite"
)

// TestMoney20: with Stripe and PayPal both configured (stripe-mock and the local
// PayPal test server), the demo client goes from an unpaid invoice's Pay online button
// to the Pay online page, chooses PayPal, is sent to PayPal's approve page (admitted by
// the page's CSP form-action), and comes back to a paid invoice once the test server's
// buyer approved it; in Czech too. Staff then see the payment, the demo's saved card and
// declined charge on the console's Online payments page and switch autopay off on the
// client card. Every page at 390 and 1440 px with axe.
func TestMoney20(t *testing.T) {
	s := start(t)
	mock := stripemock.Start(t)
	pp := paypaltest.Start(t)
	for _, kv := range [][2]string{{"ci_payments_enable", "1"}, {"stripe_secret_key", stripemock.SecretKey},
		{"stripe_webhook_secret", stripemock.WebhookSecret}, {"stripe_api_url", mock},
		{"paypal_client_id", paypaltest.ClientID}, {"paypal_secret", paypaltest.Secret},
		{"paypal_webhook_id", paypaltest.WebhookID}, {"paypal_api_url", pp.URL}} {
		s.cli("settings", "set", kv[0], kv[1])
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(s.dir, "data", "portal.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	t.Run("pay an invoice with PayPal", func(t *testing.T) {
		s.t = t
		s.asDemo()
		s.open("invoices", "/invoices")
		var invoice int64
		if err := db.QueryRow(`SELECT i.id FROM invoices i JOIN clients c ON c.id = i.client_id WHERE c.number = '1001' AND i.paid = 0
			ORDER BY i.due LIMIT 1`).Scan(&invoice); err != nil {
			t.Fatal(err)
		}
		id := strconv.FormatInt(invoice, 10)
		s.open("unpaid invoice", "/invoices/"+id)
		s.submitLink(`main a[href="/pay/invoice/` + id + `"]`)
		s.expectText("Pay by card", "Pay with PayPal")

		sent := make(chan string, 4)
		ctx, cancel := context.WithCancel(s.browser)
		defer cancel()
		chromedp.Listen(ctx, func(ev any) {
			if e, ok := ev.(*network.EventRequestWillBeSent); ok && strings.HasPrefix(e.Request.URL, paypaltest.ApproveHost+"/") {
				select {
				case sent <- e.Request.URL:
				default:
				}
			}
		})
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			t.Fatal(err)
		}
		s.run(chromedp.Click(chromedp.CSS(`main form[action$="/pay/invoice/` + id + `"] button[value="paypal"]`)))
		select {
		case <-sent:
		case <-time.After(15 * time.Second):
			t.Fatalf("the browser never left for PayPal; at %s", value(s, chromedp.Location()))
		}
		var attempt int64
		var ref string
		if err := db.QueryRow(`SELECT id, provider_ref FROM payment_attempts WHERE provider = 'paypal' AND invoice_id = ? ORDER BY id DESC LIMIT 1`,
			invoice).Scan(&attempt, &ref); err != nil {
			t.Fatal(err)
		}
		aid := strconv.FormatInt(attempt, 10)
		s.open("paypal not approved yet", "/pay/return/"+aid+"?token="+ref)
		s.expectText("Waiting for payment")
		pp.Approve(ref)
		s.open("paypal approved", "/pay/return/"+aid+"?token="+ref+"&PayerID=E2EPAYER")
		s.expectText("Paid", "payment has been received")
		s.submit(`footer button[value="cs"]`)
		s.open("paid with paypal in Czech", "/pay/attempt/"+aid)
		s.expectText("Zaplaceno")
		s.open("invoice paid in Czech", "/invoices/"+id)
		if s.count(`main a[href^="/pay/invoice/"]`) != 0 {
			t.Fatal("a paid invoice still offers paying online")
		}
		s.submit(`footer button[value="en"]`)
	})

	t.Run("console online payments", func(t *testing.T) {
		s.t = t
		s.logout()
		s.open("console login", "/admin")
		s.fill("#f-login", "admin", "#f-password", "admin1234")
		s.submit("main form button[type=submit]")
		s.open("console online payments", "/admin/payments")
		s.expectText("Online payments", "PayPal", "visa •••• 4242", "Will be retried", "card_declined")
		var client int64
		if err := db.QueryRow(`SELECT id FROM clients WHERE number = '1001'`).Scan(&client); err != nil {
			t.Fatal(err)
		}
		s.open("client card payments", "/admin/clients/"+strconv.FormatInt(client, 10))
		s.expectText("Payments started", "Switch automatic payments off")
		s.submit(`main form[action$="/autopay/off"] button[type=submit]`)
		s.expectText("Automatic payments are off")
		s.check("autopay switched off")
		s.submit(`footer button[value="cs"]`)
		s.open("console online payments in Czech", "/admin/payments")
		s.expectText("Online platby", "Zahájené platby")
		s.submit(`footer button[value="en"]`)
	})
}

// submitLink follows a link (a button-looking anchor) and waits for the next page.
func (s *suite) submitLink(sel string) {
	s.t.Helper()
	href := s.attr(sel, "href")
	if href == "" {
		s.t.Fatalf("page %s has no %s", s.path(), sel)
	}
	s.open("followed "+href, href)
}
