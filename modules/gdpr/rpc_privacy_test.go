package gdpr_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/gdpr"
)

// TestPrivacyAPI: privacy.requests pages with its cursor and filters by state and
// client; privacy.setState changes the state (audited with the caller's address,
// mailed to the client, the same state again changes nothing); clients.export
// returns the client's own data and nothing of another client, or queues it when
// it is big. Roles: the billing machine account reads and handles requests but
// cannot export; read-only staff read but can neither export nor change a state;
// support exports but cannot change a state. Bad input: unknown state, request and client.
func TestPrivacyAPI(t *testing.T) {
	t.Parallel()
	e := testkit.New(t, gdpr.New, admin.New, api.New).API()
	e.Set("system_mail", "portal@isp.example")
	e.Set("system_mail_name", "ISP portal")
	e.Set("ci_url", "https://portal.isp.example/")
	sid := e.Admin()
	e.AddClients(sid)
	billing := e.LoginRole("billing", core.RoleAPI)
	ro := e.LoginRole("viewer", core.RoleReadOnly)
	sup := e.LoginRole("helper", core.RoleSupport)
	var c1, c2 int64
	e.Deps.DB.R.QueryRow(`SELECT id FROM clients WHERE external_id = 'C1'`).Scan(&c1)
	e.Deps.DB.R.QueryRow(`SELECT id FROM clients WHERE external_id = 'C2'`).Scan(&c2)
	e.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE clients SET email = name || '@example.net'`)
		return err
	})
	ctx := context.Background()
	for _, r := range []struct {
		id   int64
		kind string
	}{{c1, gdpr.KindErasure}, {c2, gdpr.KindRestriction}, {c1, gdpr.KindRestriction}} {
		if _, err := gdpr.FileRequest(ctx, e.Deps, r.id, r.kind, "please", "client", "198.51.100.1"); err != nil {
			t.Fatal(err)
		}
	}

	// Pages of two, newest first.
	var p1, p2 gdpr.PrivacyRequestsOut
	e.Call(billing, "privacy.requests", map[string]any{"state": "open", "limit": 2}).OK(t, &p1)
	if len(p1.Requests) != 2 || p1.Requests[0].ID != 3 || p1.Next != 2 || p1.Requests[0].ClientExternalID != "C1" {
		t.Fatalf("first page: %+v", p1)
	}
	e.Call(ro, "privacy.requests", map[string]any{"state": "open", "limit": 2, "before": p1.Next}).OK(t, &p2)
	if len(p2.Requests) != 1 || p2.Requests[0].ID != 1 || p2.Next != 0 {
		t.Fatalf("second page: %+v", p2)
	}
	var mine gdpr.PrivacyRequestsOut
	e.Call(sup, "privacy.requests", map[string]any{"client_external_id": "C2"}).OK(t, &mine)
	if len(mine.Requests) != 1 || mine.Requests[0].ClientID != c2 || mine.Requests[0].Kind != gdpr.KindRestriction {
		t.Fatalf("C2's requests: %+v", mine)
	}
	e.Call(sid, "privacy.requests", map[string]any{"client_external_id": "NOPE"}).Refused(t, "not_found")
	e.Call(sid, "privacy.requests", map[string]any{"state": "closed"}).Fails(t, rpc.CodeInvalidParams, "state")

	// State changes: the machine account may, support and read-only may not.
	e.Call(sup, "privacy.setState", map[string]any{"id": 1, "state": "done"}).Fails(t, rpc.CodeForbidden)
	e.Call(ro, "privacy.setState", map[string]any{"id": 1, "state": "done"}).Fails(t, rpc.CodeForbidden)
	e.Call(billing, "privacy.setState", map[string]any{"id": 1, "state": "bogus"}).Fails(t, rpc.CodeInvalidParams, "state")
	e.Call(billing, "privacy.setState", map[string]any{"id": 99, "state": "done"}).Refused(t, "not_found")
	var st gdpr.PrivacyStateOut
	e.Call(billing, "privacy.setState", map[string]any{"id": 1, "state": "done"}).OK(t, &st)
	if !st.Changed || st.State != "done" {
		t.Fatalf("setState: %+v", st)
	}
	e.Call(billing, "privacy.setState", map[string]any{"id": 1, "state": "done"}).OK(t, &st)
	if st.Changed {
		t.Fatal("the same state again reported a change")
	}
	if n := e.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'privacy.request.done' AND actor = 'api:billing' AND ip <> '' AND client_id = ?`, c1); n != 1 {
		t.Fatalf("%d privacy.request.done entries with the caller's address", n)
	}
	if n := e.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'api.privacy.setState' AND ip <> ''`); n != 2 {
		t.Fatalf("%d api.privacy.setState entries", n)
	}
	if n := e.Count(`SELECT COUNT(*) FROM mail_outbox WHERE purpose = ? AND client_id = ?`, gdpr.PurposeRequestState, c1); n != 1 {
		t.Fatalf("%d state mails to the client, want 1", n)
	}
	// A refusal names its reasons (on the reply field), which the list returns.
	e.Call(billing, "privacy.setState", map[string]any{"id": 2, "state": "refused"}).Refused(t, "invalid", "reply")
	e.Call(billing, "privacy.setState", map[string]any{"id": 2, "state": "refused", "reply": strings.Repeat("x", 2001)}).
		Fails(t, rpc.CodeInvalidParams, "reply")
	e.Call(billing, "privacy.setState", map[string]any{"id": 2, "state": "refused", "reply": "Invoices are kept for ten years."}).OK(t, &st)
	var refused gdpr.PrivacyRequestsOut
	e.Call(sid, "privacy.requests", map[string]any{"state": "refused"}).OK(t, &refused)
	if len(refused.Requests) != 1 || refused.Requests[0].Reply != "Invoices are kept for ten years." {
		t.Fatalf("refused: %+v", refused)
	}
	var done gdpr.PrivacyRequestsOut
	e.Call(sid, "privacy.requests", map[string]any{"state": "done"}).OK(t, &done)
	if len(done.Requests) != 1 || done.Requests[0].HandledBy != "api:billing" {
		t.Fatalf("done: %+v", done)
	}

	// The export: staff roles, not the machine account.
	e.Call(billing, "clients.export", map[string]any{"external_id": "C1"}).Fails(t, rpc.CodeForbidden)
	e.Call(ro, "clients.export", map[string]any{"external_id": "C1"}).Fails(t, rpc.CodeForbidden)
	e.Call(sid, "clients.export", map[string]any{"external_id": "NOPE"}).Refused(t, "not_found")
	var out struct {
		ClientID int64 `json:"client_id"`
		Queued   bool  `json:"queued"`
		Export   struct {
			ClientNumber string `json:"client_number"`
			Sections     []struct {
				Module, Name string
				Rows         []map[string]string
			} `json:"sections"`
		} `json:"export"`
	}
	r := e.Call(sup, "clients.export", map[string]any{"external_id": "C1"})
	r.OK(t, &out)
	if out.ClientID != c1 || out.Queued || out.Export.ClientNumber != "9001" || len(out.Export.Sections) == 0 {
		t.Fatalf("export: %+v", out)
	}
	raw := string(r.Result.Return)
	for _, want := range []string{`"profile"`, "Alice", "please"} {
		if !strings.Contains(raw, want) {
			t.Errorf("export lacks %q", want)
		}
	}
	if strings.Contains(raw, "Bob") {
		t.Error("the export holds another client's data")
	}
	if n := e.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'api.clients.export' AND actor = 'api:helper' AND client_id = ? AND ip <> ''`, c1); n != 1 {
		t.Fatalf("%d export audit entries", n)
	}
	// Over the threshold: built in the background.
	e.Set("ci_gdpr_export_sync_rows", "1")
	e.Call(sid, "clients.export", map[string]any{"id": c2}).OK(t, &out)
	if !out.Queued || e.Count(`SELECT COUNT(*) FROM gdpr_exports WHERE client_id = ? AND requested_by = 'api:boss'`, c2) != 1 {
		t.Fatalf("big export: %+v", out)
	}
}
