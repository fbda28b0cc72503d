package auth

import (
	"net/http"
	"net/url"
	"testing"
)

// TestPasswordFormRefusesGuessable: the password forms refuse what the strength
// estimate finds easy to guess (here a name and a year, which no short block list
// holds), in the client's language, and change nothing.
func TestPasswordFormRefusesGuessable(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	addClient(t, env, "5003", "", goodPW)
	b := env.Browser()
	login(b, "5003", goodPW).Expect(t, http.StatusSeeOther)
	b.Get("/password").Expect(t, 200)
	weak := url.Values{"current": {goodPW}, "password": {"johnsmith2020"}, "password2": {"johnsmith2020"}}
	b.Post("/password", weak).Expect(t, 422, "too easy to guess", "keyboard patterns", `aria-invalid="true"`)
	b.Header.Set("Accept-Language", "cs")
	b.Post("/password", weak).Expect(t, 422, "Toto heslo se snadno uhádne", "řad kláves")
	// Nothing changed: the old password still logs in, the weak one does not.
	login(env.Browser(), "5003", "johnsmith2020").Expect(t, 422)
	login(env.Browser(), "5003", goodPW).Expect(t, http.StatusSeeOther)
}
