package services

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
)

// staffFixture is the fixture's data in a portal that mounts the console too.
func staffFixture(t *testing.T) (*fixture, *testkit.Env) {
	t.Helper()
	env := testkit.New(t, New, admin.New)
	f := newFixtureIn(t, env)
	return f, env
}

func tariffForm(id, name string) url.Values {
	return url.Values{"id": {id}, "name": {name}, "kind": {"internet"}, "price": {"649,50"}, "currency": {"czk"}, "down": {"500000"},
		"up": {"100000"}, "fup_limit": {"250"}, "fup_period": {"month"}, "fup_down": {"5000"}, "fup_up": {"1000"}, "hide_traffic": {"0", "1"}}
}

func TestStaffTariffs(t *testing.T) {
	t.Parallel()
	f, env := staffFixture(t)
	b := env.StaffBrowser(core.RoleSupport)
	b.RemoteAddr = "192.0.2.200:1"
	b.Get("/admin/tariffs").Expect(t, 200, "Optika 300", "Fair 1 GB", "New tariff")
	b.Post("/admin/tariffs", tariffForm("", "Optika 500")).Expect(t, 303)
	list, _ := ListTariffs(context.Background(), env.Deps.DB.R)
	var got Tariff
	for _, tr := range list {
		if tr.Name == "Optika 500" {
			got = tr
		}
	}
	want := Tariff{ID: got.ID, Name: "Optika 500", Kind: KindInternet, Price: 64950, Currency: "CZK", DownKbit: 500000, UpKbit: 100000,
		HideTraffic: true, FUPLimit: 250e9, FUPPeriod: FUPMonth, FUPDownKbit: 5000, FUPUpKbit: 1000}
	if got != want {
		t.Fatalf("saved %+v", got)
	}
	if env.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'tariff.save' AND actor = 'staff:support1' AND ip = '192.0.2.200'`) != 1 {
		t.Fatal("not audited")
	}
	// Edit: the form opens filled, and a change keeps the id.
	b.Get(fmt.Sprintf("/admin/tariffs?edit=%d", f.plain)).Expect(t, 200, "Edit tariff", `value="Optika 300"`, `value="599.00"`)
	fm := tariffForm(fmt.Sprint(f.plain), "Optika 300 plus")
	fm.Set("hide_traffic", "0")
	fm.Set("fup_limit", "0")
	b.Post("/admin/tariffs", fm).Expect(t, 303)
	tr, _ := TariffByID(context.Background(), env.Deps.DB.R, f.plain)
	if tr.Name != "Optika 300 plus" || tr.HideTraffic || tr.HasFUP() {
		t.Fatalf("edited %+v", tr)
	}
	// The hidden-traffic flag reaches the portal: the client no longer sees the
	// traffic link of a service on a hiding tariff.
	fm = tariffForm(fmt.Sprint(f.plain), "Optika 300 plus")
	b.Post("/admin/tariffs", fm).Expect(t, 303)
	env.Set("ci_display_graph_tab", "1")
	env.Browser().LoginAs(f.clientA).Get("/services").Lacks(t, fmt.Sprintf("/services/%d/traffic", f.netIP))

	// Bad input: each refusal beside its field, nothing stored.
	n := env.Count(`SELECT COUNT(*) FROM tariffs`)
	for field, v := range map[string]string{"name": "", "price": "-5", "currency": "KČ", "down": "fast", "up": "-1",
		"fup_limit": "lots", "fup_period": "year", "kind": "cable"} {
		fm := tariffForm("", "Bad")
		fm.Set(field, v)
		b.Post("/admin/tariffs", fm).Expect(t, 422, `id="e-`+field+`"`)
	}
	b.Post("/admin/tariffs", tariffForm("", "Evil\u202e")).Expect(t, 422, "control characters")
	b.Post("/admin/tariffs", tariffForm("99999", "Ghost")).Expect(t, 404)
	if env.Count(`SELECT COUNT(*) FROM tariffs`) != n {
		t.Fatal("a refused tariff was stored")
	}
	// Read-only staff see the list, not the form.
	ro := env.StaffBrowser(core.RoleReadOnly)
	ro.Get("/admin/tariffs").Expect(t, 200, "Optika 500").Lacks(t, `action="/admin/tariffs"`)
	ro.Post("/admin/tariffs", tariffForm("", "RO")).Expect(t, 403)
}

func serviceForm(tariff int64) url.Values {
	return url.Values{"name": {"Internet Vinohrady"}, "kind": {"internet"}, "tariff": {fmt.Sprint(tariff)}, "state": {"active"},
		"activated_on": {"2026-11-01"}, "address": {"Slezská 10, Praha 2"}, "ip": {"192.0.2.99"}, "dhcp": {"0"}, "mac": {"02:00:00:00:00:01"}}
}

func TestStaffServices(t *testing.T) {
	t.Parallel()
	f, env := staffFixture(t)
	b := env.StaffBrowser(core.RoleSupport)
	b.Get("/admin/services?q=5002").Expect(t, 200, "Internet klienta B").Lacks(t, "Internet Žižkov")
	b.Get("/admin/services?state=terminated").Expect(t, 200, "Staré připojení").Lacks(t, "Internet Žižkov")
	b.Get("/admin/services?q=%25").Expect(t, 200).Lacks(t, "Internet Žižkov")
	card := fmt.Sprintf("/admin/clients/%d", f.clientB)
	b.Get(card).Expect(t, 200, card+"/services/new", "Add a service")
	b.Get(card+"/services/new").Expect(t, 200, "Add a service", "Optika 300")

	b.Post(card+"/services/new", serviceForm(f.fup)).Expect(t, 303)
	list, _ := ListServices(context.Background(), env.Deps.DB.R, f.clientB, ListFilter{})
	if len(list) != 2 {
		t.Fatalf("%d services", len(list))
	}
	var s Service
	for _, x := range list {
		if x.Name == "Internet Vinohrady" {
			s = x
		}
	}
	if s.TariffID != f.fup || s.IP != "192.0.2.99" || s.DHCP || s.ActivatedOn != "2026-11-01" || s.Address != "Slezská 10, Praha 2" {
		t.Fatalf("created %+v", s)
	}
	if env.AuditCount("service.save", "staff:support1") != 1 {
		t.Fatal("not audited")
	}

	// Edit the service with parameters: DHCP on, state suspended; the parameters stay.
	edit := fmt.Sprintf("/admin/services/%d/edit", f.netIP)
	b.Get(edit).Expect(t, 200, `value="Internet Žižkov"`, `value="192.0.2.44"`)
	fm := serviceForm(f.plain)
	fm.Set("name", "Internet Žižkov")
	fm.Set("state", "suspended")
	fm["dhcp"] = []string{"0", "1"}
	b.Post(edit, fm).Expect(t, 303)
	got, _ := ServiceByID(context.Background(), env.Deps.DB.R, f.netIP)
	params, _ := ServiceParams(context.Background(), env.Deps.DB.R, f.netIP)
	if !got.DHCP || got.State != StateSuspended || got.ClientID != f.clientA || len(params) != 2 {
		t.Fatalf("edited %+v params %v", got, params)
	}
	// The client sees "Via DHCP", not the address.
	r := env.Browser().LoginAs(f.clientA).Get("/services").Expect(t, 200, "Via DHCP")
	if strings.Contains(r.Body, "192.0.2.99") {
		t.Fatal("the portal shows the IP of a DHCP service")
	}

	// Bad input: nothing stored.
	before, _ := ServiceByID(context.Background(), env.Deps.DB.R, f.other)
	editB := fmt.Sprintf("/admin/services/%d/edit", f.other)
	for field, v := range map[string]string{"name": " ", "ip": "999.1.1.1", "tariff": "424242", "state": "gone", "kind": "fax",
		"activated_on": "1.11.2026", "address": strings.Repeat("x", 301)} {
		fm := serviceForm(f.plain)
		fm.Set(field, v)
		b.Post(editB, fm).Expect(t, 422, `id="e-`+field+`"`)
	}
	if after, _ := ServiceByID(context.Background(), env.Deps.DB.R, f.other); after.Name != before.Name || after.IP != before.IP {
		t.Fatal("a refused edit changed the service")
	}
	b.Post("/admin/services/999999/edit", serviceForm(f.plain)).Expect(t, 404)
	b.Post("/admin/clients/999999/services/new", serviceForm(f.plain)).Expect(t, 404)
	ro := env.StaffBrowser(core.RoleReadOnly)
	ro.Get("/admin/services").Expect(t, 200, "Internet Žižkov").Lacks(t, "/edit")
	ro.Get(edit).Expect(t, 403)
	ro.Post(edit, serviceForm(f.plain)).Expect(t, 403)
}
