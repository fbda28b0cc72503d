package auth

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/mail"
)

func TestPasswordChange(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	id := addClient(t, env, "5001", "", goodPW)
	b := env.Browser()
	login(b, "5001", goodPW).Expect(t, http.StatusSeeOther)
	other := env.Browser().LoginAs(id)
	var tok string
	env.Tx(func(tx *sql.Tx) error {
		var err error
		tok, err = insertToken(context.Background(), tx, id, tokenReset, time.Hour, env.Clock.Now())
		return err
	})

	b.Get("/password").Expect(t, 200, "Password change", `href="/password"`, "Current password", `autocomplete="new-password"`)
	b.Post("/password", url.Values{"current": {"not it at all"}, "password": {newPW}, "password2": {newPW}}).
		Expect(t, 422, "The current password is wrong.", `aria-invalid="true"`)
	if s := lockState(t, env, id); s.Failures != 1 {
		t.Fatalf("wrong current password not counted: %+v", s)
	}
	b.Post("/password", url.Values{"current": {goodPW}, "password": {newPW}, "password2": {"other"}}).Expect(t, 422, "differ")
	r := b.Post("/password", url.Values{"current": {goodPW}, "password": {newPW}, "password2": {newPW}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/password" {
		t.Fatalf("change: %d", r.StatusCode)
	}
	b.Get("/password").Expect(t, 200, "Your password has been changed.")
	if loggedIn(t, other) {
		t.Fatal("another session survived the change")
	}
	if s := lockState(t, env, id); s.Failures != 0 {
		t.Fatal("change did not clear the failures")
	}
	env.Browser().Get("/password/reset?token="+tok).Expect(t, http.StatusGone)
	if n, _ := mail.CountRecent(context.Background(), env.Deps.DB.R, id, PurposeChanged, time.Time{}); n != 1 {
		t.Fatalf("%d password-changed mails", n)
	}
	// Czech.
	b.Header.Set("Accept-Language", "cs")
	b.Get("/password").Expect(t, 200, "Změna hesla", "Současné heslo")
	// Without a session: login form.
	if r := env.Browser().Get("/password"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Fatalf("anonymous GET /password: %d", r.StatusCode)
	}
}
