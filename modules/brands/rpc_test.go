package brands_test

import (
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/brands"
	"github.com/ispportal/portal/modules/info"
)

// TestBrandsAPI: brands.save creates and replaces a brand, refuses a taken host name
// and bad fields naming the field; brands.assign moves a client; brands.delete never
// takes the default brand; read-only staff only list; every write audited.
func TestBrandsAPI(t *testing.T) {
	t.Parallel()
	e := testkit.New(t, info.New, brands.New, admin.New, api.New).API()
	sid := e.Admin()
	e.AddClients(sid)
	e.AddStaff("viewer", core.RoleReadOnly, testkit.StaffPassword)
	ro := e.Login("viewer")

	b := map[string]any{"name": "FiberNet", "domains": []string{"portal.fibernet.example"}, "hidden": []string{"info"},
		"settings": []map[string]any{{"key": "ci_footer_text", "value": "© FiberNet"}}}
	var s1, s2 rpc.Saved
	e.Call(sid, "brands.save", b).OK(t, &s1)
	b["id"], b["css"] = s1.ID, "a { color: #063; }"
	e.Call(sid, "brands.save", b).OK(t, &s2)
	if !s1.Created || s2.Created || s1.ID != s2.ID {
		t.Fatalf("save: %+v %+v", s1, s2)
	}
	e.Call(sid, "brands.save", map[string]any{"name": "Other", "domains": []string{"PORTAL.fibernet.example"}}).Refused(t, "invalid", "domains", "another brand")
	e.Call(sid, "brands.save", map[string]any{"name": "Other", "domains": []string{"x.example"}, "css": "</style><script>"}).Refused(t, "invalid", "css")
	e.Call(sid, "brands.save", map[string]any{"name": "Other", "domains": []string{"x.example"}, "hidden": []string{"nope"}}).Refused(t, "invalid", "hidden")
	e.Call(sid, "brands.save", map[string]any{"name": "Other", "domains": []string{"x.example"},
		"settings": []map[string]any{{"key": "ci_sms_per_month", "value": "5"}}}).Refused(t, "invalid", "setting_ci_sms_per_month")
	e.Call(sid, "brands.save", map[string]any{"name": "Other"}).Refused(t, "invalid", "domains")
	e.Call(ro, "brands.save", b).Fails(t, rpc.CodeForbidden)
	if n := e.Count(`SELECT COUNT(*) FROM brands`); n != 2 {
		t.Fatalf("%d brands after refusals", n)
	}

	var list brands.BrandList
	e.Call(ro, "brands.list", nil).OK(t, &list)
	if len(list.Brands) != 2 || !list.Brands[0].Default || list.Brands[1].CSS != "a { color: #063; }" || list.Brands[1].Domains[0] != "portal.fibernet.example" {
		t.Fatalf("list: %+v", list)
	}
	cid := e.Count(`SELECT MIN(id) FROM clients`)
	e.Call(sid, "brands.assign", map[string]any{"client_id": cid, "brand_id": s1.ID}).OK(t, nil)
	e.Call(sid, "brands.assign", map[string]any{"client_id": cid, "brand_id": 99}).Refused(t, "invalid", "brand")
	if e.Count(`SELECT brand_id FROM clients WHERE id = ?`, cid) != int(s1.ID) {
		t.Fatal("client not assigned")
	}
	// Each brand counts its clients; a client without a brand (brand_id 0) is the
	// default brand's. The API, the CLI and the console's page show the same counts.
	e.Call(ro, "brands.list", nil).OK(t, &list)
	if list.Brands[0].Clients != 1 || list.Brands[1].Clients != 1 {
		t.Fatalf("counts: %+v", list.Brands)
	}
	out, _, err := e.Command("brand list", "")
	if err != nil || !strings.Contains(out, "FiberNet  no       1") {
		t.Fatalf("brand list: %v\n%s", err, out)
	}
	e.StaffBrowser(core.RoleAdmin).Get("/admin/brands").Expect(t, 200, `<td class="num">1</td>`)
	e.Call(sid, "brands.delete", map[string]any{"id": 1}).Refused(t, "invalid", "id")
	var del rpc.Deleted
	e.Call(sid, "brands.delete", map[string]any{"id": s1.ID}).OK(t, &del)
	if !del.Deleted || e.Count(`SELECT brand_id FROM clients WHERE id = ?`, cid) != 0 {
		t.Fatal("brand not deleted or its client not moved to the default brand")
	}
	e.Call(sid, "brands.delete", map[string]any{"id": s1.ID}).OK(t, &del)
	if del.Deleted {
		t.Fatal("second delete claims a deletion")
	}
	if n := e.Count(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'brand.%' AND ip != ''`); n != 4 {
		t.Fatalf("%d brand writes audited with the address", n)
	}
}
