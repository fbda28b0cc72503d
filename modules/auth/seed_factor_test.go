package auth

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/factor"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
)

// TestDemoSecondFactor: the demo data gives client demo2fa (1005) and staff twofactor
// the documented authenticator-app key and recovery codes, while demo (1001) and admin
// still log in with the password alone; `portal totp-code` prints the demo key's code;
// running the demo again keeps a used recovery code used.
func TestDemoSecondFactor(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, New, admin.New)
	seed := func() {
		if _, err := app.SeedDemo(context.Background(), env.Env); err != nil {
			t.Fatal(err)
		}
	}
	seed()
	env.Set("ci_url", "https://portal.isp.example/")

	// The demo logins the suite uses: no second factor.
	if r := login(env.Browser(), app.DemoClientUsername, app.DemoClientPassword); r.Header.Get("Location") == pathFactor {
		t.Fatal("demo 1001 now needs a second factor")
	}
	a := env.Browser()
	a.Get("/admin/login")
	if r := a.Post("/admin/login", url.Values{"login": {app.DemoStaffLogin}, "password": {app.DemoStaffPassword}}); r.Header.Get("Location") != "/admin" {
		t.Fatalf("demo admin login: %d %q", r.StatusCode, r.Header.Get("Location"))
	}

	// demo2fa: the code from the documented key.
	out, err := runCmd(t, env, "", "totp-code")
	if err != nil || !strings.HasPrefix(out, factor.Code(factor.DemoTOTPSecret, env.Clock.Now())+" (valid for ") {
		t.Fatalf("totp-code: %q %v", out, err)
	}
	if _, err := runCmd(t, env, "", "totp-code", "not-base32!"); err == nil {
		t.Fatal("totp-code accepted a key that is not base32")
	}
	b := env.Browser()
	loginToStep(t, b, Demo2FAUsername, app.DemoClientPassword)
	b.Post(pathFactor, url.Values{"code": {strings.Fields(out)[0]}}).Expect(t, http.StatusSeeOther)
	if !loggedIn(t, b) {
		t.Fatal("demo2fa: the demo key's code did not log in")
	}
	// A documented recovery code works once, also after the demo runs again.
	c := env.Browser()
	loginToStep(t, c, Demo2FAUsername, app.DemoClientPassword)
	c.Post(pathFactor, url.Values{"code": {strings.ToLower(factor.DemoRecoveryCodes[0])}}).Expect(t, http.StatusSeeOther)
	if !loggedIn(t, c) {
		t.Fatal("demo2fa: a demo recovery code did not log in")
	}
	seed()
	d := env.Browser()
	loginToStep(t, d, Demo2FAUsername, app.DemoClientPassword)
	d.Post(pathFactor, url.Values{"code": {factor.DemoRecoveryCodes[0]}}).Expect(t, http.StatusUnprocessableEntity)

	// Staff twofactor: the console's step, the same key.
	s := env.Browser()
	s.Get("/admin/login")
	if r := s.Post("/admin/login", url.Values{"login": {"twofactor"}, "password": {"twofactor1234"}}); r.Header.Get("Location") != "/admin/login/factor" {
		t.Fatalf("twofactor login: %d %q, want the step", r.StatusCode, r.Header.Get("Location"))
	}
	s.Post("/admin/login/factor", url.Values{"code": {factor.Code(factor.DemoTOTPSecret, env.Clock.Now())}}).Expect(t, http.StatusSeeOther)
	s.Get("/admin").Expect(t, 200, "twofactor (support)")
}
