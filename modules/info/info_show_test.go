package info_test

import (
	"context"
	"testing"
	"time"

	"github.com/ispportal/portal/modules/info"
)

func TestInfoShowsOnlyOwnDataAndMessages(t *testing.T) {
	w := newWorld(t)
	now := w.now
	w.message(t, info.Message{Kind: info.KindPrivate, ClientID: w.a, Title: "Private for A"})
	w.message(t, info.Message{Kind: info.KindPrivate, ClientID: w.b, Title: "Private for B"})
	w.message(t, info.Message{Kind: info.KindGlobal, Title: "Global news"})
	w.message(t, info.Message{Kind: info.KindGroup, GroupID: w.g1, Title: "Residential news"})
	w.message(t, info.Message{Kind: info.KindGroup, GroupID: w.g2, Title: "Business news"})
	w.message(t, info.Message{Kind: info.KindGlobal, Title: "Expired news", ValidFrom: now.Add(-48 * time.Hour), ValidUntil: now.Add(-time.Hour)})
	w.message(t, info.Message{Kind: info.KindGlobal, Title: "Future news", ValidFrom: now.Add(time.Hour)})

	cases := []struct {
		name        string
		client      int64
		lang        string
		want, lacks []string
	}{
		{"A en", w.a, "en", []string{"Personal information", "Client 2001", "2001", "c2001@example.net", "Private for A", "Global news", "Residential news"},
			[]string{"Private for B", "Business news", "Expired news", "Future news", "c2002@example.net"}},
		{"A cs", w.a, "cs", []string{"Osobní údaje", "Aktuální informace", "Private for A"}, []string{"Private for B", "Personal information"}},
		{"B en", w.b, "en", []string{"Client 2002", "Private for B", "Global news", "Business news"},
			[]string{"Private for A", "Residential news", "c2001@example.net"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := w.env.Browser().LoginAs(tc.client)
			b.Header.Set("Accept-Language", tc.lang)
			b.Get("/info").Expect(t, 200, tc.want...).Lacks(t, tc.lacks...)
		})
	}
	// "/" sends a logged-in client here; without a session /info asks for a login.
	w.env.Browser().LoginAs(w.a).Get("/").Expect(t, 303)
	if r := w.env.Browser().Get("/info"); r.StatusCode != 303 || r.Header.Get("Location") != "/login" {
		t.Fatalf("anonymous /info: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
}

func TestMessageOrderNewestFirst(t *testing.T) {
	w := newWorld(t)
	w.message(t, info.Message{Kind: info.KindGlobal, Title: "Older one"})
	w.env.Clock.Advance(time.Hour)
	w.message(t, info.Message{Kind: info.KindGlobal, Title: "Newer one"})
	body := w.env.Browser().LoginAs(w.a).Get("/info").Expect(t, 200).Body
	if i, j := index(body, "Newer one"), index(body, "Older one"); i < 0 || j < 0 || i > j {
		t.Fatalf("newest message must come first (%d, %d)", i, j)
	}
}

func index(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func TestInfoButtons(t *testing.T) {
	w := newWorld(t)
	b := w.env.Browser().LoginAs(w.a)

	// Webmail: absent while empty, then a new-tab link.
	b.Get("/info").Expect(t, 200).Lacks(t, "Webmail")
	w.env.Set("ci_webmail_url", "https://mail.isp.example/")
	b.Get("/info").Expect(t, 200, `href="https://mail.isp.example/" target="_blank" rel="noopener noreferrer">Webmail`)

	// Support requests: the button follows ci_auth_requests_enable.
	w.env.Set("ci_auth_requests_enable", "0")
	b.Get("/info").Expect(t, 200).Lacks(t, "/requests/new", "/helpdesk/new")
	w.env.Set("ci_auth_requests_enable", "1")
	b.Get("/info").Expect(t, 200, `href="/requests/new"`, "Send a support request").Lacks(t, "/helpdesk/new")
	b.Header.Set("Accept-Language", "cs")
	b.Get("/info").Expect(t, 200, "Odeslat požadavek")
	b.Header.Del("Accept-Language")

	// A helpdesk department that takes portal requests replaces the button.
	active := true
	w.env.Deps.Hooks.HelpdeskActive = func(context.Context) bool { return active }
	b.Get("/info").Expect(t, 200, `href="/helpdesk/new"`, "New ticket").Lacks(t, "/requests/new")
	active = false
	b.Get("/info").Expect(t, 200, `href="/requests/new"`).Lacks(t, "/helpdesk/new")
}

func TestSupplierFooter(t *testing.T) {
	w := newWorld(t)
	b := w.env.Browser().LoginAs(w.a)
	w.env.Set("ci_display_supplier_contact", "0")
	b.Get("/info").Expect(t, 200).Lacks(t, "Residential s.r.o.")
	w.env.Set("ci_display_supplier_contact", "1")
	b.Get("/info").Expect(t, 200, "Residential s.r.o.", "123456789/0100").Lacks(t, "Business s.r.o.")
	w.env.Browser().LoginAs(w.b).Get("/info").Expect(t, 200, "Business s.r.o.").Lacks(t, "Residential s.r.o.")
}
