package api

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/auth"
)

// TestClientsActivate: clients.activate undoes clients.deactivate, and the client can
// log in again; while deactivated the right password shows the "access disabled" page
// and starts no session.
func TestClientsActivate(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	setupClient(t, e, sid)
	var set auth.SetPasswordResult
	e.call(sid, "clients.setPassword", map[string]any{"external_id": "C1", "password": "Phone agreed 4711 ok"}).OK(t, &set)

	var st admin.ActiveState
	e.call(sid, "clients.deactivate", map[string]any{"external_id": "C1"}).OK(t, &st)
	b := e.Browser()
	b.Get("/login")
	b.Post("/login", url.Values{"login": {"9001"}, "password": {"Phone agreed 4711 ok"}}).
		Expect(t, http.StatusForbidden, "Your access to the client portal is disabled", "NetWave")
	if n := e.count(`SELECT COUNT(*) FROM sessions WHERE client_id = ?`, set.ClientID); n != 0 {
		t.Fatalf("%d sessions of a deactivated client", n)
	}

	// Staff cannot hand a deactivated client a way in either.
	e.call(sid, "clients.setPassword", map[string]any{"external_id": "C1", "generate": true}).Refused(t, "invalid", "deactivated")
	e.call(sid, "clients.sendPasswordLink", map[string]any{"external_id": "C1"}).Refused(t, "invalid", "deactivated")

	e.call(sid, "clients.activate", map[string]any{"external_id": "C1"}).OK(t, &st)
	if !st.Active || st.ID != set.ClientID {
		t.Fatalf("activate: %+v", st)
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'api.clients.activate' AND client_id = ? AND ip = '127.0.0.1'`, st.ID); n != 1 {
		t.Fatalf("%d audit entries of the activation", n)
	}
	// The one-time password was not spent by the refused login: it works now.
	r := b.Post("/login", url.Values{"login": {"9001"}, "password": {"Phone agreed 4711 ok"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/password/new" {
		t.Fatalf("login after activation: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	e.call(sid, "clients.activate", map[string]any{"external_id": "C404"}).Refused(t, "not_found")
	e.addStaff("viewer", "readonly")
	e.call(e.login("viewer"), "clients.activate", map[string]any{"external_id": "C1"}).Fails(t, rpc.CodeForbidden)
}
