package payments_test

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/modules/services"
)

// TestSuspendedClientPays: a client whose service is suspended for non-payment (and
// one whose portal access is even switched off) still reaches the Pay online page,
// the invoice's Pay online button and the pay link that app.Hooks.PayLink gives the
// invoice e-mail; the services page offers paying online. Without online payments
// neither the button, the notice nor a link is offered.
func TestSuspendedClientPays(t *testing.T) {
	f := newFixture(t, services.New)
	ctx := context.Background()
	f.env.Tx(func(tx *sql.Tx) error {
		now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		tar, err := services.SaveTariff(ctx, tx, services.Tariff{Name: "Optika 300", Kind: services.KindInternet, Price: 59900, Currency: "CZK"}, now)
		if err != nil {
			return err
		}
		_, err = services.SaveService(ctx, tx, services.Service{ClientID: f.alice, TariffID: tar, Name: "Internet", ExternalID: "ext-net",
			Kind: services.KindInternet, State: services.StateSuspended}, now)
		return err
	})
	b := f.env.Browser().LoginAs(f.alice)
	b.Get("/services").Expect(t, 200, "A service is suspended", `href="/pay"`)
	b.Get("/pay").Expect(t, 200, "FV-1", "Pay now")
	b.Get("/invoices/"+itoa(f.invoice)).Expect(t, 200, "Pay online", `href="/pay/invoice/`+itoa(f.invoice)+`"`)
	start(b, "/pay/invoice/"+itoa(f.invoice), nil).Expect(t, http.StatusSeeOther)

	hooks := f.env.Deps.Hooks
	link, err := hooks.PayLink(ctx, f.alice, f.invoice)
	if err != nil || !strings.HasPrefix(link, "https://portal.example.net/pay/link/") {
		t.Fatalf("pay link %q, %v", link, err)
	}
	if _, err := hooks.PayLink(ctx, f.bob, f.invoice); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("a pay link for another client's invoice: %v", err)
	}
	// Portal access switched off as well: the link still pays.
	if _, err := f.env.Deps.DB.W.Exec(`UPDATE clients SET active = 0 WHERE id = ?`, f.alice); err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(link, "https://portal.example.net")
	anon := f.env.Browser()
	anon.Get(path).Expect(t, 200, "FV-1", "1,210.00", "Pay now")
	r := anon.Post(path, nil).Expect(t, http.StatusSeeOther)
	if !strings.HasPrefix(r.Header.Get("Location"), "https://checkout.stripe.com/") {
		t.Fatalf("the link sent to %q", r.Header.Get("Location"))
	}

	f.env.Set("stripe_secret_key", "")
	if _, err := f.env.Deps.DB.W.Exec(`UPDATE clients SET active = 1 WHERE id = ?`, f.alice); err != nil {
		t.Fatal(err)
	}
	b = f.env.Browser().LoginAs(f.alice)
	b.Get("/invoices/"+itoa(f.invoice)).Expect(t, 200).Lacks(t, `href="/pay/invoice/`)
	b.Get("/services").Expect(t, 200).Lacks(t, "A service is suspended")
	if link, err := hooks.PayLink(ctx, f.alice, f.invoice); link != "" || err != nil {
		t.Fatalf("a pay link without a provider: %q, %v", link, err)
	}
}
