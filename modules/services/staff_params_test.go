package services

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
)

// TestStaffServicePriceAndParams: the console's service form sets a price for the
// service alone and edits its configuration sheet lines, through SaveService.
func TestStaffServicePriceAndParams(t *testing.T) {
	t.Parallel()
	f, env := staffFixture(t)
	ctx := context.Background()
	b := env.StaffBrowser(core.RoleSupport)
	edit := fmt.Sprintf("/admin/services/%d/edit", f.netIP)
	old, _ := ServiceParams(ctx, env.Deps.DB.R, f.netIP)
	page := b.Get(edit).Expect(t, 200, `id="f-price"`, `id="f-params"`)
	for _, p := range old {
		if !strings.Contains(page.Body, p.Name+" = "+p.Value) {
			t.Fatalf("form lacks parameter %+v", p)
		}
	}

	fm := serviceForm(f.plain)
	fm.Set("price", "399,50")
	fm.Set("params", "Gateway = 10.20.0.1\r\n\r\nDNS = 10.20.0.2, 1.1.1.1\nURL = https://x.example/?a=b\n")
	b.Post(edit, fm).Expect(t, 303)
	got, _ := ServiceByID(ctx, env.Deps.DB.R, f.netIP)
	params, _ := ServiceParams(ctx, env.Deps.DB.R, f.netIP)
	if got.PriceOverride == nil || *got.PriceOverride != 39950 || len(params) != 3 ||
		params[1] != (Param{"DNS", "10.20.0.2, 1.1.1.1"}) || params[2] != (Param{"URL", "https://x.example/?a=b"}) {
		t.Fatalf("saved price %v params %+v", got.PriceOverride, params)
	}
	b.Get(edit).Expect(t, 200, `value="399.50"`, "Gateway = 10.20.0.1")
	if env.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'service.save' AND detail LIKE '%price 399.50, 3 parameters' AND ip != ''`) != 1 {
		t.Fatal("price and parameters not audited")
	}

	// Bad input: the form comes back with the message; nothing changes.
	for field, v := range map[string]string{"price": "-5", "params": "no equals sign"} {
		bad := serviceForm(f.plain)
		bad.Set(field, v)
		b.Post(edit, bad).Expect(t, 422, `id="e-`+field+`"`)
	}
	for _, v := range []string{strings.Repeat("A = b\n", 51), strings.Repeat("n", 101) + " = v", "x = \u202e", " = value"} {
		bad := serviceForm(f.plain)
		bad.Set("params", v)
		b.Post(edit, bad).Expect(t, 422, `id="e-params"`)
	}
	bad := serviceForm(f.plain)
	bad.Set("price", "abc")
	b.Header = http.Header{"Accept-Language": {"cs"}}
	b.Post(edit, bad).Expect(t, 422, "Zadejte částku")
	if again, _ := ServiceParams(ctx, env.Deps.DB.R, f.netIP); len(again) != 3 {
		t.Fatal("a refused form changed the parameters")
	}

	// An empty price goes back to the tariff's; empty lines remove every parameter.
	fm.Set("price", "")
	fm.Set("params", "")
	b.Post(edit, fm).Expect(t, 303)
	got, _ = ServiceByID(ctx, env.Deps.DB.R, f.netIP)
	params, _ = ServiceParams(ctx, env.Deps.DB.R, f.netIP)
	if got.PriceOverride != nil || len(params) != 0 {
		t.Fatalf("cleared: price %v params %+v", got.PriceOverride, params)
	}
}
