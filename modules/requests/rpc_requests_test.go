package requests_test

import (
	"database/sql"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/requests"
)

func TestRequests(t *testing.T) {
	t.Parallel()
	e := testkit.New(t, requests.New, admin.New, api.New).API()
	sid := e.Admin()
	e.AddClients(sid)
	e.AddStaff("viewer", core.RoleReadOnly, testkit.StaffPassword)
	ro := e.Login("viewer")

	// A request the client sent from the portal.
	var c1 int64
	e.Call(sid, "clients.get", map[string]any{"external_id": "C1"}).OK(t, &struct {
		ID *int64 `json:"id"`
	}{&c1})
	var rid int64
	e.Tx(func(tx *sql.Tx) error {
		var err error
		rid, err = requests.SaveRequest(t.Context(), tx, requests.Request{ClientID: c1, Subject: "Move", Category: "service_change",
			Body: "Moving on 1 December."}, e.Clock.Now())
		return err
	})
	var rl requests.RequestList
	e.Call(ro, "requests.list", map[string]any{"client_external_id": "C1"}).OK(t, &rl)
	if len(rl.Requests) != 1 || rl.Requests[0].ID != rid || rl.Requests[0].State != "new" {
		t.Fatalf("requests: %+v", rl)
	}
	e.Call(ro, "requests.list", map[string]any{"client_external_id": "C2"}).OK(t, &rl)
	if len(rl.Requests) != 0 {
		t.Fatal("another client's request listed")
	}
	var got requests.RequestOut
	e.Call(ro, "requests.setState", map[string]any{"id": rid, "state": "done"}).Fails(t, rpc.CodeForbidden)
	e.Call(sid, "requests.setState", map[string]any{"id": rid, "state": "done"}).OK(t, &got)
	if got.State != "done" || got.ClientID != c1 {
		t.Fatalf("setState: %+v", got)
	}
	e.Call(ro, "requests.list", map[string]any{"state": "done"}).OK(t, &rl)
	if len(rl.Requests) != 1 {
		t.Fatalf("by state: %+v", rl)
	}
	e.Call(sid, "requests.setState", map[string]any{"id": rid, "state": "finished"}).Fails(t, rpc.CodeInvalidParams, `"field":"state"`)
	e.Call(sid, "requests.setState", map[string]any{"id": 999, "state": "done"}).Refused(t, "not_found")
	if n := e.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'api.requests.setState' AND client_id = ?`, c1); n != 1 {
		t.Fatalf("%d audit entries", n)
	}
}
