package notify

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
)

// Staff see a client's choices on the card and change them (support), with field
// errors on bad input; read-only staff see them without a form and are refused.
func TestStaffCard(t *testing.T) {
	f := newFixture(t)
	card := "/admin/clients/" + strconv.FormatInt(f.c1, 10)
	sb := f.env.StaffBrowser(core.RoleSupport)
	sb.Get(card).Expect(t, 200, `id="c-notify"`, `value="ticket_reply.email" checked`, "/notifications")
	sb.Post(card+"/notifications", url.Values{"on": {"outage.sms"}, "quiet_from": {"24:00"}, "quiet_to": {"07:00"}}).
		Expect(t, http.StatusUnprocessableEntity, "Enter a time from 00:00 to 23:59")
	if prefsOf(t, f, f.c1).Saved {
		t.Fatal("refused card form stored")
	}
	sb.Post(card+"/notifications", url.Values{"on": {"outage.sms", "fup100.email"}, "quiet_from": {"23:00"}, "quiet_to": {"06:30"}}).
		Expect(t, http.StatusSeeOther)
	if p := prefsOf(t, f, f.c1); strings.Join(p.Pairs(), " ") != "fup100.email outage.sms" || p.QuietFrom != "23:00" {
		t.Fatalf("prefs %+v", p)
	}
	if n := f.env.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'notifications.preferences' AND client_id = ? AND ip <> ''`, f.c1); n != 1 {
		t.Fatalf("%d audit entries with an IP", n)
	}
	ro := f.env.StaffBrowser(core.RoleReadOnly)
	ro.Get(card).Expect(t, 200, `id="c-notify"`).Lacks(t, `name="on"`)
	ro.Post(card+"/notifications", url.Values{"on": {"outage.email"}, "quiet_from": {"23:00"}, "quiet_to": {"06:30"}}).Expect(t, http.StatusForbidden)
	if p := prefsOf(t, f, f.c1); strings.Join(p.Pairs(), " ") != "fup100.email outage.sms" {
		t.Fatalf("read-only staff changed prefs: %+v", p)
	}
}

// A notice from the console reaches every active client once, on their channels;
// bad input re-renders with the field error and sends nothing.
func TestStaffNotice(t *testing.T) {
	f := newFixture(t)
	sb := f.env.StaffBrowser(core.RoleSupport)
	sb.Get("/admin/notices").Expect(t, 200, "Outage and maintenance notices", "Send notice")
	sb.Post("/admin/notices", url.Values{"audience": {"all"}, "title": {""}, "text": {"x"}}).
		Expect(t, http.StatusUnprocessableEntity, "Enter a title of 1 to 140 characters")
	sb.Post("/admin/notices", url.Values{"audience": {"client"}, "client": {"9999"}, "title": {"T"}, "text": {"x"}}).
		Expect(t, http.StatusUnprocessableEntity, "Choose an existing invoice group or client")
	if n := f.count(t, `SELECT COUNT(*) FROM notify_notices`); n != 0 {
		t.Fatalf("%d notices stored from refused forms", n)
	}
	sb.Post("/admin/notices", url.Values{"audience": {"all"}, "title": {"Maintenance 5 Dec 01:00–03:00"}, "text": {"Network upgrade."}}).
		Expect(t, http.StatusSeeOther)
	msgs := f.deliverMail(t)
	if len(msgs) != 2 || msgs[0].Subject != "Maintenance 5 Dec 01:00–03:00" || !strings.Contains(msgs[1].Text, "Network upgrade.") {
		t.Fatalf("mails %+v", msgs)
	}
	sb.Get("/admin/notices").Expect(t, 200, "Maintenance 5 Dec", "2 client(s)")
	if n := f.env.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'notifications.announce' AND ip <> ''`); n != 1 {
		t.Fatalf("%d announce audit entries", n)
	}
	f.env.StaffBrowser(core.RoleReadOnly).Post("/admin/notices", url.Values{"audience": {"all"}, "title": {"X"}, "text": {"Y"}}).
		Expect(t, http.StatusForbidden)
}

// The CLI sends a notice once per external id and shows a client's choices.
func TestCommands(t *testing.T) {
	f := newFixture(t)
	out := f.run(t, "notify announce", "--title", "Outage Brno", "--text", "Fibre cut.", "--client", "7002", "--external-id", "nagios-17")
	if !strings.Contains(out, "sent to 1 client(s)") {
		t.Fatalf("announce: %q", out)
	}
	if out = f.run(t, "notify announce", "--title", "Outage Brno", "--text", "Fibre cut.", "--client", "7002", "--external-id", "nagios-17"); !strings.Contains(out, "nothing sent") {
		t.Fatalf("repeat: %q", out)
	}
	if msgs := f.deliverMail(t); len(msgs) != 1 || msgs[0].To[0] != "c7002@example.net" {
		t.Fatalf("mails %+v", msgs)
	}
	if n := f.env.AuditCount("notifications.announce", "cli"); n != 1 {
		t.Fatalf("%d CLI audit entries", n)
	}
	out = f.run(t, "notify preferences", "7001")
	if !strings.Contains(out, "defaults") || !strings.Contains(out, "22:00–07:00") || !strings.Contains(out, "invoice_new") {
		t.Fatalf("preferences: %q", out)
	}
}
