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
	link, err := hooks.PayLink(ctx, f.env.Deps.DB.R, f.alice, f.invoice)
	if err != nil || !strings.HasPrefix(link, "https://portal.example.net/pay/link/") {
		t.Fatalf("pay link %q, %v", link, err)
	}
	if _, err := hooks.PayLink(ctx, f.env.Deps.DB.R, f.bob, f.invoice); !errors.Is(err, core.ErrNotFound) {
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
	if link, err := hooks.PayLink(ctx, f.env.Deps.DB.R, f.alice, f.invoice); link != "" || err != nil {
		t.Fatalf("a pay link without a provider: %q, %v", link, err)
	}
}

// A client of another brand gets pay links on that brand's address (its own ci_url),
// where their login and session hold.
func TestPayLinkOnClientsBrand(t *testing.T) {
	f := newFixture(t)
	db := f.env.Deps.DB.W
	for _, q := range []string{
		`INSERT INTO settings_brand (key, brand_id, value, updated_at) VALUES ('ci_url', 2, 'https://fibernet.example/', '2026-11-01T00:00:00Z')`,
		`UPDATE settings_revision SET rev = rev + 1 WHERE id = 1`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`UPDATE clients SET brand_id = 2 WHERE id = ?`, f.alice); err != nil {
		t.Fatal(err)
	}
	f.env.Browser().Get("/login") // the settings are read again on the next request
	link, err := f.env.Deps.Hooks.PayLink(context.Background(), f.env.Deps.DB.R, f.alice, f.invoice)
	if err != nil || !strings.HasPrefix(link, "https://fibernet.example/pay/link/") {
		t.Fatalf("pay link %q, %v", link, err)
	}
	other := f.addInvoice(t, f.bob, "FV-2", 1000)
	if link, err := f.env.Deps.Hooks.PayLink(context.Background(), f.env.Deps.DB.R, f.bob, other); err != nil ||
		!strings.HasPrefix(link, "https://portal.example.net/pay/link/") {
		t.Fatalf("the default brand's client's link %q, %v", link, err)
	}
}
