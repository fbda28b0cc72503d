package payments_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/stripemock"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/modules/payments"
	"github.com/stripe/stripe-go/v82"
)

// fixture is a portal with online payments through a stripe-mock of its own, and two
// clients: alice with an unpaid invoice of 1,210.00 CZK, bob with none.
type fixture struct {
	env        *testkit.Env
	mod        *payments.Module
	alice, bob int64
	invoice    int64
}

func newFixture(t *testing.T, more ...app.Constructor) *fixture {
	t.Helper()
	mock := stripemock.Start(t)
	env := testkit.New(t, append([]app.Constructor{invoices.New, payments.New}, more...)...)
	f := &fixture{env: env}
	for _, m := range env.Modules {
		if pm, ok := m.(*payments.Module); ok {
			f.mod = pm
		}
	}
	env.Set("ci_payments_enable", "1")
	env.Set("stripe_secret_key", stripemock.SecretKey)
	env.Set("stripe_webhook_secret", stripemock.WebhookSecret)
	env.Set("stripe_api_url", mock)
	env.Set("ci_url", "https://portal.example.net/")
	f.alice = env.AddClient("2001", 0)
	f.bob = env.AddClient("2002", 0)
	f.invoice = f.addInvoice(t, f.alice, "FV-1", 100000)
	return f
}

// addInvoice stores an unpaid invoice of one item (base + 21 % VAT), due 2026-11-15.
func (f *fixture) addInvoice(t *testing.T, client int64, number string, base int64) int64 {
	t.Helper()
	inv := invoices.Invoice{ClientID: client, ExternalID: "ext-" + number, Number: number,
		Issued: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Due: time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC), Currency: "CZK",
		Items: []invoices.Item{{Description: "Internet", Quantity: 1000, UnitPrice: base, VATRate: 21}}}
	inv.Taxable = inv.Issued
	inv.Amount, inv.AmountVAT = invoices.Totals(inv.Items)
	var id int64
	f.env.Tx(func(tx *sql.Tx) (err error) {
		id, err = invoices.SaveInvoice(context.Background(), tx, inv)
		return err
	})
	return id
}

type attemptRow struct {
	ID       int64
	Amount   int64
	Currency string
	Ref      string
	State    string
}

// lastAttempt is the newest attempt of the client.
func (f *fixture) lastAttempt(t *testing.T, client int64) attemptRow {
	t.Helper()
	var a attemptRow
	err := f.env.Deps.DB.R.QueryRow(`SELECT id, amount, currency, COALESCE(provider_ref, ''), state FROM payment_attempts
		WHERE client_id = ? ORDER BY id DESC LIMIT 1`, client).Scan(&a.ID, &a.Amount, &a.Currency, &a.Ref, &a.State)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (f *fixture) state(t *testing.T, id int64) string {
	t.Helper()
	var s string
	if err := f.env.Deps.DB.R.QueryRow(`SELECT state FROM payment_attempts WHERE id = ?`, id).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// event is a Stripe event about a Checkout session, as Stripe posts it.
func event(id string, typ stripe.EventType, session map[string]any) []byte {
	session["object"] = "checkout.session"
	b, _ := json.Marshal(map[string]any{"id": id, "object": "event", "type": typ, "api_version": stripe.APIVersion,
		"created": 1796212800, "livemode": false, "data": map[string]any{"object": session}})
	return b
}

func paidSession(ref string, amount int64, currency string) map[string]any {
	return map[string]any{"id": ref, "status": "complete", "payment_status": "paid", "amount_total": amount, "currency": currency}
}

// webhook posts a payload to the Stripe webhook with the given signature header.
func (f *fixture) webhook(payload []byte, sig string) *testkit.Response {
	req, _ := http.NewRequest(http.MethodPost, "/pay/webhook/stripe", bytes.NewReader(payload))
	req.Header.Set("Content-Type", "application/json")
	if sig != "" {
		req.Header.Set("Stripe-Signature", sig)
	}
	return f.env.Browser().Do(req)
}

// start posts a form from the client's Pay online page and returns the response.
func start(b *testkit.Browser, path string, form url.Values) *testkit.Response {
	b.Get("/pay")
	return b.Post(path, form)
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
