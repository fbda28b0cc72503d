package helpdesk

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/testkit"
)

func TestGateAndInfoHook(t *testing.T) {
	env := testkit.New(t, New)
	c := env.AddClient("6001", 0)
	b := env.Browser().LoginAs(c)
	hook := env.Deps.Hooks.HelpdeskActive
	if hook == nil {
		t.Fatal("HelpdeskActive hook not set")
	}
	check := func(on bool) {
		t.Helper()
		status := 404
		if on {
			status = 200
		}
		b.Get("/helpdesk").Expect(t, status)
		b.Get("/helpdesk/new").Expect(t, status)
		page := b.Get("/no-such-page").Expect(t, 404)
		if has := strings.Contains(page.Body, `href="/helpdesk"`); has != on {
			t.Fatalf("menu entry present=%v, want %v", has, on)
		}
		// The first request after the change already shows it (the department write
		// moved the settings revision); the hook answers from that request's revision.
		if got := hook(context.Background()); got != on {
			t.Fatalf("hook = %v, want %v", got, on)
		}
	}
	check(false)
	var billing int64
	env.Tx(func(tx *sql.Tx) error {
		var err error
		billing, err = SaveDepartment(context.Background(), tx, Department{Name: "Billing"}, env.Clock.Now())
		return err
	})
	check(false) // a department without portal requests does not count
	env.Tx(func(tx *sql.Tx) error {
		_, err := SaveDepartment(context.Background(), tx, Department{ID: billing, Name: "Billing", PortalRequests: true}, env.Clock.Now())
		return err
	})
	check(true)
	env.Tx(func(tx *sql.Tx) error {
		_, err := SaveDepartment(context.Background(), tx, Department{ID: billing, Name: "Billing"}, env.Clock.Now())
		return err
	})
	check(false)
	env.Browser().Get("/helpdesk").Expect(t, 404) // off: 404 even logged out
}

func TestConversationRules(t *testing.T) {
	f := newFixture(t)
	id := f.ticket(t, f.c1, f.bill, "Line down", StateOpen,
		Item{Type: TypeEmail, Direction: DirIn, Author: "Client", Body: "EMAIL-IN-TEXT\nsecond line"},
		Item{Type: TypeNote, Direction: DirOut, Author: "Staff", Body: "INTERNAL-NOTE-TEXT"},
		Item{Type: TypePhone, Direction: DirIn, Author: "Client", Body: "PHONE-TEXT"},
		Item{Type: TypeInPerson, Direction: DirOut, Author: "Technician", Body: "IN-PERSON-TEXT"},
		Item{Type: TypeSMS, Direction: DirOut, Author: "Support", Body: "SMS-OUT-TEXT"},
		Item{Type: TypeEmail, Direction: DirOut, Author: "Support", Body: "EMAIL-OUT-TEXT"},
	)
	path := fmt.Sprintf("/helpdesk/%d", id)
	// sms_notify disabled (the default): SMS without contents.
	r := f.b1.Get(path).Expect(t, 200, "EMAIL-IN-TEXT<br>second line", "EMAIL-OUT-TEXT", "Telephone", "In person", ">SMS<", "Billing")
	r.Lacks(t, "INTERNAL-NOTE-TEXT", "PHONE-TEXT", "IN-PERSON-TEXT", "SMS-OUT-TEXT", "Technician")
	if n := strings.Count(r.Body, "<article"); n != 5 {
		t.Fatalf("%d items shown, want 5 (the note hidden)", n)
	}
	// With an SMS transport the SMS text shows; the rest stays hidden.
	f.env.Set("sms_notify", "smpp")
	f.b1.Get(path).Expect(t, 200, "SMS-OUT-TEXT").Lacks(t, "INTERNAL-NOTE-TEXT", "PHONE-TEXT", "IN-PERSON-TEXT")
	f.env.Set("sms_notify", "disabled")
	f.b1.Get(path).Expect(t, 200).Lacks(t, "SMS-OUT-TEXT")
	// Czech.
	f.b1.Header.Set("Accept-Language", "cs")
	f.b1.Get(path).Expect(t, 200, "Konverzace", "Telefon", "Osobně", "Otevřený")
	f.b1.Header.Del("Accept-Language")

	// The list shows tickets from every department with state and last change.
	other := f.ticket(t, f.c1, f.tech, "Router", StateWaiting)
	f.b1.Get("/helpdesk").Expect(t, 200, "Line down", "Router", "Billing", "Technical support", "Waiting for your reply")

	// Another client: nothing listed, every route 404, nothing written.
	f.b2.Get("/helpdesk").Expect(t, 200, "You have no tickets yet.").Lacks(t, "Line down")
	f.b2.Get(path).Expect(t, 404)
	f.b2.Post(path+"/reply", url.Values{"text": {"hijack"}}).Expect(t, 404)
	for _, p := range []string{"/helpdesk/abc", "/helpdesk/-1", "/helpdesk/99999999999999999999", "/helpdesk/0" + fmt.Sprint(other)} {
		f.b1.Get(p).Expect(t, 404)
	}
	items, _ := ListItems(context.Background(), f.env.Deps.DB.R, id, true)
	for _, it := range items {
		if strings.Contains(it.Body, "hijack") {
			t.Fatal("another client's reply stored")
		}
	}
}

func TestNewTicketAndReplies(t *testing.T) {
	f := newFixture(t)
	f.b1.Get("/helpdesk").Expect(t, 200, "New ticket", "You have no tickets yet.")
	f.b1.Post("/helpdesk/new", url.Values{"subject": {""}, "text": {" "}}).Expect(t, 422, "Enter a subject.", "Enter your message.")
	f.b1.Post("/helpdesk/new", url.Values{"subject": {strings.Repeat("s", 201)}, "text": {strings.Repeat("x", 10001)}}).
		Expect(t, 422, "at most 200 characters", "at most 10,000 characters")
	f.b1.PostRaw("/helpdesk/new", url.Values{"subject": {"x"}, "text": {"y"}}).Expect(t, 403)

	r := f.b1.Post("/helpdesk/new", url.Values{"subject": {"No signal"}, "text": {"Since <b>today</b>."}})
	if r.StatusCode != 303 {
		t.Fatalf("create: %d\n%s", r.StatusCode, r.Body)
	}
	list, _ := ListTickets(context.Background(), f.env.Deps.DB.R, TicketFilter{ClientID: f.c1})
	if len(list) != 1 || list[0].DepartmentID != f.tech || list[0].State != StateOpen {
		t.Fatalf("created %+v", list)
	}
	id := list[0].ID
	path := fmt.Sprintf("/helpdesk/%d", id)
	if loc := r.Header.Get("Location"); loc != path {
		t.Fatalf("redirect to %q", loc)
	}
	f.b1.Get(path).Expect(t, 200, "Your ticket was created.", "No signal", "Since &lt;b&gt;today&lt;/b&gt;.", "Technical support")

	// Reply to an open ticket.
	f.b1.Post(path+"/reply", url.Values{"text": {""}}).Expect(t, 422, "Enter your message.")
	f.b1.Post(path+"/reply", url.Values{"text": {"Still down."}}).Expect(t, 303)
	f.b1.Get(path).Expect(t, 200, "Your reply was added", "Still down.")

	// Waiting for the client: their reply reopens it; the state change is visible.
	f.env.Tx(func(tx *sql.Tx) error {
		return SetTicketState(context.Background(), tx, id, StateWaiting, f.env.Clock.Now())
	})
	f.b1.Get(path).Expect(t, 200, "Waiting for your reply")
	f.b1.Post(path+"/reply", url.Values{"text": {"Here you go."}}).Expect(t, 303)
	if tk, _ := TicketByID(context.Background(), f.env.Deps.DB.R, id); tk.State != StateOpen {
		t.Fatalf("state %s after the client's reply", tk.State)
	}

	// Closed: refused with a message, nothing stored.
	f.env.Tx(func(tx *sql.Tx) error {
		return SetTicketState(context.Background(), tx, id, StateClosed, f.env.Clock.Now())
	})
	f.b1.Get(path).Expect(t, 200, "Closed", "This ticket is closed.")
	f.b1.Post(path+"/reply", url.Values{"text": {"Too late?"}}).Expect(t, 422, "takes no more replies", "Too late?")
	items, _ := ListItems(context.Background(), f.env.Deps.DB.R, id, true)
	if len(items) != 3 {
		t.Fatalf("%d items, want 3", len(items))
	}
	f.b1.Header.Set("Accept-Language", "cs")
	f.b1.Post(path+"/reply", url.Values{"text": {"x"}}).Expect(t, 422, "Založte prosím nový požadavek")

	// Without a portal department new tickets cannot be created (the tab is gone).
	f.env.Tx(func(tx *sql.Tx) error {
		_, err := SaveDepartment(context.Background(), tx, Department{ID: f.tech, Name: "Technical support"}, f.env.Clock.Now())
		return err
	})
	f.b1.Post("/helpdesk/new", url.Values{"subject": {"a"}, "text": {"b"}}).Expect(t, 404)
}

// The subject is one line (it heads every mailed reply), the text keeps its lines;
// control and invisible formatting characters are refused in both, a subject of
// spaces and line breaks counts as none.
func TestNewTicketTextNormalised(t *testing.T) {
	f := newFixture(t)
	f.b1.Post("/helpdesk/new", url.Values{"subject": {" \r\n\t "}, "text": {"x"}}).Expect(t, 422, "Enter a subject.")
	f.b1.Post("/helpdesk/new", url.Values{"subject": {"No\x00signal"}, "text": {"x"}}).Expect(t, 422, "Remove control characters")
	f.b1.Post("/helpdesk/new", url.Values{"subject": {"ok"}, "text": {"evil\u202etxt"}}).Expect(t, 422, "Remove control characters")
	f.b1.Post("/helpdesk/new", url.Values{"subject": {"No\r\nsignal"}, "text": {"line 1\r\nline 2"}}).Expect(t, 303)
	list, _ := ListTickets(context.Background(), f.env.Deps.DB.R, TicketFilter{ClientID: f.c1})
	if len(list) != 1 || list[0].Subject != "No signal" {
		t.Fatalf("tickets %+v", list)
	}
	path := fmt.Sprintf("/helpdesk/%d", list[0].ID)
	f.b1.Post(path+"/reply", url.Values{"text": {"bell\x07"}}).Expect(t, 422, "Remove control characters")
	items, _ := ListItems(context.Background(), f.env.Deps.DB.R, list[0].ID, true)
	if len(items) != 1 || items[0].Body != "line 1\nline 2" {
		t.Fatalf("items %+v", items)
	}
}
