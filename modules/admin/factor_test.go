package admin_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/factor"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/auth"
)

var (
	staffSecretRE = regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`)
	staffCodesRE  = regexp.MustCompile(`<code>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</code>`)
)

func staffLogin(t *testing.T, b *testkit.Browser, login string) *testkit.Response {
	t.Helper()
	b.Get("/admin/login")
	return b.Post("/admin/login", url.Values{"login": {login}, "password": {testkit.StaffPassword}})
}

func notCode(secret string, now time.Time) string {
	for i := 0; ; i++ {
		c := fmt.Sprintf("%06d", i)
		if c != factor.Code(secret, now.Add(-30*time.Second)) && c != factor.Code(secret, now) && c != factor.Code(secret, now.Add(30*time.Second)) {
			return c
		}
	}
}

// TestStaffSecondFactor: with ci_second_factor=staff a staff member without a factor
// enrols at login (no session before the confirming code) and gets recovery codes;
// later logins ask for a code (the same step code as the subscribers'); wrong codes
// count toward the staff lockout; a recovery code is mailed to the staff member; the
// CLI removes the factor; a client's pending login does not open the console.
func TestStaffSecondFactor(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, auth.New, admin.New)
	env.Set("system_mail", "portal@isp.example")
	env.Set("system_mail_name", "ISP portal")
	env.Set("ci_second_factor", "staff")
	srv := mailtest.Start(t)
	id := env.AddStaff("alice", core.RoleSupport, testkit.StaffPassword)
	env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE staff SET email = 'alice@isp.example' WHERE id = ?`, id)
		return err
	})

	b := env.Browser()
	r := staffLogin(t, b, "alice")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/login/factor" || b.Cookie("asid") != nil {
		t.Fatalf("password step: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	b.Get("/admin").Expect(t, http.StatusSeeOther)
	r = b.Get("/admin/login/factor").Expect(t, 200, "must be protected by a second factor")
	secret := staffSecretRE.FindStringSubmatch(r.Body)[1]
	b.Post("/admin/login/factor/enrol", url.Values{"code": {notCode(secret, env.Clock.Now())}}).Expect(t, 422, "The code is wrong")
	r = b.Post("/admin/login/factor/enrol", url.Values{"code": {factor.Code(secret, env.Clock.Now())}}).Expect(t, 200, "Your recovery codes")
	codes := staffCodesRE.FindAllStringSubmatch(r.Body, -1)
	if len(codes) != 10 || b.Cookie("asid") == nil {
		t.Fatalf("%d codes, session %v", len(codes), b.Cookie("asid") != nil)
	}
	b.Get("/admin/security").Expect(t, 200, "Unused recovery codes: 10.")
	if env.AuditCount("staff.mfa.enrol", "staff:alice") != 1 || env.AuditCount("staff.login.factor", "staff:alice") < 1 {
		t.Fatal("staff enrolment not audited")
	}

	// Next login: code (the enrolment's step is spent).
	env.Clock.Advance(30 * time.Second)
	c := env.Browser()
	staffLogin(t, c, "alice").Expect(t, http.StatusSeeOther)
	c.Get("/admin/login/factor").Expect(t, 200, "Enter the 6-digit code")
	bad := notCode(secret, env.Clock.Now())
	for range 4 {
		c.Post("/admin/login/factor", url.Values{"code": {bad}}).Expect(t, 422)
	}
	r = c.Post("/admin/login/factor", url.Values{"code": {factor.Code(secret, env.Clock.Now())}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin" {
		t.Fatalf("right code: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	c.Get("/admin").Expect(t, 200)

	// A recovery code: logs in once, mailed.
	d := env.Browser()
	staffLogin(t, d, "alice")
	d.Post("/admin/login/factor", url.Values{"code": {codes[3][1]}}).Expect(t, http.StatusSeeOther)
	w := mail.NewWorker(env.Deps.DB, srv.Config, env.Deps.Log, env.Clock.Now)
	if _, _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if msgs := srv.Messages(); len(msgs) != 1 || msgs[0].To[0] != "alice@isp.example" || !strings.Contains(msgs[0].Text, "left: 9") {
		t.Fatalf("mails: %+v", msgs)
	}

	// Five wrong codes lock the staff account, the right code then fails too.
	e := env.Browser()
	staffLogin(t, e, "alice")
	for range 5 {
		e.Post("/admin/login/factor", url.Values{"code": {bad}})
	}
	e.Post("/admin/login/factor", url.Values{"code": {factor.Code(secret, env.Clock.Now().Add(30*time.Second))}}).Expect(t, 422, "Too many failed attempts")
	if env.AuditCount("staff.login.factor.lock", "staff:alice") != 1 {
		t.Fatal("lock not audited")
	}

	// A client's pending login does not serve the console's step.
	var tok string
	env.Tx(func(tx *sql.Tx) (err error) {
		tok, err = factor.StartPending(context.Background(), tx, factor.Key{Kind: factor.KindClient, ID: id}, false, env.Clock.Now())
		return err
	})
	f := env.Browser()
	f.SetCookie(&http.Cookie{Name: "factor_staff", Value: tok})
	if r := f.Get("/admin/login/factor"); r.Header.Get("Location") != "/admin/login" {
		t.Fatalf("client pending login on the staff step: %d %q", r.StatusCode, r.Header.Get("Location"))
	}

	// The CLI removes the factor; the next login enrols again (policy staff).
	out, err := run(t, env, "", "staff", "reset-factor", "alice")
	if err != nil || !strings.Contains(out, "removed") {
		t.Fatalf("reset-factor: %q %v", out, err)
	}
	if out, _ := run(t, env, "", "staff", "reset-factor", "alice"); !strings.Contains(out, "no second factor") {
		t.Fatalf("second reset-factor: %q", out)
	}
	if _, err := run(t, env, "", "staff", "reset-factor", "nobody"); err == nil {
		t.Fatal("reset-factor of an unknown login")
	}
}

// TestStaffEnrolsFromOwnPage: with the optional policy any console role enrols from
// its own page, in Czech too; the API account cannot open it.
func TestStaffEnrolsFromOwnPage(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, auth.New, admin.New)
	b := env.StaffBrowser(core.RoleReadOnly)
	b.Get("/admin/security").Expect(t, 200, "Not set up.")
	r := b.Post("/admin/security/totp", nil).Expect(t, 200, "Scan this QR code")
	secret := staffSecretRE.FindStringSubmatch(r.Body)[1]
	b.Post("/admin/security/totp/confirm", url.Values{"code": {factor.Code(secret, env.Clock.Now())}}).Expect(t, 200, "Your recovery codes")
	b.Post("/admin/security/recovery", nil).Expect(t, 200, "Your recovery codes")
	if env.AuditCount("staff.mfa.recovery.new", "staff:readonly1") != 2 {
		t.Fatal("recovery codes not audited")
	}
	cz := env.StaffBrowser(core.RoleAdmin)
	cz.Header.Set("Accept-Language", "cs")
	cz.Get("/admin/security").Expect(t, 200, "Zabezpečení přihlášení")
	env.Browser().LoginStaff(env.AddStaff("robot", core.RoleAPI, testkit.StaffPassword)).Get("/admin/security").Expect(t, http.StatusForbidden)
	// Passkeys (the same internal/factor code as the portal's, tested there with a
	// software authenticator): offered on the login page once ci_url is set; the
	// script is served before login.
	env.Browser().Get("/admin/login").Lacks(t, "Log in with a passkey")
	env.Set("ci_url", "https://portal.isp.example/")
	env.Browser().Get("/admin/login").Expect(t, 200, "Log in with a passkey")
	env.Browser().Get("/admin/login/factor/passkey.js").Expect(t, 200, "navigator.credentials")
	pk := env.StaffBrowserAs("pat", core.RoleSupport)
	pk.Post("/admin/security/passkeys/new", url.Values{"name": {"Laptop"}}).Expect(t, 200, `data-passkey="create"`, "/admin/login/factor/passkey.js")
	start := env.Browser()
	start.Get("/admin/login")
	start.Post("/admin/login/factor/passkey/start", nil).Expect(t, 200, `data-passkey="get"`)
	start.Post("/admin/login/factor/passkey/login", url.Values{"ceremony": {"x"}, "response": {"{}"}}).Expect(t, http.StatusSeeOther)
	if start.Cookie("asid") != nil {
		t.Fatal("a bogus passkey answer opened the console")
	}
	env.Set("ci_second_factor", "off")
	env.StaffBrowserAs("eve", core.RoleSupport).Get("/admin/security").Expect(t, 200, "not in use")
}
