package payments_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/payments"
)

// The billing system sees a client's autopay and switches it off through the API
// (support may, read-only staff may not; another client's is untouched; audited with
// the address); `portal client autopay` does the same from the CLI. Switching off
// twice is not an error.
func TestAutopayAPIAndCLI(t *testing.T) {
	f := newFixture(t, admin.New, api.New)
	now := "2026-11-15T09:00:00Z"
	for _, c := range []int64{f.alice, f.bob} {
		if _, err := f.env.Deps.DB.W.Exec(`INSERT INTO autopay_mandates (client_id, provider, customer_ref, method_ref, label, state, created_at, updated_at)
			VALUES (?, 'stripe', ?, '', 'visa •••• 4242', 'active', ?, ?)`, c, fmt.Sprint("cus_", c), now, now); err != nil {
			t.Fatal(err)
		}
	}
	e := f.env.API()
	ro := e.LoginRole("reader", core.RoleReadOnly)
	var a payments.AutopayOut
	e.Call(ro, "payments.autopay", map[string]any{"id": f.alice}).OK(t, &a)
	if !a.On || a.Method != "visa •••• 4242" || a.ClientID != f.alice || a.Since != now {
		t.Fatalf("autopay %+v", a)
	}
	e.Call(ro, "payments.autopayOff", map[string]any{"id": f.alice}).Fails(t, -32003)
	e.Call(ro, "payments.autopay", map[string]any{"id": 999999}).Refused(t, "not_found", "client")

	sup := e.LoginRole("sup", core.RoleSupport)
	var off payments.AutopayOffOut
	e.Call(sup, "payments.autopayOff", map[string]any{"id": f.alice}).OK(t, &off)
	if !off.Removed || off.ClientID != f.alice {
		t.Fatalf("off %+v", off)
	}
	e.Call(sup, "payments.autopayOff", map[string]any{"id": f.alice}).OK(t, &off)
	if off.Removed {
		t.Fatal("a second switch-off removed something")
	}
	e.Call(sup, "payments.autopay", map[string]any{"id": f.alice}).OK(t, &a)
	if a.On || a.Method != "" {
		t.Fatalf("after switching off: %+v", a)
	}
	if f.env.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'autopay.off' AND client_id = ? AND ip != ''`, f.alice) != 1 {
		t.Fatal("the API switch-off is not audited once with the address")
	}

	out, _, err := f.env.Command("client autopay", "", "2002")
	if err != nil || !strings.Contains(out, "autopay on, visa •••• 4242") {
		t.Fatalf("show: %q %v", out, err)
	}
	if out, _, err = f.env.Command("client autopay", "", "--off", "2002"); err != nil || !strings.Contains(out, "removed") {
		t.Fatalf("off: %q %v", out, err)
	}
	if out, _, err = f.env.Command("client autopay", "", "2002"); err != nil || !strings.Contains(out, "no saved payment method") {
		t.Fatalf("after off: %q %v", out, err)
	}
	if _, _, err = f.env.Command("client autopay", "", "9999"); err == nil || !strings.Contains(err.Error(), `no client with number "9999"`) {
		t.Fatalf("unknown client: %v", err)
	}
	if f.env.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'autopay.off' AND actor = 'cli' AND client_id = ?`, f.bob) != 1 {
		t.Fatal("the CLI switch-off is not audited")
	}
}
