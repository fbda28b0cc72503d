package auth

import (
	"net/http"
	"net/url"
	"testing"
)

const numberHint = "Clients who have a username log in with it, not with the client number."

// TestLoginNameFollowsSetting: ci_enable_login_name_creation decides the form's label.
// A failed login by something that looks like a client number gets a hint to use the
// username once any client has one; the hint depends on nothing about the account, so
// it tells nobody which numbers exist or have a username.
func TestLoginNameFollowsSetting(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	addClient(t, env, "5001", "", goodPW)
	b := env.Browser()
	b.Get("/login").Expect(t, 200, `for="login">Client number</label>`).Lacks(t, "or username")
	env.Set("ci_enable_login_name_creation", "1")
	b.Get("/login").Expect(t, 200, `for="login">Client number or username</label>`)
	// No client has a username yet: nothing to hint at.
	login(env.Browser(), "5001", "wrong password 1").Expect(t, 422).Lacks(t, numberHint)

	addClient(t, env, "5002", "novak", goodPW)
	withName := login(env.Browser(), "5002", goodPW).Expect(t, 422, numberHint)
	withoutName := login(env.Browser(), "5001", "wrong password 1").Expect(t, 422, numberHint)
	unknown := login(env.Browser(), " 99999 ", "wrong password 1").Expect(t, 422, numberHint)
	if a, b, c := mask(withName.Body, "5002"), mask(withoutName.Body, "5001"), mask(unknown.Body, " 99999 "); a != b || a != c {
		t.Fatalf("the hint tells numbers apart:\n%s\n---\n%s\n---\n%s", a, b, c)
	}
	login(env.Browser(), "ghost", "wrong password 1").Expect(t, 422).Lacks(t, numberHint)

	// Off again: the username keeps working, the label asks for the number, and
	// someone typing a number still learns that a username would be needed.
	env.Set("ci_enable_login_name_creation", "0")
	b.Get("/login").Expect(t, 200, `for="login">Client number</label>`)
	nb := env.Browser()
	if r := login(nb, "novak", goodPW); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("username login with the setting off: %d", r.StatusCode)
	}
	login(env.Browser(), "5002", goodPW).Expect(t, 422, numberHint)
	cs := env.Browser()
	cs.Header.Set("Accept-Language", "cs")
	cs.Get("/login").Expect(t, 200, `for="login">Číslo klienta</label>`)
	cs.Post("/login", url.Values{"login": {"5002"}, "password": {goodPW}}).
		Expect(t, 422, "Klienti, kteří mají uživatelské jméno, se přihlašují jím, ne číslem klienta.")
}
