package helpdesk_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/helpdesk"
)

func TestDepartments(t *testing.T) {
	t.Parallel()
	e := testkit.New(t, helpdesk.New, admin.New, api.New).API()
	sid := e.Admin()
	var d1, d2 rpc.Saved
	e.Call(sid, "departments.add", map[string]any{"external_id": "sup", "name": "Support"}).OK(t, &d1)
	e.Call(sid, "departments.add", map[string]any{"external_id": "sup", "name": "Support desk", "portal_requests": true}).OK(t, &d2)
	if !d1.Created || d2.Created || d1.ID != d2.ID || e.Count(`SELECT COUNT(*) FROM helpdesk_departments`) != 1 {
		t.Fatalf("idempotent add: %+v %+v", d1, d2)
	}
	var list helpdesk.DepartmentList
	e.Call(sid, "departments.list", nil).OK(t, &list)
	if len(list.Departments) != 1 || list.Departments[0].Name != "Support desk" || !list.Departments[0].PortalRequests {
		t.Fatalf("list: %+v", list)
	}
	e.Call(sid, "departments.add", map[string]any{"external_id": "x"}).Fails(t, rpc.CodeInvalidParams, `"field":"name"`)
	e.AddStaff("viewer", core.RoleReadOnly, testkit.StaffPassword)
	e.Call(e.Login("viewer"), "departments.add", map[string]any{"external_id": "y", "name": "Y"}).Fails(t, rpc.CodeForbidden)
	if n := e.Count(`SELECT COUNT(*) FROM helpdesk_departments`); n != 1 {
		t.Fatalf("%d departments", n)
	}
}

func TestTickets(t *testing.T) {
	t.Parallel()
	e := testkit.New(t, helpdesk.New, admin.New, api.New).API()
	sid := e.Admin()
	e.AddClients(sid)
	e.AddStaff("viewer", core.RoleReadOnly, testkit.StaffPassword)
	ro := e.Login("viewer")

	// Without any department a ticket has nowhere to go.
	ticket := map[string]any{"external_id": "T1", "client_external_id": "C1", "subject": "No connection",
		"items": []any{map[string]any{"external_id": "I1", "type": "phone", "direction": "in", "body": "Called: no connection.", "author": "Alice"}}}
	e.Call(sid, "tickets.add", ticket).Refused(t, "invalid", "department_id")
	e.Call(sid, "departments.add", map[string]any{"external_id": "sup", "name": "Support", "portal_requests": true}).OK(t, nil)

	var s1, s2 rpc.Saved
	e.Call(sid, "tickets.add", ticket).OK(t, &s1)
	e.Call(sid, "tickets.add", ticket).OK(t, &s2)
	if !s1.Created || s2.Created || s1.ID != s2.ID || e.Count(`SELECT COUNT(*) FROM helpdesk_tickets`) != 1 ||
		e.Count(`SELECT COUNT(*) FROM helpdesk_items`) != 1 {
		t.Fatalf("resend duplicated: %+v %+v", s1, s2)
	}
	// An item id of this ticket used for another one: conflict, nothing stored.
	e.Call(sid, "tickets.add", map[string]any{"external_id": "T2", "subject": "Other", "items": ticket["items"]}).
		Refused(t, "conflict", "items[0].external_id")
	if n := e.Count(`SELECT COUNT(*) FROM helpdesk_tickets`); n != 1 {
		t.Fatalf("%d tickets after a conflict", n)
	}
	bad := []struct {
		name   string
		params map[string]any
		field  string
	}{
		{"no subject", map[string]any{"external_id": "T3"}, "subject"},
		{"bad state", map[string]any{"external_id": "T3", "subject": "x", "state": "solved"}, "state"},
		{"bad item type", map[string]any{"external_id": "T3", "subject": "x",
			"items": []any{map[string]any{"external_id": "I9", "type": "fax", "direction": "in", "body": "x"}}}, "items[0].type"},
		{"item without id", map[string]any{"external_id": "T3", "subject": "x",
			"items": []any{map[string]any{"type": "note", "direction": "out", "body": "x"}}}, "items[0].external_id"},
		{"bad time", map[string]any{"external_id": "T3", "subject": "x", "created_at": "yesterday"}, "created_at"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			e.Call(sid, "tickets.add", tc.params).Fails(t, rpc.CodeInvalidParams, `"field":"`+tc.field+`"`)
		})
	}

	var list helpdesk.TicketList
	e.Call(ro, "tickets.list", map[string]any{"client_external_id": "C1"}).OK(t, &list)
	if len(list.Tickets) != 1 || list.Tickets[0].Subject != "No connection" || list.Tickets[0].DepartmentName != "Support" {
		t.Fatalf("list: %+v", list)
	}
	e.Call(ro, "tickets.list", map[string]any{"client_external_id": "C2"}).OK(t, &list)
	if len(list.Tickets) != 0 {
		t.Fatal("another client's ticket listed")
	}
	e.Call(ro, "tickets.list", map[string]any{"state": "closed"}).OK(t, &list)
	if len(list.Tickets) != 0 {
		t.Fatal("state filter ignored")
	}

	// Closing, then a resync without a state: the ticket stays closed.
	var got helpdesk.TicketOut
	e.Call(sid, "tickets.setState", map[string]any{"external_id": "T1", "state": "closed"}).OK(t, &got)
	if got.State != "closed" {
		t.Fatalf("setState: %+v", got)
	}
	e.Call(sid, "tickets.add", ticket).OK(t, nil)
	e.Call(ro, "tickets.get", map[string]any{"external_id": "T1"}).OK(t, &got)
	if got.State != "closed" || len(got.Items) != 1 || got.Items[0].Type != "phone" {
		t.Fatalf("get after resync: %+v", got)
	}
	e.Call(sid, "tickets.setState", map[string]any{"id": s1.ID, "state": "solved"}).Fails(t, rpc.CodeInvalidParams, `"field":"state"`)
	e.Call(ro, "tickets.setState", map[string]any{"id": s1.ID, "state": "open"}).Fails(t, rpc.CodeForbidden)
	e.Call(ro, "tickets.get", map[string]any{"id": 999}).Refused(t, "not_found")
}

func TestTicketsReply(t *testing.T) {
	t.Parallel()
	e := testkit.New(t, helpdesk.New, admin.New, api.New).API()
	sid := e.Admin()
	e.AddClients(sid)
	e.AddStaff("viewer", core.RoleReadOnly, testkit.StaffPassword)
	e.Set("ci_url", "https://portal.example.net/")
	e.Call(sid, "clients.edit", map[string]any{"external_id": "C1", "email": "alice@example.net"}).OK(t, nil)
	e.Call(sid, "departments.add", map[string]any{"external_id": "sup", "name": "Support", "portal_requests": true}).OK(t, nil)
	var tk rpc.Saved
	e.Call(sid, "tickets.add", map[string]any{"external_id": "T1", "client_external_id": "C1", "subject": "No connection"}).OK(t, &tk)

	reply := map[string]any{"external_id": "T1", "body": "We restarted your router.", "reply_external_id": "R1"}
	e.Call(e.Login("viewer"), "tickets.reply", reply).Fails(t, rpc.CodeForbidden, "readonly")
	var r1, r2 helpdesk.TicketReplyResult
	e.Call(sid, "tickets.reply", reply).OK(t, &r1)
	if !r1.Created || !r1.MailQueued || r1.Link != "https://portal.example.net/helpdesk/"+strconv.FormatInt(tk.ID, 10) {
		t.Fatalf("reply: %+v", r1)
	}
	// The same reply again (a retry): nothing stored, nothing mailed twice.
	res := e.Call(sid, "tickets.reply", reply)
	res.OK(t, &r2)
	if r2.Created || r2.ItemID != r1.ItemID || r2.MailSkipped != "" || len(res.Result.Messages) == 0 {
		t.Fatalf("retry: %+v", res.Result)
	}
	var to, subject, body string
	if err := e.Deps.DB.R.QueryRow(`SELECT recipients, subject, body_text FROM mail_outbox WHERE purpose = 'helpdesk_reply'`).
		Scan(&to, &subject, &body); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(to, "alice@example.net") || !strings.Contains(subject, "No connection") ||
		!strings.Contains(body, "We restarted your router.") || !strings.Contains(body, r1.Link) {
		t.Fatalf("mail to %s %q: %s", to, subject, body)
	}
	var got helpdesk.TicketOut
	e.Call(sid, "tickets.get", map[string]any{"id": tk.ID}).OK(t, &got)
	if len(got.Items) != 1 || got.Items[0].Direction != "out" || got.Items[0].Author != "boss" || got.Items[0].ExternalID != "R1" {
		t.Fatalf("items: %+v", got.Items)
	}
	// A client without an e-mail address: stored, not mailed.
	e.Call(sid, "tickets.add", map[string]any{"external_id": "T2", "client_external_id": "C2", "subject": "Invoice"}).OK(t, nil)
	e.Call(sid, "tickets.reply", map[string]any{"external_id": "T2", "body": "Sent again."}).OK(t, &r1)
	if r1.MailQueued || r1.ItemID == 0 || r1.MailSkipped != "no_email" {
		t.Fatalf("reply without address: %+v", r1)
	}
	// A ticket without a client: stored, not mailed, and the answer says why.
	e.Call(sid, "tickets.add", map[string]any{"external_id": "T3", "subject": "From the switchboard"}).OK(t, nil)
	res = e.Call(sid, "tickets.reply", map[string]any{"external_id": "T3", "body": "Noted."})
	r1 = helpdesk.TicketReplyResult{}
	res.OK(t, &r1)
	if r1.MailQueued || !r1.Created || r1.ItemID == 0 || r1.MailSkipped != "no_client" ||
		len(res.Result.Messages) != 1 || !strings.Contains(res.Result.Messages[0], "no e-mail sent: the ticket has no client") {
		t.Fatalf("reply without a client: %+v %v", r1, res.Result.Messages)
	}
	// The reply id of T1's reply on T2: conflict.
	e.Call(sid, "tickets.reply", map[string]any{"external_id": "T2", "body": "x", "reply_external_id": "R1"}).
		Refused(t, "conflict", "reply_external_id")
	e.Call(sid, "tickets.reply", map[string]any{"external_id": "T1"}).Fails(t, rpc.CodeInvalidParams, `"field":"body"`)
	e.Call(sid, "tickets.reply", map[string]any{"external_id": "T1", "body": "   "}).Fails(t, rpc.CodeInvalidParams, `"field":"body"`)
	e.Call(sid, "tickets.reply", map[string]any{"external_id": "T404", "body": "x"}).Refused(t, "not_found")
	if n := e.Count(`SELECT COUNT(*) FROM mail_outbox`); n != 1 {
		t.Fatalf("%d mails, want 1", n)
	}
	if n := e.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'api.tickets.reply'`); n != 4 {
		t.Fatalf("%d reply audit entries, want 4", n)
	}
}
