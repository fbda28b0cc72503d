package api

import (
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/modules/helpdesk"
)

// Single-line params are normalised before anything is checked or stored: a ticket
// subject with a line break made every mailed reply fail, a client number of spaces
// passed "required", and control characters went into names.
func TestSingleLineParamsNormalised(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	e.call(sid, "clients.add", map[string]any{"external_id": "C1", "number": "9001", "name": "Alice", "email": "alice@example.net"}).OK(t, nil)
	e.call(sid, "departments.add", map[string]any{"external_id": "sup", "name": "Support", "portal_requests": true}).OK(t, nil)

	var s rpc.Saved
	e.call(sid, "tickets.add", map[string]any{"external_id": "T1", "client_external_id": "C1", "subject": "No\r\nconnection\tsince  Monday ",
		"items": []any{map[string]any{"external_id": "I1", "type": "phone", "direction": "in", "body": "Line one\r\nLine two", "author": "Alice\n"}}}).OK(t, &s)
	var subject, body, author string
	e.Deps.DB.R.QueryRow(`SELECT t.subject, i.body, i.author FROM helpdesk_tickets t JOIN helpdesk_items i ON i.ticket_id = t.id WHERE t.id = ?`, s.ID).
		Scan(&subject, &body, &author)
	if subject != "No connection since Monday" || body != "Line one\nLine two" || author != "Alice" {
		t.Fatalf("stored %q / %q / %q", subject, body, author)
	}
	// So the reply is mailed.
	var rep helpdesk.TicketReplyResult
	e.call(sid, "tickets.reply", map[string]any{"external_id": "T1", "body": "We are on it.\nRegards"}).OK(t, &rep)
	if !rep.MailQueued {
		t.Fatalf("reply not mailed: %+v", rep)
	}

	for _, tc := range []struct {
		name, method string
		params       map[string]any
		field, msg   string
	}{
		{"number of spaces", "clients.add", map[string]any{"external_id": "C2", "number": "   ", "name": "Bob"}, "number", "is required"},
		{"name of tabs", "clients.add", map[string]any{"external_id": "C2", "number": "9002", "name": "\t\n"}, "name", "is required"},
		{"NUL in a name", "clients.add", map[string]any{"external_id": "C2", "number": "9002", "name": "Bo\x00b"}, "name", "control"},
		{"escape in a city", "clients.add", map[string]any{"external_id": "C2", "number": "9002", "name": "Bob", "city": "\x1b[31mBrno"}, "city", "control"},
		{"right-to-left override", "clients.push", map[string]any{"clients": []any{
			map[string]any{"external_id": "C3", "number": "9003", "name": "Ok"},
			map[string]any{"external_id": "C4", "number": "9004", "name": "evil\u202etxt.exe"}}}, "clients[1].name", "invisible"},
		{"control in a list", "consentDocuments.add", map[string]any{"external_id": "D", "title": "Marketing", "text": "<p>x</p>",
			"purposes": []any{"E-mail", "S\x07MS"}}, "purposes[1]", "control"},
		{"subject of spaces", "tickets.add", map[string]any{"external_id": "T2", "client_external_id": "C1", "subject": " \r\n "}, "subject", "is required"},
		{"control in a body", "tickets.reply", map[string]any{"external_id": "T1", "body": "a\x00b"}, "body", "control"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.call(sid, tc.method, tc.params)
			r.Fails(t, rpc.CodeInvalidParams, tc.msg)
			if f := errField(t, r); f != tc.field {
				t.Fatalf("field %q, want %q (%s)", f, tc.field, r.Error.Message)
			}
		})
	}
	if n := e.count(`SELECT COUNT(*) FROM clients`); n != 1 {
		t.Fatalf("%d clients", n)
	}
	// Passwords are taken as typed: spaces are part of them.
	e.call(sid, "clients.setPassword", map[string]any{"external_id": "C1", "password": "  spaced out pass phrase  "}).OK(t, nil)
}

// A ticket stored with a line break in its subject before subjects were normalised is
// still answered: the mail's subject is made one line.
func TestReplyToLegacyMultilineSubject(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	e.call(sid, "clients.add", map[string]any{"external_id": "C1", "number": "9001", "name": "Alice", "email": "alice@example.net"}).OK(t, nil)
	e.call(sid, "departments.add", map[string]any{"external_id": "sup", "name": "Support", "portal_requests": true}).OK(t, nil)
	e.call(sid, "tickets.add", map[string]any{"external_id": "T1", "client_external_id": "C1", "subject": "Old"}).OK(t, nil)
	if _, err := e.Deps.DB.W.Exec(`UPDATE helpdesk_tickets SET subject = ?`, "Two\r\nlines"); err != nil {
		t.Fatal(err)
	}
	var rep helpdesk.TicketReplyResult
	e.call(sid, "tickets.reply", map[string]any{"external_id": "T1", "body": "Fixed."}).OK(t, &rep)
	var subj string
	e.Deps.DB.R.QueryRow(`SELECT subject FROM mail_outbox ORDER BY id DESC LIMIT 1`).Scan(&subj)
	if !rep.MailQueued || !strings.HasPrefix(subj, "Re: Two lines") {
		t.Fatalf("mail subject %q", subj)
	}
}
