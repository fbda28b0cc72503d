package auth

import (
	"net/http"
	"net/url"
	"testing"
)

// TestPasswordChangeRotatesSession: a self-service password change issues a new
// session id (ASVS 5 7.2.4: a new token at every re-authentication), and the old one
// is worthless afterwards, so a session id read before the change does not outlive it.
func TestPasswordChangeRotatesSession(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	addClient(t, env, "5002", "", goodPW)
	b := env.Browser()
	login(b, "5002", goodPW).Expect(t, http.StatusSeeOther)
	before := *b.Cookie("sid")
	b.Get("/password").Expect(t, 200)
	b.Post("/password", url.Values{"current": {goodPW}, "password": {newPW}, "password2": {newPW}}).Expect(t, http.StatusSeeOther)
	after := b.Cookie("sid")
	if after == nil || after.Value == before.Value {
		t.Fatal("the session id was not rotated by the password change")
	}
	// The browser goes on with the new id, and the form tokens follow it.
	b.Get("/password").Expect(t, 200, "Your password has been changed.")
	b.Post("/password", url.Values{"current": {newPW}, "password": {goodPW}, "password2": {goodPW}}).Expect(t, http.StatusSeeOther)
	// The old id no longer opens anything.
	stale := env.Browser()
	stale.SetCookie(&before)
	if loggedIn(t, stale) {
		t.Fatal("the session id from before the change still works")
	}
}
