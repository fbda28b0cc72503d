package helpdesk_test

import (
	"context"
	"database/sql"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/helpdesk"
)

// TestHelpdeskStaffEditAndLog: staff change a ticket's state, department, client and
// assignee, log calls, visits and internal notes; the client sees calls and visits
// without their contents and never the notes; bad input changes nothing.
func TestHelpdeskStaffEditAndLog(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, helpdesk.New, admin.New)
	c1, c2 := env.AddClient("7101", 0), env.AddClient("7102", 0)
	var tid, support, billing int64
	env.Tx(func(tx *sql.Tx) error {
		ctx := context.Background()
		var err error
		if support, err = helpdesk.SaveDepartment(ctx, tx, helpdesk.Department{Name: "Support", PortalRequests: true}, env.Clock.Now()); err != nil {
			return err
		}
		if billing, err = helpdesk.SaveDepartment(ctx, tx, helpdesk.Department{Name: "Billing"}, env.Clock.Now()); err != nil {
			return err
		}
		tid, err = helpdesk.SaveTicket(ctx, tx, helpdesk.Ticket{ClientID: c1, DepartmentID: support, Subject: "Invoice too high"}, env.Clock.Now())
		if err != nil {
			return err
		}
		_, err = helpdesk.AddItem(ctx, tx, helpdesk.Item{TicketID: tid, Type: helpdesk.TypeEmail, Direction: helpdesk.DirIn, Body: "Why 900 CZK?", Author: "Client"}, env.Clock.Now())
		return err
	})
	page := "/admin/tickets/" + strconv.FormatInt(tid, 10)
	eva := env.AddStaff("eva", core.RoleSupport, testkit.StaffPassword)
	sup := env.Browser().LoginStaff(eva)
	sup.Get(page).Expect(t, 200, `action="`+page+`/edit"`, `action="`+page+`/log"`, "Internal note", "never their contents; notes not at all")

	items := func() int { return env.Count(`SELECT COUNT(*) FROM helpdesk_items WHERE ticket_id = ?`, tid) }
	ticketRow := func() string {
		var s string
		env.Deps.DB.R.QueryRow(`SELECT state || ' ' || department_id || ' ' || COALESCE(client_id, 0) || ' ' || COALESCE(staff_id, 0)
			FROM helpdesk_tickets WHERE id = ?`, tid).Scan(&s)
		return s
	}
	before, beforeItems := ticketRow(), items()
	dep := strconv.FormatInt(billing, 10)
	edit := func(state, department, client, staff string) url.Values {
		return url.Values{"state": {state}, "department": {department}, "client": {client}, "staff": {staff}}
	}
	bad := []struct {
		name, lang, path string
		f                url.Values
		want             string
	}{
		{"unknown state", "en", "/edit", edit("reopened", dep, "7102", "0"), "Choose a state from the list."},
		{"department not a number", "cs", "/edit", edit("open", "1 OR 1=1", "7102", "0"), "Vyberte oddělení ze seznamu."},
		{"unknown department", "en", "/edit", edit("open", "99999", "7102", "0"), "Choose a department from the list."},
		{"unknown client", "cs", "/edit", edit("open", dep, "<script>", "0"), "Klient s tímto číslem neexistuje."},
		{"unknown staff", "en", "/edit", edit("open", dep, "7102", "99999"), "Choose an active staff member"},
		{"staff not a number", "en", "/edit", edit("open", dep, "7102", "-3"), "Choose an active staff member"},
		{"nothing changed", "en", "/edit", edit("open", strconv.FormatInt(support, 10), "7101", "0"), "Nothing changed."},
		{"e-mail is not logged here", "en", "/log", url.Values{"type": {"email"}, "direction": {"in"}, "body": {"x"}}, "Choose a note, a phone call"},
		{"empty note", "cs", "/log", url.Values{"type": {"note"}, "body": {"  "}}, "Toto pole je povinné."},
		{"call without direction", "en", "/log", url.Values{"type": {"phone"}, "direction": {"sideways"}}, "Choose who started it."},
		{"control characters", "en", "/log", url.Values{"type": {"note"}, "body": {"a\u202eb"}}, "Remove control characters"},
		{"too long", "en", "/log", url.Values{"type": {"note"}, "body": {strings.Repeat("x", helpdesk.MaxBody+1)}}, "too long"},
	}
	for _, tc := range bad {
		sup.Header.Set("Accept-Language", tc.lang)
		sup.Post(page+tc.path, tc.f).Expect(t, 422, tc.want)
	}
	sup.Header.Set("Accept-Language", "en")
	if ticketRow() != before || items() != beforeItems {
		t.Fatalf("refused changes changed the ticket: %s -> %s, %d -> %d items", before, ticketRow(), beforeItems, items())
	}

	// Move it to billing, waiting, the other client, assigned to Eva.
	sup.Post(page+"/edit", edit("waiting", dep, "7102", strconv.FormatInt(eva, 10))).Expect(t, 303)
	if want := "waiting " + dep + " " + strconv.FormatInt(c2, 10) + " " + strconv.FormatInt(eva, 10); ticketRow() != want {
		t.Fatalf("ticket %s, want %s", ticketRow(), want)
	}
	sup.Get(page).Expect(t, 200, "The ticket was changed.", "Billing", "7102")
	sup.Get("/admin/tickets").Expect(t, 200, "eva")

	// A call, a visit and a note.
	sup.Post(page+"/log", url.Values{"type": {"phone"}, "direction": {"in"}, "body": {"Client called: PIN 4711 given"}}).Expect(t, 303)
	sup.Post(page+"/log", url.Values{"type": {"in_person"}, "direction": {"out"}, "body": {"Technician visit: router swapped"}}).Expect(t, 303)
	sup.Post(page+"/log", url.Values{"type": {"note"}, "body": {"Internal: goodwill credit <b>approved</b>"}}).Expect(t, 303)
	sup.Get(page).Expect(t, 200, "Logged.", "Client called: PIN 4711 given", "Technician visit", "Internal: goodwill credit &lt;b&gt;approved&lt;/b&gt;")
	for action, n := range map[string]int{"ticket.edit": 1, "ticket.log": 3} {
		if got := env.Count(`SELECT COUNT(*) FROM audit_log WHERE action = ? AND actor = 'staff:eva' AND ip <> ''`, action); got != n {
			t.Fatalf("%s audited %d times, want %d with the IP", action, got, n)
		}
	}

	// The client (now 7102) sees the call and the visit without contents, no note; 7101
	// no longer sees the ticket.
	cl := env.Browser().LoginAs(c2)
	cl.Get("/helpdesk/"+strconv.FormatInt(tid, 10)).Expect(t, 200, "Telephone", "In person", "Why 900 CZK?").
		Lacks(t, "PIN 4711", "router swapped", "goodwill", "Internal")
	cl.Header.Set("Accept-Language", "cs")
	cl.Get("/helpdesk/"+strconv.FormatInt(tid, 10)).Expect(t, 200, "Telefon", "Osobně").Lacks(t, "PIN 4711", "goodwill")
	env.Browser().LoginAs(c1).Get("/helpdesk/"+strconv.FormatInt(tid, 10)).Expect(t, 404)

	// Read-only staff see it but may not change it.
	ro := env.StaffBrowser(core.RoleReadOnly)
	ro.Get(page).Expect(t, 200, "goodwill").Lacks(t, `action="`+page+`/edit"`)
	ro.Post(page+"/edit", edit("closed", dep, "", "0")).Expect(t, 403)
	ro.Post(page+"/log", url.Values{"type": {"note"}, "body": {"x"}}).Expect(t, 403)

	// Czech console; and the ticket can lose its client.
	sup.Header.Set("Accept-Language", "cs")
	sup.Get(page).Expect(t, 200, "Zapsat hovor, návštěvu nebo poznámku", "Stav, oddělení, klient a přiřazení")
	sup.Post(page+"/edit", edit("closed", dep, "", "0")).Expect(t, 303)
	if want := "closed " + dep + " 0 0"; ticketRow() != want {
		t.Fatalf("ticket %s, want %s", ticketRow(), want)
	}
}
