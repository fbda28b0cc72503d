package auth

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
)

func TestOneTimePasswordFlow(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	ctx := context.Background()
	id := addClient(t, env, "5001", "", goodPW)
	before := env.Browser()
	login(before, "5001", goodPW).Expect(t, http.StatusSeeOther)

	otp, err := GenerateOneTimePassword(ctx, env.Deps, id, "staff:test", "")
	if err != nil || len(otp) < 12 {
		t.Fatalf("generated %q, %v", otp, err)
	}
	if loggedIn(t, before) {
		t.Fatal("setting a one-time password left the client's sessions alive")
	}
	b := env.Browser()
	r := login(b, "5001", otp)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != pathNew {
		t.Fatalf("OTP login: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	restrictedSID := b.Cookie("sid").Value
	// The restricted session reaches nothing but the new-password form and logout.
	for _, p := range []string{"/password", "/login"} {
		if r := b.Get(p); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != pathNew {
			t.Fatalf("GET %s in a restricted session: %d %q", p, r.StatusCode, r.Header.Get("Location"))
		}
	}
	b.Get(pathNew).Expect(t, 200, "Choose your own password").Lacks(t, `href="/password">`)
	// The one-time password works once.
	login(env.Browser(), "5001", otp).Expect(t, 422, "The login name or password is wrong.")
	// The new password must differ from it.
	b.Get(pathNew)
	b.Post(pathNew, url.Values{"password": {otp}, "password2": {otp}}).Expect(t, 422, "differ from the one-time password")
	r = b.Post(pathNew, url.Values{"password": {newPW}, "password2": {newPW}})
	if r.StatusCode != http.StatusSeeOther || b.Cookie("sid").Value == restrictedSID {
		t.Fatalf("new password: %d, session id rotated: %v", r.StatusCode, b.Cookie("sid").Value != restrictedSID)
	}
	b.Get("/password").Expect(t, 200, "Password change")
	b.Get(pathNew).Expect(t, http.StatusSeeOther)

	// Typed by staff: the policy applies.
	if err := SetOneTimePassword(ctx, env.Deps, id, "short", "staff:test", ""); err == nil || !strings.Contains(err.Error(), "at least 12") {
		t.Fatalf("short typed OTP: %v", err)
	}
	if err := SetOneTimePassword(ctx, env.Deps, id, "qwerty123456", "staff:test", ""); err == nil {
		t.Fatal("common typed OTP accepted")
	}
	// It expires after ci_one_time_password_hours.
	if err := SetOneTimePassword(ctx, env.Deps, id, "Phone agreed 4711", "staff:test", ""); err != nil {
		t.Fatal(err)
	}
	env.Clock.Advance(72 * time.Hour)
	login(env.Browser(), "5001", "Phone agreed 4711").Expect(t, 422)

	entries, _ := core.AuditList(ctx, env.Deps.DB.R, core.AuditFilter{ClientID: id, Action: "password.otp"})
	if len(entries) != 2 {
		t.Fatalf("%d password.otp audit entries, want 2", len(entries))
	}
	all, _ := core.AuditList(ctx, env.Deps.DB.R, core.AuditFilter{ClientID: id})
	for _, e := range all {
		if strings.Contains(e.Detail, otp) || strings.Contains(e.Detail, "Phone agreed") {
			t.Fatal("password in the audit log")
		}
	}
	if strings.Contains(env.Logs.String(), otp) {
		t.Fatal("OTP in the log")
	}
	if _, err := GenerateOneTimePassword(ctx, env.Deps, 99999, "x", ""); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("unknown client: %v", err)
	}
}
