package signup_test

import (
	"context"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/auth"
	"github.com/ispportal/portal/modules/gdpr"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/modules/services"
	"github.com/ispportal/portal/modules/signup"
)

// TestDemoSeed: the demo switches sign-up on with the template customer "Template –
// Home 100" (one service, a consent, 5 CZK credit) and one sign-up awaiting approval;
// a second run adds nothing; the form is open and offers the consent.
func TestDemoSeed(t *testing.T) {
	env := testkit.New(t, services.New, invoices.New, gdpr.New, signup.New, auth.New)
	for i := 0; i < 2; i++ {
		if _, err := app.SeedDemo(context.Background(), env.Env); err != nil {
			t.Fatal(err)
		}
	}
	tpl, err := core.ClientByNumber(context.Background(), env.Deps.DB.R, signup.DemoTemplateNumber)
	if err != nil || tpl.Name != "Template – Home 100" || tpl.Active {
		t.Fatalf("template %+v: %v", tpl, err)
	}
	if n := env.Count(`SELECT count(*) FROM services WHERE client_id = ?`, tpl.ID); n != 1 {
		t.Fatalf("template has %d services", n)
	}
	if n := env.Count(`SELECT count(*) FROM consent_history WHERE client_id = ?`, tpl.ID); n == 0 {
		t.Fatal("template gave no consent")
	}
	if n := env.Count(`SELECT count(*) FROM signups WHERE state = 'pending' AND client_id IS NOT NULL`); n != 1 {
		t.Fatalf("%d pending demo sign-ups", n)
	}
	if n := env.Count(`SELECT count(*) FROM payments p JOIN signups s ON s.client_id = p.client_id WHERE p.amount = 500 AND p.currency = 'CZK'`); n != 1 {
		t.Fatal("the demo sign-up has no starting credit")
	}
	env.Browser().Get("/signup").Expect(t, 200, "Processing of usage data", "CZK", "EUR")
}
