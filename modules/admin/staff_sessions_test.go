package admin_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/auth"
	"github.com/ispportal/portal/modules/buttons"
	"github.com/ispportal/portal/modules/contact"
	"github.com/ispportal/portal/modules/documents"
	"github.com/ispportal/portal/modules/files"
	"github.com/ispportal/portal/modules/gdpr"
	"github.com/ispportal/portal/modules/helpdesk"
	"github.com/ispportal/portal/modules/info"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/modules/services"
	"github.com/ispportal/portal/modules/sms"
)

// staffSessions are the three places a staff member is logged in: an API session id,
// a console session, and a "view as client" portal session started from the console.
type staffSessions struct {
	sid     string
	console *testkit.Browser
	viewAs  *testkit.Browser
}

// apiCall posts one JSON-RPC call through the real app and decodes the envelope.
func apiCall(t *testing.T, env *testkit.Env, call map[string]any) (ok bool, sid string) {
	t.Helper()
	body, _ := json.Marshal(call)
	req := httptest.NewRequest(http.MethodPost, "/jsonrpc", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	r := env.Browser().Do(req)
	var out struct {
		Result *struct {
			Code      bool   `json:"code"`
			SessionID string `json:"session_id"`
		} `json:"result"`
	}
	if err := json.Unmarshal([]byte(r.Body), &out); err != nil {
		t.Fatalf("API answer %q: %v", r.Body, err)
	}
	if out.Result == nil {
		return false, ""
	}
	return out.Result.Code, out.Result.SessionID
}

// loginEverywhere starts the three kinds of session for a staff account.
func loginEverywhere(t *testing.T, env *testkit.Env, login, pw string, staffID, clientID int64) staffSessions {
	t.Helper()
	ok, sid := apiCall(t, env, map[string]any{"jsonrpc": "2.0", "id": 1, "method": "session.info",
		"auth": map[string]string{"login": login, "password": pw}})
	if !ok || sid == "" {
		t.Fatalf("API login of %s failed", login)
	}
	s := staffSessions{sid: sid, console: env.Browser().LoginStaff(staffID), viewAs: env.Browser().LoginStaff(staffID)}
	card := fmt.Sprintf("/admin/clients/%d", clientID)
	s.viewAs.Get(card).Expect(t, 200)
	s.viewAs.Post(card+"/viewas", nil).Expect(t, 303)
	s.alive(t, env, true)
	return s
}

// alive checks that every session works (want true) or that none does.
func (s staffSessions) alive(t *testing.T, env *testkit.Env, want bool) {
	t.Helper()
	ok, _ := apiCall(t, env, map[string]any{"jsonrpc": "2.0", "id": 1, "method": "session.info", "params": map[string]any{"SID": s.sid}})
	if ok != want {
		t.Errorf("API session id works: %t, want %t", ok, want)
	}
	if got := s.console.Get("/admin").StatusCode == 200; got != want {
		t.Errorf("console session works: %t, want %t", got, want)
	}
	if got := s.viewAs.Get("/info").StatusCode == 200; got != want {
		t.Errorf("view-as session works: %t, want %t", got, want)
	}
}

// TestStaffChangeEndsEverySession: a password change, a role change and deactivation of
// a staff account end its API sessions, console sessions and view-as sessions, by
// whatever path the account is changed (the CLI, or core.SaveStaff, which every other
// writer uses). Reactivating the account does not bring the old sessions back.
func TestStaffChangeEndsEverySession(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, buttons.New, info.New, contact.New, helpdesk.New, services.New, invoices.New, documents.New,
		files.New, gdpr.New, sms.New, auth.New, admin.New, api.New)
	ctx := context.Background()
	cid := env.AddClient("7001", 0)
	const pw = "Vltava flows under Charles Bridge"
	save := func(login string, change func(*core.Staff)) {
		t.Helper()
		s, err := core.StaffByLogin(ctx, env.Deps.DB.R, login)
		if err != nil {
			t.Fatal(err)
		}
		change(&s)
		env.Tx(func(tx *sql.Tx) error { _, err := core.SaveStaff(ctx, tx, s, core.Now(env.Clock.Now())); return err })
	}
	cases := []struct {
		name   string
		change func(login string)
	}{
		{"cli passwd", func(login string) {
			if _, err := run(t, env, "Moldau under another bridge\n", "staff", "passwd", login); err != nil {
				t.Fatal(err)
			}
		}},
		{"cli disable, then reactivated", func(login string) {
			if _, err := run(t, env, "", "staff", "disable", login); err != nil {
				t.Fatal(err)
			}
			save(login, func(s *core.Staff) { s.Active = true })
		}},
		{"role change", func(login string) { save(login, func(s *core.Staff) { s.Role = core.RoleReadOnly }) }},
		{"password hash change", func(login string) { save(login, func(s *core.Staff) { s.PasswordHash = strings.Repeat("x", 20) }) }},
	}
	for i, c := range cases {
		login := fmt.Sprintf("staff%d", i)
		id := addStaff(t, env, login, core.RoleSupport, pw)
		s := loginEverywhere(t, env, login, pw, id, cid)
		c.change(login)
		t.Run(c.name, func(t *testing.T) { s.alive(t, env, false) })
		var n int
		env.Deps.DB.R.QueryRow(`SELECT (SELECT COUNT(*) FROM api_sessions WHERE staff_id = ?)
			+ (SELECT COUNT(*) FROM sessions WHERE staff_id = ? OR view_as = ?)`, id, id, id).Scan(&n)
		if n != 0 {
			t.Errorf("%s: %d session rows left", c.name, n)
		}
	}

	// Changing what does not grant access (name, e-mail) keeps the sessions.
	id := addStaff(t, env, "keeper", core.RoleSupport, pw)
	s := loginEverywhere(t, env, "keeper", pw, id, cid)
	save("keeper", func(s *core.Staff) { s.Name, s.Email = "Renamed", "keeper@example.cz" })
	s.alive(t, env, true)
}
