package notify

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func prefsOf(t *testing.T, f *fixture, client int64) Prefs {
	t.Helper()
	p, err := LoadPrefs(context.Background(), f.env.Deps.DB.R, client)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A subscriber sees and changes only their own choices; another client's session
// cannot reach the staff form for them.
func TestPageOwnChoicesOnly(t *testing.T) {
	f := newFixture(t)
	r := f.b1.Get("/notifications").Expect(t, 200, "Notifications", `value="invoice_new.email" checked`, `value="22:00"`, "Enable push on this device")
	r.Lacks(t, `value="invoice_new.sms" checked`)
	f.b2.Post("/notifications", url.Values{"on": {"outage.sms", "payment.push"}, "quiet_from": {"21:30"}, "quiet_to": {"6:00"}}).
		Expect(t, http.StatusSeeOther)
	p2 := prefsOf(t, f, f.c2)
	if !p2.Saved || strings.Join(p2.Pairs(), " ") != "payment.push outage.sms" || p2.QuietFrom != "21:30" || p2.QuietTo != "06:00" {
		t.Fatalf("client 2 prefs %+v", p2)
	}
	if p1 := prefsOf(t, f, f.c1); p1.Saved {
		t.Fatalf("client 1 changed by client 2: %+v", p1)
	}
	// The staff form for client 1, posted with client 2's session, is refused.
	r = f.b2.Post("/admin/clients/"+strconv.FormatInt(f.c1, 10)+"/notifications", url.Values{"on": {"outage.sms"}, "quiet_from": {"00:00"}, "quiet_to": {"00:00"}})
	if r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusNotFound && r.StatusCode != http.StatusSeeOther {
		t.Fatalf("client session on the staff form: %d", r.StatusCode)
	}
	if p1 := prefsOf(t, f, f.c1); p1.Saved {
		t.Fatalf("client 1 changed through the staff form by a client: %+v", p1)
	}
	if n := f.env.AuditCount("notifications.preferences", "client:7002"); n != 1 {
		t.Fatalf("%d audit entries of client 7002", n)
	}
	// Logged out: the login page, never the choices.
	if r := f.env.Browser().Get("/notifications"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("logged out: %d", r.StatusCode)
	}
	// Switched off: 404.
	f.env.Set("ci_display_notifications", "0")
	f.b1.Get("/notifications").Expect(t, 404)
}

// Bad input re-renders the form with the field error in the page's language and
// changes nothing.
func TestPageBadInput(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		lang  string
		form  url.Values
		field string
		want  string
	}{
		{"en", url.Values{"on": {"outage.email"}, "quiet_from": {"25:00"}, "quiet_to": {"07:00"}}, `id="quiet-from-error"`, "Enter a time from 00:00 to 23:59"},
		{"cs", url.Values{"on": {"outage.email"}, "quiet_from": {"25:00"}, "quiet_to": {"07:00"}}, `id="quiet-from-error"`, "Zadejte čas od 00:00 do 23:59"},
		{"en", url.Values{"on": {"outage.email"}, "quiet_from": {"22:00"}, "quiet_to": {"7"}}, `id="quiet-to-error"`, "Enter a time from 00:00 to 23:59"},
		{"cs", url.Values{"on": {"outage.email"}, "quiet_from": {"22:00"}, "quiet_to": {"12:60"}}, `id="quiet-to-error"`, "Zadejte čas"},
		{"en", url.Values{"on": {"bogus.email"}, "quiet_from": {"22:00"}, "quiet_to": {"07:00"}}, `id="topics-error"`, "One of the choices is unknown"},
		{"cs", url.Values{"on": {"outage.fax"}, "quiet_from": {"22:00"}, "quiet_to": {"07:00"}}, `id="topics-error"`, "Jedna z voleb je neznámá"},
	}
	for _, c := range cases {
		f.b1.Header.Set("Accept-Language", c.lang)
		r := f.b1.Post("/notifications", c.form).Expect(t, http.StatusUnprocessableEntity, c.field, c.want)
		if c.field != `id="topics-error"` {
			r.Expect(t, 422, `aria-invalid="true"`, `value="outage.email" checked`) // the form keeps what was ticked
		}
		if p := prefsOf(t, f, f.c1); p.Saved {
			t.Fatalf("%s %v: stored %+v", c.lang, c.form, p)
		}
	}
	if n := f.env.AuditCount("notifications.preferences", "client:7001"); n != 0 {
		t.Fatalf("%d audit entries for refused forms", n)
	}
}
