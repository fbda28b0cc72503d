//go:build e2e

package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

var inviteRE = regexp.MustCompile(`https?://[^\s]+/people/accept\?token=[A-Za-z0-9_-]+`)

// TestLogins walks issue 21's several logins per account in English and Czech: demo
// client 1001 invites a person, who opens the link from the SMTP test server, is
// refused a weak password, chooses a login name and password, logs in and sees only
// their role's sections (the holder's pages answer 403); then the console's client
// card with the people and the section overrides. Every page is checked with axe
// and for width. Run alone: cd e2e && go test -tags e2e -count=1 -run TestLogins .
func TestLogins(t *testing.T) {
	s := start(t)
	texts := map[string]map[string]string{
		"en": {"people": "People with a login", "sent": "The invitation was sent", "weak": "too short",
			"done": "is ready", "me": "My login", "invoices": "Invoices", "forbidden": "Not allowed"},
		"cs": {"people": "Osoby s přístupem", "sent": "Pozvánka byla odeslána", "weak": "příliš krátké",
			"done": "je připraven", "me": "Můj přístup", "invoices": "Faktury", "forbidden": "Nepovoleno"},
	}
	for _, lang := range []string{"en", "cs"} {
		w := texts[lang]
		login := "e2e-ucetni-" + lang
		s.asDemo()
		s.open("people "+lang, "/people")
		if lang == "cs" && !strings.Contains(s.text(), w["people"]) {
			s.submit(`footer button[value="cs"]`)
			s.check("people cs")
		}
		s.expectText(w["people"], "demo-ucetni", "demo-technik")
		// A bad address: refused with the field's error, nothing sent.
		s.fill("#f-email", "not-an-address")
		s.submit(`main form[action="/people/invite"] button[type=submit]`)
		s.check("invite refused " + lang)
		if s.attr("#f-email", "aria-invalid") != "true" {
			t.Fatal("the e-mail field is not marked invalid")
		}
		s.smtp.Clear()
		s.fill("#f-email", login+"@example.cz")
		s.choose("#f-role", "billing")
		s.submit(`main form[action="/people/invite"] button[type=submit]`)
		s.check("invited " + lang)
		s.expectText(w["sent"])
		link := s.smtp.WaitMatch(t, inviteRE, 30*time.Second)
		s.logout()

		s.open("invitation "+lang, strings.TrimPrefix(link, strings.TrimSuffix(s.base, "/")))
		if p := s.path(); p != "/people/accept" {
			t.Fatalf("the invitation link landed at %s (the token must leave the address bar)", p)
		}
		s.fill("#f-login", login, "#f-password", "short", "#f-password2", "short")
		s.submit("main form button[type=submit]")
		s.check("invitation weak password " + lang)
		s.expectText(w["weak"])
		pw := "lantern-violet-harbour-" + lang
		s.fill("#f-password", pw, "#f-password2", pw)
		s.submit("main form button[type=submit]")
		s.check("invitation accepted " + lang)
		s.expectText(w["done"], login)
		// The link works once.
		s.open("invitation used "+lang, strings.TrimPrefix(link, strings.TrimSuffix(s.base, "/")))

		s.login(login, pw)
		if p := s.path(); strings.HasPrefix(p, "/login") {
			t.Fatalf("the person's login failed:\n%s", tail(s.text(), 800))
		}
		menu := js[string](s, `[...document.querySelectorAll("nav a")].map(a => a.getAttribute("href")).join(" ")`)
		if !strings.Contains(menu, "/invoices") || strings.Contains(menu, "/services") || strings.Contains(menu, `/people `) ||
			strings.HasSuffix(menu, "/people") {
			t.Fatalf("the billing person's menu: %s", menu)
		}
		s.open("person invoices "+lang, "/invoices")
		s.expectText(w["invoices"])
		s.open("person own login "+lang, "/people/me")
		s.expectText(w["me"], login)
		s.open("person refused services "+lang, "/services")
		s.expectText(w["forbidden"])
		s.open("person refused people "+lang, "/people")
		s.expectText(w["forbidden"])
		s.logout()
	}

	// The console: the client card's people and section overrides.
	s.open("console login", "/admin")
	s.fill("#f-login", "admin", "#f-password", "admin1234")
	s.submit("main form button[type=submit]")
	if strings.HasPrefix(s.path(), "/admin/login") {
		t.Fatalf("staff login failed:\n%s", tail(s.text(), 800))
	}
	s.open("console clients", "/admin/clients?q=1001")
	card := js[string](s, `[...document.querySelectorAll("main td a")].find(a => a.textContent.trim() === "1001").getAttribute("href")`)
	s.open("client card", card)
	for _, lang := range []string{"en", "cs"} {
		s.submit(`footer button[name=lang][value=` + lang + `]`)
		s.check("client card people " + lang)
		s.expectText(map[string]string{"en": "People with a login", "cs": "Osoby s přístupem"}[lang], "demo-ucetni",
			map[string]string{"en": "Portal sections", "cs": "Části portálu"}[lang])
	}
	s.choose("#s-services", "hide")
	s.submit(`main form[action$="/sections"] button[type=submit]`)
	s.check("client card sections saved")
	if v := js[string](s, `document.querySelector("#s-services").value`); v != "hide" {
		t.Fatalf("the services override is %q after saving", v)
	}
}
