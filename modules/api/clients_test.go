package api

import (
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/services"
)

func TestClientsAddGetListIdempotent(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	var g rpc.Saved
	e.call(sid, "invoiceGroups.add", map[string]any{"external_id": "res", "name": "Residential"}).OK(t, &g)
	c := map[string]any{"external_id": "CRM-1", "number": "7001", "name": "Jana", "email": "jana@example.net",
		"invoice_group_external_id": "res", "language": "cs"}
	var s1, s2 rpc.Saved
	e.call(sid, "clients.add", c).OK(t, &s1)
	if !s1.Created {
		t.Fatal("first add did not create")
	}
	// The same external id again: an update, no duplicate.
	c["name"] = "Jana Nováková"
	e.call(sid, "clients.add", c).OK(t, &s2)
	if s2.Created || s2.ID != s1.ID {
		t.Fatalf("second add: %+v, first %+v", s2, s1)
	}
	if n := e.count(`SELECT COUNT(*) FROM clients`); n != 1 {
		t.Fatalf("%d clients after two adds", n)
	}
	var got admin.ClientOut
	e.call(sid, "clients.get", map[string]any{"external_id": "CRM-1"}).OK(t, &got)
	if got.Name != "Jana Nováková" || got.InvoiceGroupID != g.ID || !got.Active || got.Language != "cs" {
		t.Fatalf("get: %+v", got)
	}
	e.call(sid, "clients.get", map[string]any{"id": s1.ID}).OK(t, &got)
	e.call(sid, "clients.get", map[string]any{"id": 999}).Refused(t, "not_found", "999")

	var list admin.ClientList
	e.call(sid, "clients.list", map[string]any{"query": "nováková"}).OK(t, &list)
	if len(list.Clients) != 1 || list.Clients[0].ID != s1.ID {
		t.Fatalf("list: %+v", list)
	}
	e.call(sid, "clients.list", map[string]any{"query": "nobody"}).OK(t, &list)
	if len(list.Clients) != 0 {
		t.Fatalf("list nobody: %+v", list)
	}
	// Every write is audited with the API actor and the client.
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE actor = 'api:boss' AND action = 'api.clients.add' AND client_id = ?`, s1.ID); n != 2 {
		t.Fatalf("%d audit entries", n)
	}
	// Another client with the same number: conflict, nothing stored.
	c2 := map[string]any{"external_id": "CRM-2", "number": "7001", "name": "Petr"}
	e.call(sid, "clients.add", c2).Refused(t, "conflict", "number")
	if n := e.count(`SELECT COUNT(*) FROM clients`); n != 1 {
		t.Fatalf("%d clients after a conflict", n)
	}
	// A group that does not exist.
	c2["number"], c2["invoice_group_external_id"] = "7002", "nope"
	e.call(sid, "clients.add", c2).Refused(t, "invalid", "invoice_group_external_id")
}

func TestClientsBadParams(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	cases := []struct {
		name   string
		method string
		params map[string]any
		field  string
	}{
		{"missing required", "clients.add", map[string]any{"external_id": "x", "name": "A"}, "number"},
		{"wrong type", "clients.add", map[string]any{"external_id": "x", "number": 7001, "name": "A"}, "number"},
		{"wrong type bool", "clients.add", map[string]any{"external_id": "x", "number": "1", "name": "A", "is_business": "yes"}, "is_business"},
		{"unknown field", "clients.add", map[string]any{"external_id": "x", "number": "1", "name": "A", "nickname": "B"}, "nickname"},
		{"bad e-mail", "clients.add", map[string]any{"external_id": "x", "number": "1", "name": "A", "email": "nope"}, "email"},
		{"bad language", "clients.add", map[string]any{"external_id": "x", "number": "1", "name": "A", "language": "de"}, "language"},
		{"too long", "clients.add", map[string]any{"external_id": "x", "number": "1", "name": string(make([]byte, 201))}, "name"},
		{"no reference", "clients.get", map[string]any{}, "id"},
		{"negative id", "clients.get", map[string]any{"id": -1}, "id"},
		{"id as string", "clients.get", map[string]any{"id": "12"}, "id"},
		{"nested", "clients.push", map[string]any{"clients": []any{map[string]any{"external_id": "x", "number": "1"}}}, "clients[0].name"},
		{"edit bad e-mail", "clients.edit", map[string]any{"id": 1, "email": "x@"}, "email"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.call(sid, tc.method, tc.params)
			r.Fails(t, rpc.CodeInvalidParams, `"field":"`+tc.field+`"`)
		})
	}
	if n := e.count(`SELECT COUNT(*) FROM clients`); n != 0 {
		t.Fatalf("%d clients stored from bad params", n)
	}
}

func TestClientsEditDeactivateDelete(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	var s rpc.Saved
	e.call(sid, "clients.add", map[string]any{"external_id": "CRM-1", "number": "7001", "name": "Jana", "phone": "123"}).OK(t, &s)

	var got admin.ClientOut
	e.call(sid, "clients.edit", map[string]any{"external_id": "CRM-1", "email": "new@example.net", "is_business": true}).OK(t, &got)
	if got.Email != "new@example.net" || !got.IsBusiness || got.Phone != "123" || got.Name != "Jana" {
		t.Fatalf("edit changed more or less than asked: %+v", got)
	}
	e.call(sid, "clients.edit", map[string]any{"external_id": "CRM-404", "name": "X"}).Refused(t, "not_found")

	// A client with a portal session: deactivating ends it.
	b := e.Browser().LoginAs(s.ID)
	if n := e.count(`SELECT COUNT(*) FROM sessions WHERE client_id = ?`, s.ID); n != 1 {
		t.Fatalf("%d sessions before", n)
	}
	var st admin.ActiveState
	e.call(sid, "clients.deactivate", map[string]any{"id": s.ID}).OK(t, &st)
	if st.Active || st.ID != s.ID {
		t.Fatalf("deactivate: %+v", st)
	}
	cl, _ := core.ClientByID(t.Context(), e.Deps.DB.R, s.ID)
	if cl.Active {
		t.Fatal("still active")
	}
	if n := e.count(`SELECT COUNT(*) FROM sessions WHERE client_id = ?`, s.ID); n != 0 {
		t.Fatalf("%d sessions after deactivation", n)
	}
	_ = b

	var d rpc.Deleted
	e.call(sid, "clients.delete", map[string]any{"external_id": "CRM-1"}).OK(t, &d)
	if !d.Deleted || e.count(`SELECT COUNT(*) FROM clients`) != 0 {
		t.Fatal("not deleted")
	}
	// Deleting again is fine (resync), and says so.
	r := e.call(sid, "clients.delete", map[string]any{"external_id": "CRM-1"})
	r.OK(t, &d)
	if d.Deleted || len(r.Result.Messages) == 0 {
		t.Fatalf("second delete: %+v", r.Result)
	}
}

func TestClientsPush(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	e.call(sid, "tariffs.add", map[string]any{"external_id": "T1", "name": "Fiber", "kind": "internet", "price": 49900}).OK(t, nil)
	push := func(name string, svcName string) rpcResp {
		return e.call(sid, "clients.push", map[string]any{"clients": []any{
			map[string]any{"external_id": "A", "number": "8001", "name": name,
				"services": []any{map[string]any{"external_id": "SA", "tariff_external_id": "T1", "name": svcName}}},
			map[string]any{"external_id": "B", "number": "8002", "name": "Bob"},
		}})
	}
	var res services.PushResult
	push("Alice", "Internet").OK(t, &res)
	if res.Created != 2 || res.Updated != 0 || len(res.IDs) != 2 {
		t.Fatalf("first push: %+v", res)
	}
	// The same again: all updates, no duplicates (clients or services).
	push("Alice B.", "Internet 2").OK(t, &res)
	if res.Created != 0 || res.Updated != 2 {
		t.Fatalf("second push: %+v", res)
	}
	if e.count(`SELECT COUNT(*) FROM clients`) != 2 || e.count(`SELECT COUNT(*) FROM services`) != 1 ||
		e.count(`SELECT COUNT(*) FROM services WHERE name = 'Internet 2'`) != 1 {
		t.Fatal("duplicates after a resync")
	}
	// One bad item (unknown tariff) fails the whole call: nothing of it is stored.
	r := e.call(sid, "clients.push", map[string]any{"clients": []any{
		map[string]any{"external_id": "C", "number": "8003", "name": "Carol"},
		map[string]any{"external_id": "D", "number": "8004", "name": "Dan",
			"services": []any{map[string]any{"external_id": "SD", "tariff_external_id": "T404", "name": "X"}}},
	}})
	r.Refused(t, "invalid", "clients[1].services[0].tariff_external_id")
	if e.count(`SELECT COUNT(*) FROM clients`) != 2 {
		t.Fatal("a failed push stored clients")
	}
	// The same external id twice in one push: one client.
	e.call(sid, "clients.push", map[string]any{"clients": []any{
		map[string]any{"external_id": "E", "number": "8005", "name": "Eve"},
		map[string]any{"external_id": "E", "number": "8005", "name": "Eve 2"},
	}}).OK(t, &res)
	if res.Created != 1 || res.Updated != 1 || e.count(`SELECT COUNT(*) FROM clients WHERE external_id = 'E'`) != 1 {
		t.Fatalf("duplicate in one push: %+v", res)
	}
}

func TestInvoiceGroups(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	g := map[string]any{"external_id": "biz", "name": "Business", "iban": "CZ6520100000002400123456", "currency": "EUR"}
	var s1, s2 rpc.Saved
	e.call(sid, "invoiceGroups.add", g).OK(t, &s1)
	g["name"] = "Business 2"
	e.call(sid, "invoiceGroups.add", g).OK(t, &s2)
	if !s1.Created || s2.Created || s1.ID != s2.ID {
		t.Fatalf("idempotent add: %+v %+v", s1, s2)
	}
	var out admin.GroupOut
	e.call(sid, "invoiceGroups.get", map[string]any{"external_id": "biz"}).OK(t, &out)
	if out.Name != "Business 2" || out.Currency != "EUR" {
		t.Fatalf("get: %+v", out)
	}
	e.call(sid, "invoiceGroups.get", map[string]any{"id": 404}).Refused(t, "not_found")
	var list admin.GroupList
	e.call(sid, "invoiceGroups.list", nil).OK(t, &list)
	if len(list.Groups) != 1 {
		t.Fatalf("list: %+v", list)
	}
	e.call(sid, "invoiceGroups.add", map[string]any{"external_id": "x", "name": "X", "currency": "EURO"}).Fails(t, rpc.CodeInvalidParams, "currency")
}

func TestSettingsMethods(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	var list admin.SettingList
	e.call(sid, "settings.list", nil).OK(t, &list)
	if len(list.Settings) < 10 {
		t.Fatalf("%d settings", len(list.Settings))
	}
	var s admin.SettingOut
	e.call(sid, "settings.set", map[string]any{"key": "ci_login_attempts", "value": "7"}).OK(t, &s)
	if s.Value != "7" || !s.Stored {
		t.Fatalf("set: %+v", s)
	}
	e.call(sid, "settings.get", map[string]any{"key": "ci_login_attempts"}).OK(t, &s)
	if s.Value != "7" {
		t.Fatalf("get after set: %+v", s)
	}
	// The registry refuses bad values, naming the rule; nothing changes.
	e.call(sid, "settings.set", map[string]any{"key": "ci_login_attempts", "value": "1"}).Refused(t, "invalid", "value")
	e.call(sid, "settings.get", map[string]any{"key": "ci_login_attempts"}).OK(t, &s)
	if s.Value != "7" {
		t.Fatalf("a refused value was stored: %+v", s)
	}
	e.call(sid, "settings.get", map[string]any{"key": "ci_nope"}).Refused(t, "not_found", "ci_nope")
	if n := e.count(`SELECT COUNT(*) FROM settings_audit WHERE actor = 'api:boss'`); n != 1 {
		t.Fatalf("%d settings audit rows", n)
	}
	// Secrets are masked.
	e.Set("smtp_password", "hunter2")
	e.call(sid, "settings.get", map[string]any{"key": "smtp_password"}).OK(t, &s)
	if s.Value == "hunter2" || !s.Secret {
		t.Fatalf("secret shown: %+v", s)
	}
}
