package info_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/info"
)

// TestMessageBodyRuleEverywhere checks that the console, the API and the CLI apply the
// one body limit of PublishMessage, MaxBody characters. Before, the console and the
// store counted bytes: a 60000-character Czech body (120000 bytes), which the API's
// own rule allowed, was refused by all three.
func TestMessageBodyRuleEverywhere(t *testing.T) {
	env := testkit.New(t, info.New, admin.New, api.New)
	ctx := context.Background()
	czech := "<p>" + strings.Repeat("č", 60000-7) + "</p>"
	if len(czech) <= 100000 {
		t.Fatalf("the body is only %d bytes", len(czech))
	}

	b := env.StaffBrowserAs("boss", core.RoleAdmin)
	b.Get("/admin/messages").Expect(t, 200)
	b.Post("/admin/messages", url.Values{"kind": {"global"}, "title": {"Console"}, "body": {czech}}).Expect(t, 303)
	b.Post("/admin/messages", url.Values{"kind": {"global"}, "title": {"Too long"}, "body": {strings.Repeat("č", info.MaxBody+1)}}).
		Expect(t, 422, "too long")

	env.AddStaff("billing", core.RoleAPI, testkit.StaffPassword)
	// A body over 64 KB needs a session: session.info with credentials opens one.
	call := func(sid, method string, params map[string]any) map[string]any {
		t.Helper()
		if sid != "" {
			params["SID"] = sid
		}
		body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
		req, _ := http.NewRequest(http.MethodPost, "/jsonrpc", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if sid != "" {
			req.Header.Set("X-Session-Id", sid)
		}
		r := env.Browser().Do(req)
		var out map[string]any
		if err := json.Unmarshal([]byte(r.Body), &out); err != nil {
			t.Fatalf("answer %q: %v", r.Body, err)
		}
		return out
	}
	res, _ := call("", "session.info", map[string]any{"auth": map[string]string{"login": "billing", "password": testkit.StaffPassword}})["result"].(map[string]any)
	sid, _ := res["session_id"].(string)
	if sid == "" {
		t.Fatalf("no API session: %v", res)
	}
	out := call(sid, "messages.add", map[string]any{"external_id": "CZ", "kind": "global", "title": "API", "body": czech})
	if res, _ := out["result"].(map[string]any); res == nil || res["code"] != true {
		t.Fatalf("API refused a 60000-character Czech body: %v", out)
	}

	if _, err := run(t, env, "message add", czech, "--kind", "global", "--title", "CLI"); err != nil {
		t.Fatalf("CLI refused a 60000-character Czech body: %v", err)
	}

	list, err := info.ListMessages(ctx, env.Deps.DB.R, info.MessageFilter{})
	if err != nil || len(list) != 3 {
		t.Fatalf("stored %d messages, %v", len(list), err)
	}
	for _, m := range list {
		if m.Body != czech {
			t.Errorf("message %q: body of %d bytes stored, want the whole %d", m.Title, len(m.Body), len(czech))
		}
	}
}
