package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/testkit"
)

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
	t.Parallel()
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
	// Online payments off (ci_payments_enable, the default): no payment links.
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

	// Unread messages: the count and the newest; one read leaves the card.
	var unread int
	var msgID int64
	var title string
	e.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM info_messages m WHERE (m.client_id = ? OR m.kind = 'global' OR m.group_id =
		(SELECT invoice_group_id FROM clients WHERE id = ?)) AND (m.valid_from IS NULL OR m.valid_from <= ?)
		AND (m.valid_until IS NULL OR m.valid_until > ?) AND m.id NOT IN (SELECT message_id FROM info_message_reads WHERE client_id = ?)`,
		demo, demo, e.Clock.Now().UTC().Format(time.RFC3339), e.Clock.Now().UTC().Format(time.RFC3339), demo).Scan(&unread)
	if unread < 2 {
		t.Fatalf("the demo client has %d unread messages; the check needs two", unread)
	}
	i := strings.Index(p.Body, `href="/info/messages/`)
	fmt.Sscanf(p.Body[i+len(`href="/info/messages/`):], "%d", &msgID)
	title = p.Body[strings.Index(p.Body[i:], ">")+i+1 : strings.Index(p.Body[i:], "</a>")+i]
	p.Expect(t, 200, fmt.Sprintf(">%d new<", unread))
	b.Get(fmt.Sprintf("/info/messages/%d", msgID)).Expect(t, 200)
	b.Get("/dashboard").Expect(t, 200, fmt.Sprintf(">%d new<", unread-1)).Lacks(t, ">"+title+"</a>")

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
	t.Parallel()
	e, demo := demoPortal(t)
	e.Set("ci_display_dashboard", "1")
	e.Set("ci_payments_enable", "1")
	b := e.Browser().LoginAs(demo)
	p := b.Get("/dashboard").Expect(t, 200, "Pay now", `href="/pay/refill"`, "Refill balance")
	if !strings.Contains(p.Body, `href="/pay/invoice/`) {
		t.Fatal("no Pay now link to the invoice")
	}
	// The links lead to the payments module's page.
	b.Get("/pay/refill").Expect(t, 200)
}
