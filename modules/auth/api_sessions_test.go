package auth

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
)

var apiRefRE = regexp.MustCompile(`name="session" value="([0-9a-f]{16})"><input type="hidden" name="kind" value="api">`)

// TestStaffAPISessions: the staff member's sessions page lists their API sessions
// (device from the caller's User-Agent, address, last use) and ends one or all of
// them (audited with the address); the API session is then refused. Another staff
// member posting that reference ends nothing (404) and a client's page has no API
// sessions to end.
func TestStaffAPISessions(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, New, admin.New, api.New)
	a := env.API()
	env.AddStaff("eva", core.RoleSupport, testkit.StaffPassword)
	env.AddStaff("ota", core.RoleSupport, testkit.StaffPassword)
	login := func(who, ua string) string {
		t.Helper()
		r := a.RPC(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "session.info",
			"params": map[string]any{"auth": map[string]string{"login": who, "password": testkit.StaffPassword}}}, "User-Agent", ua)
		if r.Result == nil || r.Result.SessionID == "" {
			t.Fatalf("API login %s: %+v", who, r.Error)
		}
		return r.Result.SessionID
	}
	works := func(sid string) bool {
		r := a.Call(sid, "session.info", nil)
		return r.Error == nil && r.Result != nil && r.Result.Code
	}
	sync := login("eva", "curl/8.5.0")
	script := login("eva", firefoxUA)
	otas := login("ota", "curl/8.5.0")

	eva := env.Browser()
	eva.Get("/admin/login")
	eva.Post("/admin/login", url.Values{"login": {"eva"}, "password": {testkit.StaffPassword}}).Expect(t, http.StatusSeeOther)
	page := eva.Get("/admin/account/sessions").Expect(t, 200, "API sessions", "curl", "Firefox / Linux", "127.0.0.1")
	refs := apiRefRE.FindAllStringSubmatch(page.Body, -1)
	if len(refs) != 2 {
		t.Fatalf("%d API sessions listed, want 2:\n%s", len(refs), page.Body)
	}
	ota := env.Browser()
	ota.Get("/admin/login")
	ota.Post("/admin/login", url.Values{"login": {"ota"}, "password": {testkit.StaffPassword}}).Expect(t, http.StatusSeeOther)
	otaPage := ota.Get("/admin/account/sessions").Expect(t, 200, "API sessions")
	if n := len(apiRefRE.FindAllString(otaPage.Body, -1)); n != 1 {
		t.Fatalf("ota sees %d API sessions, want only their own", n)
	}
	// Another staff member's reference: nothing ends.
	for _, r := range refs {
		ota.Post("/admin/account/sessions/end", url.Values{"session": {r[1]}, "kind": {"api"}}).Expect(t, http.StatusNotFound)
	}
	// A client's page ends no API session.
	cl := env.Browser().LoginAs(addClient(t, env, "7101", "", goodPW))
	cl.Post("/account/sessions/end", url.Values{"session": {refs[0][1]}, "kind": {"api"}}).Expect(t, http.StatusNotFound)
	if !works(sync) || !works(script) {
		t.Fatal("an API session ended by someone else's request")
	}
	// eva ends the first listed (the latest used), then all.
	eva.Post("/admin/account/sessions/end", url.Values{"session": {refs[0][1]}, "kind": {"api"}}).Expect(t, http.StatusSeeOther)
	eva.Get("/admin/account/sessions").Expect(t, 200, "That session has been ended.")
	if works(sync) == works(script) {
		t.Fatalf("ending one API session: sync %v, script %v", works(sync), works(script))
	}
	if n := env.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'staff.api_session.end' AND actor = 'staff:eva' AND ip <> ''`); n != 1 {
		t.Fatalf("%d audit entries of the end", n)
	}
	eva.Post("/admin/account/sessions/end", url.Values{"all": {"1"}, "kind": {"api"}}).Expect(t, http.StatusSeeOther)
	eva.Get("/admin/account/sessions").Expect(t, 200, "Every API session has been ended.", "No API sessions.")
	if works(sync) || works(script) || !works(otas) {
		t.Fatalf("after ending all: sync %v, script %v, ota's %v", works(sync), works(script), works(otas))
	}
	// eva's console session itself lives on.
	eva.Get("/admin/account/sessions").Expect(t, 200, "This device")
}
