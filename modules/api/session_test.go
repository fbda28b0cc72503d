package api

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/web"
)

func TestLoginAndSession(t *testing.T) {
	e := newEnv(t)
	e.addStaff("billing", core.RoleAPI)

	// Auth at the top level of the call, as well as inside params, starts a session.
	r := e.rpc(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "session.info",
		"auth": map[string]string{"login": "billing", "password": testPassword}})
	var info SessionInfo
	r.OK(t, &info)
	sid := r.Result.SessionID
	if info.Login != "billing" || info.Role != core.RoleAPI {
		t.Fatalf("info %+v", info)
	}
	// ≥ 128 bits: 32 random bytes, base64url.
	if len(sid) < 43 {
		t.Fatalf("session id %q too short", sid)
	}
	// Stored hashed only.
	if n := e.count(`SELECT COUNT(*) FROM api_sessions WHERE token_hash = ?`, web.HashToken(sid)); n != 1 {
		t.Fatalf("%d sessions with the hash", n)
	}
	if n := e.count(`SELECT COUNT(*) FROM api_sessions WHERE token_hash = ? OR ip = ?`, sid, sid); n != 0 {
		t.Fatal("the raw session id is stored")
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'api.login' AND actor = 'api:billing'`); n != 1 {
		t.Fatalf("%d login audit entries", n)
	}

	// SID in params, at the top level and in the header all work.
	e.call(sid, "invoiceGroups.list", nil).OK(t, nil)
	e.rpc(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "invoiceGroups.list", "SID": sid}).OK(t, nil)
	e.rpc(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "invoiceGroups.list"}, "X-Session-Id", sid).OK(t, nil)

	// No credentials at all.
	e.call("", "invoiceGroups.list", nil).Fails(t, rpc.CodeUnauthorized, "not authenticated")
	// A made-up SID.
	e.call(web.NewToken(), "invoiceGroups.list", nil).Fails(t, rpc.CodeUnauthorized, "expired or unknown")

	// Logout: the SID is dead afterwards.
	var out struct {
		LoggedOut bool `json:"logged_out"`
	}
	e.call(sid, "session.logout", nil).OK(t, &out)
	if !out.LoggedOut {
		t.Fatal("logout did not say so")
	}
	e.call(sid, "invoiceGroups.list", nil).Fails(t, rpc.CodeUnauthorized)
}

func TestSessionExpiry(t *testing.T) {
	e := newEnv(t)
	e.addStaff("billing", core.RoleAPI)

	// Idle: 29 minutes between calls keep it alive, 30 end it.
	sid := e.login("billing")
	e.Clock.Advance(29 * time.Minute)
	e.call(sid, "session.info", nil).OK(t, nil)
	e.Clock.Advance(29 * time.Minute)
	e.call(sid, "session.info", nil).OK(t, nil)
	e.Clock.Advance(30 * time.Minute)
	e.call(sid, "session.info", nil).Fails(t, rpc.CodeUnauthorized, "expired")

	// Absolute: a session used every 20 minutes still ends 12 hours after login.
	sid = e.login("billing")
	for i := 0; i < 35; i++ {
		e.Clock.Advance(20 * time.Minute)
		e.call(sid, "session.info", nil).OK(t, nil)
	}
	e.Clock.Advance(20 * time.Minute) // 12 h 0 min after login
	e.call(sid, "session.info", nil).Fails(t, rpc.CodeUnauthorized, "expired")
}

func TestWrongPasswordAndLockout(t *testing.T) {
	e := newEnv(t)
	id := e.addStaff("ops", core.RoleAdmin)
	bad := map[string]any{"auth": map[string]string{"login": "ops", "password": "wrong"}}
	e.call("", "session.info", bad).Fails(t, rpc.CodeUnauthorized, "wrong login or password")
	if n := e.count(`SELECT COUNT(*) FROM api_sessions`); n != 0 {
		t.Fatalf("%d sessions after a wrong password", n)
	}
	// Unknown logins answer the same.
	e.call("", "session.info", map[string]any{"auth": map[string]string{"login": "ghost", "password": "x"}}).
		Fails(t, rpc.CodeUnauthorized, "wrong login or password")

	for i := 0; i < 4; i++ {
		e.call("", "session.info", bad)
	}
	// Five failures lock the staff account: in the shared counter the staff web login
	// reads (kind staff, the account's principal), and the right password is refused.
	st, err := lockout.Get(context.Background(), e.Deps.DB.R, lockout.KindStaff, lockout.Account(id), e.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !st.Locked(e.Clock.Now()) || st.Failures != 5 {
		t.Fatalf("after 5 bad API logins: %+v", st)
	}
	e.call("", "session.info", map[string]any{"auth": map[string]string{"login": "ops", "password": testPassword}}).
		Fails(t, rpc.CodeUnauthorized, "locked")
	// After the lock time the right password works and clears the counter.
	e.Clock.Advance(16 * time.Minute)
	e.login("ops")
	st, _ = lockout.Get(context.Background(), e.Deps.DB.R, lockout.KindStaff, lockout.Account(id), e.Clock.Now())
	if st.Failures != 0 {
		t.Fatalf("counter after success: %+v", st)
	}

	// An inactive account cannot log in even with the right password.
	e.Tx(func(txn *sql.Tx) error {
		_, err := txn.Exec(`UPDATE staff SET active = 0 WHERE id = ?`, id)
		return err
	})
	e.call("", "session.info", map[string]any{"auth": map[string]string{"login": "ops", "password": testPassword}}).
		Fails(t, rpc.CodeUnauthorized)
}

func TestSIDOnlyInBodyOrHeader(t *testing.T) {
	e := newEnv(t)
	e.addStaff("billing", core.RoleAPI)
	sid := e.login("billing")
	call := []byte(`{"jsonrpc": "2.0", "method": "invoiceGroups.list", "id": 1}`)
	for name, req := range map[string]func() *http.Request{
		"query": func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, e.URL+"/jsonrpc?SID="+sid+"&session_id="+sid, strings.NewReader(string(call)))
			return r
		},
		"cookie": func() *http.Request {
			r, _ := http.NewRequest(http.MethodPost, e.URL+"/jsonrpc", strings.NewReader(string(call)))
			for _, n := range []string{"SID", "sid", "asid", "session_id"} {
				r.AddCookie(&http.Cookie{Name: n, Value: sid})
			}
			return r
		},
	} {
		t.Run(name, func(t *testing.T) {
			r := req()
			r.Header.Set("Content-Type", "application/json")
			resp, err := e.HTTP.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var rr rpcResp
			decode(t, resp, &rr)
			rr.Fails(t, rpc.CodeUnauthorized)
		})
	}
}

func TestRoles(t *testing.T) {
	e := newEnv(t)
	e.addStaff("viewer", core.RoleReadOnly)
	e.addStaff("billing", core.RoleAPI)
	e.addStaff("helper", core.RoleSupport)
	ro, api, sup := e.login("viewer"), e.login("billing"), e.login("helper")
	add := map[string]any{"external_id": "c1", "number": "5001", "name": "Role Test"}

	e.call(ro, "clients.list", nil).OK(t, nil)
	e.call(ro, "settings.list", nil).OK(t, nil)
	e.call(ro, "clients.add", add).Fails(t, rpc.CodeForbidden, "readonly")
	e.call(ro, "settings.set", map[string]any{"key": "ci_display_invoices_tab", "value": "0"}).Fails(t, rpc.CodeForbidden)
	if n := e.count(`SELECT COUNT(*) FROM clients`); n != 0 {
		t.Fatal("a readonly write was stored")
	}
	// The machine role writes data but not settings.
	e.call(api, "clients.add", add).OK(t, nil)
	e.call(api, "settings.set", map[string]any{"key": "ci_display_invoices_tab", "value": "0"}).Fails(t, rpc.CodeForbidden, "admin")
	e.call(sup, "clients.edit", map[string]any{"external_id": "c1", "name": "Changed"}).OK(t, nil)
	e.call(sup, "settings.set", map[string]any{"key": "ci_display_invoices_tab", "value": "0"}).Fails(t, rpc.CodeForbidden)
}

func TestSuspendedPortal(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	e.Set("ci_portal_suspended", "1")
	e.call(sid, "clients.list", nil).Fails(t, rpc.CodeSuspended, "suspended")
	e.call(sid, "settings.get", map[string]any{"key": "ci_portal_suspended"}).OK(t, nil)
	// Staff resume the portal through the API; the next call works.
	e.call(sid, "settings.set", map[string]any{"key": "ci_portal_suspended", "value": "0"}).OK(t, nil)
	e.call(sid, "clients.list", nil).OK(t, nil)
}

func TestAccountRateLimit(t *testing.T) {
	old := accountRate
	accountRate.Limit = 20
	t.Cleanup(func() { accountRate = old })
	e := newEnv(t)
	sid := e.admin()
	var calls []string
	for i := 0; i < 25; i++ {
		calls = append(calls, `{"jsonrpc": "2.0", "method": "session.info", "id": 1, "SID": "`+sid+`"}`)
	}
	_, out := e.post("/jsonrpc", []byte("["+strings.Join(calls, ",")+"]"))
	var rs []rpcResp
	decodeBytes(t, out, &rs)
	// The login call counted too: 19 more pass, then the limit answers.
	limited := 0
	for _, r := range rs {
		if r.Error != nil && r.Error.Code == rpc.CodeRateLimited {
			limited++
		}
	}
	if limited != 6 {
		t.Fatalf("%d of 25 calls limited, want 6", limited)
	}
	// Another account has its own budget.
	e.addStaff("other", core.RoleAPI)
	e.call(e.login("other"), "session.info", nil).OK(t, nil)
}

func TestIPRateLimit(t *testing.T) {
	old := ipRate
	ipRate.Limit = 3
	t.Cleanup(func() { ipRate = old })
	e := newEnv(t)
	for i := 0; i < 3; i++ {
		e.call("", "session.info", nil).Fails(t, rpc.CodeUnauthorized)
	}
	status, body := e.post("/jsonrpc", []byte(`{"jsonrpc": "2.0", "method": "session.info", "id": 1}`))
	if status != http.StatusTooManyRequests || !strings.Contains(string(body), "-32029") {
		t.Fatalf("4th request: %d %s", status, body)
	}
}
