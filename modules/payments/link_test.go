package payments_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/stripemock"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/payments"
	"github.com/stripe/stripe-go/v82"
)

// TestPayLink: the API hands out a signed link; without logging in it shows the
// invoice, starts the payment of its open amount for its client, and after the
// provider's return and webhook says paid. Tampered, re-targeted and expired links
// are refused; read-only staff may get links, nobody without a session.
func TestPayLink(t *testing.T) {
	f := newFixture(t, admin.New, api.New)
	e := f.env.API()
	sid := e.LoginRole("reader", core.RoleReadOnly)
	var link payments.LinkOut
	e.Call(sid, "payments.link", map[string]any{"invoice_external_id": "ext-FV-1"}).OK(t, &link)
	e.Call(sid, "payments.link", map[string]any{"invoice_external_id": "nope"}).Refused(t, "not_found")
	e.Call("", "payments.link", map[string]any{"invoice_id": f.invoice}).Fails(t, -32001)
	u, err := url.Parse(link.URL)
	if err != nil || u.Host != "portal.example.net" || !strings.HasPrefix(u.Path, "/pay/link/") {
		t.Fatalf("link %q", link.URL)
	}
	anon := f.env.Browser()
	anon.Get(u.Path).Expect(t, 200, "FV-1", "1,210.00", "Pay now")

	// Tampering: another client, another invoice, a later expiry, a changed signature.
	parts := strings.Split(u.Path, "/") // "", pay, link, client, invoice, exp, sig
	bobsInvoice := f.addInvoice(t, f.bob, "FV-B", 5000)
	swap := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "/")
	}
	for _, p := range []string{swap(3, itoa(f.bob)), swap(4, itoa(bobsInvoice)), swap(5, itoa(time.Now().Add(1000*24*time.Hour).Unix())),
		swap(6, strings.Repeat("A", len(parts[6]))), swap(6, ""), swap(4, "x")} {
		anon.Get(p).Expect(t, 404)
	}
	anon.Get(u.Path) // a fresh CSRF token
	r := anon.Post(u.Path, url.Values{"amount": {"1"}}).Expect(t, http.StatusSeeOther)
	if !strings.HasPrefix(r.Header.Get("Location"), "https://checkout.stripe.com/") {
		t.Fatalf("sent to %q", r.Header.Get("Location"))
	}
	a := f.lastAttempt(t, f.alice)
	if a.Amount != 121000 {
		t.Fatalf("attempt %+v", a)
	}
	anon.Get(u.Path+"?attempt="+itoa(a.ID)).Expect(t, 200, "Waiting for payment")
	ev := event("evt_link", stripe.EventTypeCheckoutSessionCompleted, paidSession(a.Ref, 121000, "czk"))
	f.webhook(ev, stripemock.Sign(ev)).Expect(t, 200)
	anon.Get(u.Path+"?attempt="+itoa(a.ID)).Expect(t, 200, "Paid", "This invoice is paid")
	anon.Post(u.Path, nil).Expect(t, http.StatusSeeOther) // paid meanwhile: back to the page, nothing started
	if n := f.env.Count(`SELECT COUNT(*) FROM payment_attempts`); n != 1 {
		t.Fatalf("%d attempts", n)
	}

	// Expiry: ci_pay_link_days (30) later the link is gone, in both languages.
	f.env.Clock.Advance(31 * 24 * time.Hour)
	anon.Get(u.Path).Expect(t, http.StatusGone, "has expired")
	cs := f.env.Browser()
	cs.Header.Set("Accept-Language", "cs")
	cs.Get(u.Path).Expect(t, http.StatusGone, "vypršela")
}

// TestPaymentsSince: the billing system follows the payments with a cursor.
func TestPaymentsSince(t *testing.T) {
	f := newFixture(t, admin.New, api.New)
	b := f.env.Browser().LoginAs(f.alice)
	start(b, "/pay/refill", url.Values{"amount": {"300"}}).Expect(t, http.StatusSeeOther)
	a := f.lastAttempt(t, f.alice)
	ev := event("evt_since", stripe.EventTypeCheckoutSessionCompleted, paidSession(a.Ref, 30000, "czk"))
	f.webhook(ev, stripemock.Sign(ev)).Expect(t, 200)
	e := f.env.API()
	sid := e.LoginRole("reader", core.RoleReadOnly)
	var out payments.SinceOut
	e.Call(sid, "payments.since", map[string]any{"after": 0}).OK(t, &out)
	if len(out.Payments) != 1 || out.Payments[0].Method != "online" || out.Payments[0].ExternalID != "stripe:"+a.Ref || out.Next != out.Payments[0].ID {
		t.Fatalf("since 0: %+v", out)
	}
	e.Call(sid, "payments.since", map[string]any{"after": out.Next}).OK(t, &out)
	if len(out.Payments) != 0 {
		t.Fatalf("after the cursor: %+v", out)
	}
	e.Call(sid, "payments.since", map[string]any{"limit": 5000}).Fails(t, -32602)
}
