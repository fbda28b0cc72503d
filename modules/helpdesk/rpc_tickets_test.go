package api

import (
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/modules/helpdesk"
)

func TestDepartments(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sid := e.admin()
	var d1, d2 Saved
	e.call(sid, "departments.add", map[string]any{"external_id": "sup", "name": "Support"}).ok(t, &d1)
	e.call(sid, "departments.add", map[string]any{"external_id": "sup", "name": "Support desk", "portal_requests": true}).ok(t, &d2)
	if !d1.Created || d2.Created || d1.ID != d2.ID || e.count(`SELECT COUNT(*) FROM helpdesk_departments`) != 1 {
		t.Fatalf("idempotent add: %+v %+v", d1, d2)
	}
	var list helpdesk.DepartmentList
	e.call(sid, "departments.list", nil).ok(t, &list)
	if len(list.Departments) != 1 || list.Departments[0].Name != "Support desk" || !list.Departments[0].PortalRequests {
		t.Fatalf("list: %+v", list)
	}
	e.call(sid, "departments.add", map[string]any{"external_id": "x"}).fails(t, rpc.CodeInvalidParams, `"field":"name"`)
	e.addStaff("viewer", core.RoleReadOnly)
	e.call(e.login("viewer"), "departments.add", map[string]any{"external_id": "y", "name": "Y"}).fails(t, rpc.CodeForbidden)
	if n := e.count(`SELECT COUNT(*) FROM helpdesk_departments`); n != 1 {
		t.Fatalf("%d departments", n)
	}
}

func TestTickets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sid := e.admin()
	setupClient(t, e, sid)
	e.addStaff("viewer", core.RoleReadOnly)
	ro := e.login("viewer")

	// Without any department a ticket has nowhere to go.
	ticket := map[string]any{"external_id": "T1", "client_external_id": "C1", "subject": "No connection",
		"items": []any{map[string]any{"external_id": "I1", "type": "phone", "direction": "in", "body": "Called: no connection.", "author": "Alice"}}}
	e.call(sid, "tickets.add", ticket).refused(t, "invalid", "department_id")
	e.call(sid, "departments.add", map[string]any{"external_id": "sup", "name": "Support", "portal_requests": true}).ok(t, nil)

	var s1, s2 Saved
	e.call(sid, "tickets.add", ticket).ok(t, &s1)
	e.call(sid, "tickets.add", ticket).ok(t, &s2)
	if !s1.Created || s2.Created || s1.ID != s2.ID || e.count(`SELECT COUNT(*) FROM helpdesk_tickets`) != 1 ||
		e.count(`SELECT COUNT(*) FROM helpdesk_items`) != 1 {
		t.Fatalf("resend duplicated: %+v %+v", s1, s2)
	}
	// An item id of this ticket used for another one: conflict, nothing stored.
	e.call(sid, "tickets.add", map[string]any{"external_id": "T2", "subject": "Other", "items": ticket["items"]}).
		refused(t, "conflict", "items[0].external_id")
	if n := e.count(`SELECT COUNT(*) FROM helpdesk_tickets`); n != 1 {
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
			e.call(sid, "tickets.add", tc.params).fails(t, rpc.CodeInvalidParams, `"field":"`+tc.field+`"`)
		})
	}

	var list helpdesk.TicketList
	e.call(ro, "tickets.list", map[string]any{"client_external_id": "C1"}).ok(t, &list)
	if len(list.Tickets) != 1 || list.Tickets[0].Subject != "No connection" || list.Tickets[0].DepartmentName != "Support" {
		t.Fatalf("list: %+v", list)
	}
	e.call(ro, "tickets.list", map[string]any{"client_external_id": "C2"}).ok(t, &list)
	if len(list.Tickets) != 0 {
		t.Fatal("another client's ticket listed")
	}
	e.call(ro, "tickets.list", map[string]any{"state": "closed"}).ok(t, &list)
	if len(list.Tickets) != 0 {
		t.Fatal("state filter ignored")
	}

	// Closing, then a resync without a state: the ticket stays closed.
	var got helpdesk.TicketOut
	e.call(sid, "tickets.setState", map[string]any{"external_id": "T1", "state": "closed"}).ok(t, &got)
	if got.State != "closed" {
		t.Fatalf("setState: %+v", got)
	}
	e.call(sid, "tickets.add", ticket).ok(t, nil)
	e.call(ro, "tickets.get", map[string]any{"external_id": "T1"}).ok(t, &got)
	if got.State != "closed" || len(got.Items) != 1 || got.Items[0].Type != "phone" {
		t.Fatalf("get after resync: %+v", got)
	}
	e.call(sid, "tickets.setState", map[string]any{"id": s1.ID, "state": "solved"}).fails(t, rpc.CodeInvalidParams, `"field":"state"`)
	e.call(ro, "tickets.setState", map[string]any{"id": s1.ID, "state": "open"}).fails(t, rpc.CodeForbidden)
	e.call(ro, "tickets.get", map[string]any{"id": 999}).refused(t, "not_found")
}

func TestTicketsReply(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sid := e.admin()
	setupClient(t, e, sid)
	e.addStaff("viewer", core.RoleReadOnly)
	e.Set("ci_url", "https://portal.example.net/")
	e.call(sid, "clients.edit", map[string]any{"external_id": "C1", "email": "alice@example.net"}).ok(t, nil)
	e.call(sid, "departments.add", map[string]any{"external_id": "sup", "name": "Support", "portal_requests": true}).ok(t, nil)
	var tk Saved
	e.call(sid, "tickets.add", map[string]any{"external_id": "T1", "client_external_id": "C1", "subject": "No connection"}).ok(t, &tk)

	reply := map[string]any{"external_id": "T1", "body": "We restarted your router.", "reply_external_id": "R1"}
	e.call(e.login("viewer"), "tickets.reply", reply).fails(t, rpc.CodeForbidden, "readonly")
	var r1, r2 helpdesk.TicketReplyResult
	e.call(sid, "tickets.reply", reply).ok(t, &r1)
	if !r1.Created || !r1.MailQueued || r1.Link != "https://portal.example.net/helpdesk/"+itoa64(tk.ID) {
		t.Fatalf("reply: %+v", r1)
	}
	// The same reply again (a retry): nothing stored, nothing mailed twice.
	res := e.call(sid, "tickets.reply", reply)
	res.ok(t, &r2)
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
	e.call(sid, "tickets.get", map[string]any{"id": tk.ID}).ok(t, &got)
	if len(got.Items) != 1 || got.Items[0].Direction != "out" || got.Items[0].Author != "boss" || got.Items[0].ExternalID != "R1" {
		t.Fatalf("items: %+v", got.Items)
	}
	// A client without an e-mail address: stored, not mailed.
	e.call(sid, "tickets.add", map[string]any{"external_id": "T2", "client_external_id": "C2", "subject": "Invoice"}).ok(t, nil)
	e.call(sid, "tickets.reply", map[string]any{"external_id": "T2", "body": "Sent again."}).ok(t, &r1)
	if r1.MailQueued || r1.ItemID == 0 || r1.MailSkipped != "no_email" {
		t.Fatalf("reply without address: %+v", r1)
	}
	// A ticket without a client: stored, not mailed, and the answer says why.
	e.call(sid, "tickets.add", map[string]any{"external_id": "T3", "subject": "From the switchboard"}).ok(t, nil)
	res = e.call(sid, "tickets.reply", map[string]any{"external_id": "T3", "body": "Noted."})
	r1 = helpdesk.TicketReplyResult{}
	res.ok(t, &r1)
	if r1.MailQueued || !r1.Created || r1.ItemID == 0 || r1.MailSkipped != "no_client" ||
		len(res.Result.Messages) != 1 || !strings.Contains(res.Result.Messages[0], "no e-mail sent: the ticket has no client") {
		t.Fatalf("reply without a client: %+v %v", r1, res.Result.Messages)
	}
	// The reply id of T1's reply on T2: conflict.
	e.call(sid, "tickets.reply", map[string]any{"external_id": "T2", "body": "x", "reply_external_id": "R1"}).
		refused(t, "conflict", "reply_external_id")
	e.call(sid, "tickets.reply", map[string]any{"external_id": "T1"}).fails(t, rpc.CodeInvalidParams, `"field":"body"`)
	e.call(sid, "tickets.reply", map[string]any{"external_id": "T1", "body": "   "}).fails(t, rpc.CodeInvalidParams, `"field":"body"`)
	e.call(sid, "tickets.reply", map[string]any{"external_id": "T404", "body": "x"}).refused(t, "not_found")
	if n := e.count(`SELECT COUNT(*) FROM mail_outbox`); n != 1 {
		t.Fatalf("%d mails, want 1", n)
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'api.tickets.reply'`); n != 4 {
		t.Fatalf("%d reply audit entries, want 4", n)
	}
}
