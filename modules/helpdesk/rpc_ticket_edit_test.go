package helpdesk_test

import (
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/helpdesk"
)

// TestTicketEditAndLogAPI: tickets.edit and tickets.log do what the console's ticket
// form and log do, through EditTicket and LogItem.
func TestTicketEditAndLogAPI(t *testing.T) {
	t.Parallel()
	e := testkit.New(t, helpdesk.New, admin.New, api.New).API()
	sid := e.Admin()
	e.AddClients(sid)
	jana := e.AddStaff("jana", core.RoleSupport, testkit.StaffPassword)
	e.AddStaff("viewer", core.RoleReadOnly, testkit.StaffPassword)
	e.Call(sid, "departments.add", map[string]any{"external_id": "sup", "name": "Support", "portal_requests": true}).OK(t, nil)
	var dep rpc.Saved
	e.Call(sid, "departments.add", map[string]any{"external_id": "bill", "name": "Billing"}).OK(t, &dep)
	var tk rpc.Saved
	e.Call(sid, "tickets.add", map[string]any{"external_id": "T1", "client_external_id": "C1", "subject": "No connection"}).OK(t, &tk)

	var out helpdesk.TicketEditOut
	e.Call(sid, "tickets.edit", map[string]any{"external_id": "T1", "state": "waiting", "staff_id": jana, "department_id": dep.ID}).OK(t, &out)
	if out.State != "waiting" || out.StaffID != jana || out.DepartmentID != dep.ID || out.ClientID == 0 {
		t.Fatalf("edited: %+v", out)
	}
	// Fields left out are kept; "" removes the client.
	e.Call(sid, "tickets.edit", map[string]any{"id": tk.ID, "client_number": ""}).OK(t, &out)
	if out.State != "waiting" || out.StaffID != jana || out.ClientID != 0 {
		t.Fatalf("partial edit: %+v", out)
	}
	e.Call(sid, "tickets.edit", map[string]any{"id": tk.ID, "client_number": "nope"}).Refused(t, "invalid", "client_number")
	e.Call(sid, "tickets.edit", map[string]any{"id": tk.ID, "staff_id": 9999}).Refused(t, "invalid", "staff_id")
	e.Call(sid, "tickets.edit", map[string]any{"id": tk.ID, "department_id": 9999}).Refused(t, "invalid", "department_id")
	e.Call(sid, "tickets.edit", map[string]any{"id": tk.ID}).Refused(t, "invalid", "state")
	e.Call(sid, "tickets.edit", map[string]any{"id": 9999, "state": "open"}).Refused(t, "not_found")
	e.Call(e.Login("viewer"), "tickets.edit", map[string]any{"id": tk.ID, "state": "open"}).Fails(t, rpc.CodeForbidden)

	var item rpc.Saved
	e.Call(sid, "tickets.log", map[string]any{"id": tk.ID, "type": "phone", "direction": "in", "body": "Called, PIN checked."}).OK(t, &item)
	if !item.Created || e.Count(`SELECT COUNT(*) FROM helpdesk_items WHERE id = ? AND type = 'phone' AND direction = 'in'`, item.ID) != 1 {
		t.Fatalf("logged: %+v", item)
	}
	e.Call(sid, "tickets.log", map[string]any{"id": tk.ID, "type": "note", "body": " "}).Refused(t, "invalid", "body")
	e.Call(sid, "tickets.log", map[string]any{"id": tk.ID, "type": "phone"}).Refused(t, "invalid", "direction")
	e.Call(sid, "tickets.log", map[string]any{"id": tk.ID, "type": "email", "direction": "in", "body": "x"}).Fails(t, rpc.CodeInvalidParams, "type")
	if n := e.Count(`SELECT COUNT(*) FROM helpdesk_items`); n != 1 {
		t.Fatalf("%d items after refused logs", n)
	}
	if n := e.Count(`SELECT COUNT(*) FROM audit_log WHERE action IN ('api.tickets.edit', 'api.tickets.log') AND ip != ''`); n != 3 {
		t.Fatalf("%d audited API changes", n)
	}
}
