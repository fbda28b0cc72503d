package helpdesk

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
)

// run runs one of the module's CLI commands.
func run(t *testing.T, f *fixture, name, stdin string, args ...string) (string, error) {
	t.Helper()
	for _, c := range commands() {
		if c.Name == name {
			var out, errb bytes.Buffer
			err := c.Run(context.Background(), f.env.Deps, app.IO{In: strings.NewReader(stdin), Out: &out, Err: &errb}, args)
			return out.String(), err
		}
	}
	t.Fatalf("no command %q", name)
	return "", nil
}

func TestStaffReplyMail(t *testing.T) {
	f := newFixture(t)
	srv := mailtest.Start(t)
	w := mail.NewWorker(f.env.Deps.DB, srv.Config, nil, time.Now)
	// A Czech client.
	f.env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE clients SET language = 'cs' WHERE id = ?`, f.c2)
		return err
	})
	t1 := f.ticket(t, f.c1, f.bill, "Invoice question", StateOpen, Item{Type: TypeEmail, Direction: DirIn, Body: "Why?"})
	t2 := f.ticket(t, f.c2, f.tech, "Wi-Fi", StateOpen)
	noClient := f.ticket(t, 0, f.tech, "Anonymous call", StateOpen)

	deliver := func() mailtest.Message {
		t.Helper()
		srv.Clear()
		if _, _, err := w.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		msgs := srv.WaitFor(t, 1, 5*time.Second)
		return msgs[len(msgs)-1]
	}
	cases := []struct {
		name, ciURL, serverURL string
		ticket                 int64
		sentence, link         string
	}{
		{"en with ci_url", "https://portal.example.net/", "", t1, "You can view the entire conversation in the Client portal.",
			fmt.Sprintf("https://portal.example.net/helpdesk/%d", t1)},
		{"cs with server_url", "", "https://isp.example.net", t2, "Celou konverzaci si můžete prohlédnout v Klientském portálu.",
			fmt.Sprintf("https://isp.example.net/clientinterface/helpdesk/%d", t2)},
		{"ci_url wins", "https://portal.example.net", "https://isp.example.net", t2, "Celou konverzaci",
			fmt.Sprintf("https://portal.example.net/helpdesk/%d", t2)},
		{"no address", "", "", t1, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.env.Set("ci_url", tc.ciURL)
			f.env.Set("server_url", tc.serverURL)
			out, err := run(t, f, "ticket reply", "We fixed it.\nRegards", fmt.Sprint(tc.ticket), "--author", "Eva")
			if err != nil {
				t.Fatal(err)
			}
			m := deliver()
			if !strings.Contains(m.Text, "We fixed it.\r\nRegards") && !strings.Contains(m.Text, "We fixed it.\nRegards") {
				t.Fatalf("body: %q", m.Text)
			}
			if !strings.Contains(m.Subject, fmt.Sprintf("[#%d]", tc.ticket)) {
				t.Fatalf("subject %q", m.Subject)
			}
			if tc.link == "" {
				if strings.Contains(m.Text, "/helpdesk/") || strings.Contains(m.Text, "Client portal") || strings.Contains(out, "link http") {
					t.Fatalf("link without an address: %q", m.Text)
				}
				return
			}
			if !strings.Contains(m.Text, tc.sentence) || !strings.Contains(m.Text, tc.link) || !strings.Contains(out, tc.link) {
				t.Fatalf("want %q and %q in %q", tc.sentence, tc.link, m.Text)
			}
		})
	}
	// The reply is an outbound e-mail item the client sees in the portal.
	f.b1.Get(fmt.Sprintf("/helpdesk/%d", t1)).Expect(t, 200, "We fixed it.<br>Regards", "from us", "(Eva)")

	// No portal department: no link even with an address.
	f.env.Set("ci_url", "https://portal.example.net/")
	f.env.Tx(func(tx *sql.Tx) error {
		_, err := SaveDepartment(context.Background(), tx, Department{ID: f.tech, Name: "Technical support"}, f.env.Clock.Now())
		return err
	})
	run(t, f, "ticket reply", "Done.", fmt.Sprint(t1))
	if m := deliver(); strings.Contains(m.Text, "/helpdesk/") {
		t.Fatalf("link without a portal department: %q", m.Text)
	}
	// No client: stored, no mail.
	out, err := run(t, f, "ticket reply", "Noted.", fmt.Sprint(noClient))
	if err != nil || !strings.Contains(out, "no e-mail sent: the ticket has no client") {
		t.Fatalf("no client: %q %v", out, err)
	}
	// A client without an e-mail address: stored, no mail, and the output says why.
	f.env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE clients SET email = '' WHERE id = ?`, f.c2)
		return err
	})
	out, err = run(t, f, "ticket reply", "Noted.", fmt.Sprint(t2))
	if err != nil || !strings.Contains(out, "no e-mail sent: the client has no e-mail address") {
		t.Fatalf("no address: %q %v", out, err)
	}
	if n, _ := mail.Count(context.Background(), f.env.Deps.DB.R, mail.StatusQueued); n != 0 {
		t.Fatalf("%d mails queued for a ticket without client or address", n)
	}
}

func TestCommands(t *testing.T) {
	f := newFixture(t)
	id := f.ticket(t, f.c1, f.tech, "Slow line", StateOpen)
	bad := []struct {
		name, stdin string
		args        []string
	}{
		{"ticket reply", "text", nil},
		{"ticket reply", "text", []string{"abc"}},
		{"ticket reply", "text", []string{"999"}},
		{"ticket reply", "   ", []string{fmt.Sprint(id)}},
		{"ticket state", "", []string{fmt.Sprint(id), "solved"}},
		{"ticket state", "", []string{"999", "open"}},
		{"ticket list", "", []string{"--state", "done"}},
		{"ticket list", "", []string{"--client", "nobody"}},
		{"department add", "", nil},
	}
	for _, b := range bad {
		if _, err := run(t, f, b.name, b.stdin, b.args...); err == nil {
			t.Errorf("%s %v: no error", b.name, b.args)
		}
	}
	if out, err := run(t, f, "ticket state", "", fmt.Sprint(id), "closed"); err != nil || !strings.Contains(out, "closed") {
		t.Fatalf("state: %q %v", out, err)
	}
	if f.env.AuditCount("ticket.edit", "cli") != 1 {
		t.Fatal("ticket state is not audited")
	}
	f.b1.Get(fmt.Sprintf("/helpdesk/%d", id)).Expect(t, 200, "Closed")
	out, err := run(t, f, "ticket list", "", "--client", "6001", "--state", "closed")
	if err != nil || !strings.Contains(out, "Slow line") || !strings.Contains(out, "  6001  ") {
		t.Fatalf("list: %q %v", out, err)
	}
	if out, _ := run(t, f, "ticket list", "", "--state", "open"); strings.Contains(out, "Slow line") {
		t.Fatal("state filter ignored")
	}
	if _, err := run(t, f, "department add", "", "Sales", "team", "--portal"); err != nil {
		t.Fatal(err)
	}
	out, _ = run(t, f, "department list", "")
	if !strings.Contains(out, "Sales team") || !strings.Contains(out, "Billing") {
		t.Fatalf("departments: %q", out)
	}
}

func TestSeedIdempotent(t *testing.T) {
	f := newFixture(t)
	env := app.SeedEnv{Now: f.env.Clock.Now(), ClientIDs: map[string]int64{app.DemoClientNumber: f.c1}}
	var mod *Module
	for _, m := range f.env.Modules {
		mod = m.(*Module)
	}
	for i := 0; i < 2; i++ {
		f.env.Tx(func(tx *sql.Tx) error { return mod.seed(context.Background(), tx, env) })
	}
	list, _ := ListTickets(context.Background(), f.env.Deps.DB.R, TicketFilter{ClientID: f.c1})
	if len(list) != 3 {
		t.Fatalf("%d demo tickets", len(list))
	}
	types := map[string]bool{}
	for _, tk := range list {
		items, _ := ListItems(context.Background(), f.env.Deps.DB.R, tk.ID, true)
		for _, it := range items {
			types[it.Type+"/"+it.Direction] = true
		}
	}
	for _, want := range []string{"email/in", "email/out", "sms/in", "sms/out", "in_person/out", "phone/in", "note/out"} {
		if !types[want] {
			t.Errorf("demo lacks a %s item", want)
		}
	}
}

// TestTicketEditAndLogCLI: `portal ticket edit` and `portal ticket log` change a
// ticket as the console does, audited as the CLI.
func TestTicketEditAndLogCLI(t *testing.T) {
	f := newFixture(t)
	jana := f.env.AddStaff("jana", "support", "correct horse battery")
	id := f.ticket(t, f.c1, f.tech, "Wi-Fi", StateOpen)
	sid := fmt.Sprint(id)
	out, err := run(t, f, "ticket edit", "", sid, "--state", "waiting", "--staff", "jana", "--department", fmt.Sprint(f.bill))
	if err != nil || !strings.Contains(out, "waiting") {
		t.Fatalf("edit: %v %s", err, out)
	}
	tk, _ := TicketByID(context.Background(), f.env.Deps.DB.R, id)
	if tk.State != StateWaiting || tk.StaffID != jana || tk.DepartmentID != f.bill || tk.ClientID != f.c1 {
		t.Fatalf("edited %+v", tk)
	}
	if _, err := run(t, f, "ticket edit", "", sid, "--client", "-", "--staff", "-"); err != nil {
		t.Fatal(err)
	}
	if tk, _ = TicketByID(context.Background(), f.env.Deps.DB.R, id); tk.ClientID != 0 || tk.StaffID != 0 {
		t.Fatalf("removed: %+v", tk)
	}
	for _, args := range [][]string{{sid, "--client", "nope"}, {sid, "--staff", "nobody"}, {sid, "--state", "gone"}, {"999", "--state", "open"}, {sid}} {
		if _, err := run(t, f, "ticket edit", "", args...); err == nil {
			t.Fatalf("ticket edit %v succeeded", args)
		}
	}
	if out, err := run(t, f, "ticket log", "Client came to the office.", sid, "--type", "in_person", "--direction", "in"); err != nil || !strings.Contains(out, "logged") {
		t.Fatalf("log: %v %s", err, out)
	}
	if _, err := run(t, f, "ticket log", "", sid, "--type", "note"); err == nil {
		t.Fatal("an empty note was logged")
	}
	if f.env.AuditCount("ticket.", "cli") != 3 {
		t.Fatal("CLI changes not audited")
	}
}
