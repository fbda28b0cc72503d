package testkit

import (
	"net/url"
	"testing"
)

func TestBrowserCSRFAndLanguage(t *testing.T) {
	env := New(t)
	b := env.Browser()
	// Without a token the language switch is refused; with one it works.
	b.PostRaw("/lang", url.Values{"lang": {"cs"}, "back": {"/x"}}).Expect(t, 403)
	r := b.Post("/lang", url.Values{"lang": {"cs"}, "back": {"/x"}})
	if r.StatusCode != 303 || r.Header.Get("Location") != "/x" {
		t.Fatalf("lang switch: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	b.Get("/x").Expect(t, 404, `lang="cs"`, "Stránka nenalezena")
	// An open redirect through "back" is refused.
	r = b.Post("/lang", url.Values{"lang": {"en"}, "back": {"//evil.example/"}})
	if r.Header.Get("Location") != "/" {
		t.Fatalf("open redirect: %s", r.Header.Get("Location"))
	}
}
