package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/testkit"
)

// TestPermissionWalk walks every staff role against every staff console page and every
// API method the modules of the list declare, and checks that the one permission
// table decides both: a page answers 403 and a method -32003 exactly when the table
// refuses the role the page's or method's action. Allowed requests are sent with
// empty input, so they may fail on it, but never with a refusal or a 500.
func TestPermissionWalk(t *testing.T) {
	env := testkit.New(t, modules...)
	pages := env.Deps.Declared.StaffPages()
	methods := env.Deps.Declared.Methods()
	if len(pages) < 10 || len(methods) < 50 {
		t.Fatalf("only %d staff pages and %d methods declared", len(pages), len(methods))
	}
	for _, p := range pages {
		if !perm.Known(p.Action) {
			t.Errorf("%s %s (%s) needs unknown action %q", p.Method, p.Path, p.Module, p.Action)
		}
	}
	for _, m := range methods {
		if !perm.Known(m.Action) {
			t.Errorf("%s needs unknown action %q", m.Name, m.Action)
		}
	}
	const pw = "walk-the-table-1234"
	hash, err := password.Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{core.RoleAdmin, core.RoleSupport, core.RoleReadOnly, core.RoleAPI} {
		var id int64
		env.Tx(func(tx *sql.Tx) error {
			id, err = core.SaveStaff(context.Background(), tx, core.Staff{Login: "walk-" + role, Name: role, Role: role,
				PasswordHash: hash, Active: true}, core.Now(env.Clock.Now()))
			return err
		})
		b := env.Browser().LoginStaff(id)
		for _, p := range pages {
			path := "/admin" + strings.NewReplacer(":id", "999999", ":doc", "999999").Replace(p.Path)
			var r *testkit.Response
			if p.Method == http.MethodGet {
				r = b.Get(path)
			} else {
				r = b.Post(path, url.Values{})
			}
			allowed := perm.Allows(role, perm.ConsoleUse) && perm.Allows(role, p.Action)
			switch {
			case !allowed && r.StatusCode != http.StatusForbidden:
				t.Errorf("%s %s %s (%s): %d, want 403", role, p.Method, path, p.Action, r.StatusCode)
			case allowed && (r.StatusCode == http.StatusForbidden || r.StatusCode >= 500):
				t.Errorf("%s %s %s (%s): %d, want it allowed", role, p.Method, path, p.Action, r.StatusCode)
			}
		}

		sid := walkCall(t, env, "", "session.info", map[string]any{"auth": map[string]string{"login": "walk-" + role, "password": pw}}).SessionID
		if sid == "" {
			t.Fatalf("%s: API login failed", role)
		}
		for _, m := range methods {
			if m.Name == "session.logout" {
				continue // it would end the walk's session; session.info covers the action
			}
			a := walkCall(t, env, sid, m.Name, map[string]any{})
			refused := a.Code == rpc.CodeForbidden
			if allowed := perm.Allows(role, m.Action); refused == allowed {
				t.Errorf("%s %s (%s): refused %v, allowed by the table %v (%d %s)", role, m.Name, m.Action, refused, allowed, a.Code, a.Message)
			}
			if a.Code == rpc.CodeInternal || a.Code == rpc.CodeUnauthorized {
				t.Errorf("%s %s: %d %s", role, m.Name, a.Code, a.Message)
			}
		}
	}
}

// walkAnswer is what the walk needs of an API answer.
type walkAnswer struct {
	Code      int
	Message   string
	SessionID string
}

func walkCall(t *testing.T, env *testkit.Env, sid, method string, params map[string]any) walkAnswer {
	t.Helper()
	if sid != "" {
		params["SID"] = sid
	}
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	req, _ := http.NewRequest(http.MethodPost, "/jsonrpc", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	r := env.Browser().Do(req)
	var out struct {
		Result *struct {
			SessionID string `json:"session_id"`
		} `json:"result"`
		Error *rpc.Error `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.Body), &out); err != nil {
		t.Fatalf("%s: undecodable answer %q", method, r.Body)
	}
	if out.Error != nil {
		return walkAnswer{Code: out.Error.Code, Message: out.Error.Message}
	}
	return walkAnswer{SessionID: out.Result.SessionID}
}
