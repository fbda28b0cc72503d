package main

import (
	"context"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/testkit"
)

// payStub stands in for the payments module (built apart): the dashboard links to
// /pay/... only when a module named payments is in the list.
type payStub struct{}

func (payStub) Info() app.Info {
	return app.Info{Name: "payments", Prefix: "/pay", Area: app.Client}
}
func (payStub) Mount(r fiber.Router) {}

// demoPortal boots the whole module list (plus extra) on the demo data and returns
// the env and demo client 1001's id.
func demoPortal(t *testing.T, extra ...app.Constructor) (*testkit.Env, int64) {
	t.Helper()
	e := testkit.New(t, append(append([]app.Constructor{}, modules...), extra...)...)
	seed, err := app.SeedDemo(context.Background(), e.Env)
	if err != nil {
		t.Fatal(err)
	}
	return e, seed.ClientIDs["1001"]
}

func TestDashboardCardsFollowTheirGates(t *testing.T) {
	e, demo := demoPortal(t)
	b := e.Browser().LoginAs(demo)
	// Off (the default): no page, no menu entry, the information page is home.
	b.Get("/dashboard").Expect(t, 404)
	if loc := b.Get("/").Header.Get("Location"); loc != "/info" {
		t.Fatalf("home with the dashboard off: %q", loc)
	}
	b.Get("/info").Expect(t, 200).Lacks(t, `href="/dashboard"`)

	e.Set("ci_display_dashboard", "1")
	if loc := b.Get("/").Header.Get("Location"); loc != "/dashboard" {
		t.Fatalf("home with the dashboard on: %q", loc)
	}
	p := b.Get("/dashboard").Expect(t, 200,
		"Overview", `href="/info"`, // Information one click away
		"Balance", "Overdue invoice", "All invoices", // invoices
		"Internet – Korunní 5", "<meter", "All services", // services and a FUP meter
		"Recent usage", "View details", `href="/usage/detail"`, "Czech Republic mobile", // usage
		"Open tickets", // helpdesk
		"Messages")     // info
	// Without a payments module: no payment links.
	p.Lacks(t, "Pay now", "Refill balance", "/pay/")
	order := []string{"dash-invoice", "dash-services", "dash-usage", "dash-tickets", "dash-messages"}
	last := -1
	for _, id := range order {
		i := strings.Index(p.Body, `id="`+id+`"`)
		if i < last {
			t.Fatalf("card %s out of order", id)
		}
		last = i
	}

	// Each card follows its module's gate.
	e.Set("ci_display_invoices_tab", "0")
	e.Set("ci_display_usage_tab", "0")
	b.Get("/dashboard").Expect(t, 200, "Internet – Korunní 5").Lacks(t, "dash-invoice", "Recent usage")

	// Czech.
	b.Header.Set("Accept-Language", "cs")
	b.Get("/dashboard").Expect(t, 200, "Přehled", "Všechny služby")

	// Another client sees their own services only.
	other := e.Browser().LoginAs(int64(e.Count(`SELECT id FROM clients WHERE number = '1002'`)))
	other.Get("/dashboard").Expect(t, 200).Lacks(t, "Korunní 5", "Czech Republic mobile")
}

func TestDashboardLinksPaymentsWhenMounted(t *testing.T) {
	e, demo := demoPortal(t, func(app.Deps) app.Module { return payStub{} })
	e.Set("ci_display_dashboard", "1")
	p := e.Browser().LoginAs(demo).Get("/dashboard").Expect(t, 200, "Pay now", `href="/pay/refill"`, "Refill balance")
	if !strings.Contains(p.Body, `href="/pay/invoice/`) {
		t.Fatal("no Pay now link to the invoice")
	}
}
