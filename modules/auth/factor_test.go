package auth

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/factor"
	"github.com/ispportal/portal/internal/testkit"
)

var (
	secretRE = regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`)
	codesRE  = regexp.MustCompile(`<code>([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</code>`)
)

// enrolDirect gives client id a confirmed TOTP and recovery codes, as the account
// page does, and returns the secret and the codes. The clock moves one step on, so
// the confirming code's step is behind.
func enrolDirect(t *testing.T, env *testkit.Env, id int64) (string, []string) {
	t.Helper()
	ctx := context.Background()
	k := factor.Key{Kind: factor.KindClient, ID: id}
	var e factor.Enrolment
	var codes []string
	env.Tx(func(tx *sql.Tx) (err error) {
		if e, err = factor.BeginTOTP(ctx, tx, k, "ISP", "x", env.Clock.Now()); err != nil {
			return err
		}
		if err = factor.ConfirmTOTP(ctx, tx, k, factor.Code(e.Secret, env.Clock.Now()), env.Clock.Now()); err != nil {
			return err
		}
		codes, err = factor.NewRecoveryCodes(ctx, tx, k)
		return err
	})
	env.Clock.Advance(30 * time.Second)
	return e.Secret, codes
}

// wrongCode is a six-digit code that is not valid within the window at now.
func wrongCode(secret string, now time.Time) string {
	for i := 0; ; i++ {
		c := fmt.Sprintf("%06d", i)
		if c != factor.Code(secret, now.Add(-30*time.Second)) && c != factor.Code(secret, now) && c != factor.Code(secret, now.Add(30*time.Second)) {
			return c
		}
	}
}

// loginToStep logs in with the password and expects the second-factor step.
func loginToStep(t *testing.T, b *testkit.Browser, name, pw string) {
	t.Helper()
	r := login(b, name, pw)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != pathFactor {
		t.Fatalf("password login: %d %q, want the second-factor step", r.StatusCode, r.Header.Get("Location"))
	}
	if loggedIn(t, b) {
		t.Fatal("a session exists before the second factor")
	}
	b.Get(pathFactor).Expect(t, 200, "Enter the 6-digit code")
}

// TestTOTPEnrolAndLogin: a client enrols from the account page (QR code, confirming
// code; a wrong one changes nothing), gets ten recovery codes once, and from then on
// logs in with password and code; the code of the previous window is not accepted
// twice; a code of another client's secret is refused.
func TestTOTPEnrolAndLogin(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	id := addClient(t, env, "5001", "", goodPW)
	b := env.Browser().LoginAs(id)
	b.Get(pathSecurity).Expect(t, 200, "Login security", "Not set up.")
	r := b.Post(pathSecurity+"/totp", nil).Expect(t, 200, `src="data:image/png;base64,`, "Scan this QR code")
	secret := secretRE.FindStringSubmatch(r.Body)[1]
	now := env.Clock.Now()
	b.Post(pathSecurity+"/totp/confirm", url.Values{"code": {wrongCode(secret, now)}}).Expect(t, 422, "The code is wrong", secret)
	b.Get(pathSecurity).Expect(t, 200, "Not set up.")
	r = b.Post(pathSecurity+"/totp/confirm", url.Values{"code": {factor.Code(secret, now)}}).Expect(t, 200, "Your recovery codes")
	if n := len(codesRE.FindAllString(r.Body, -1)); n != 10 {
		t.Fatalf("%d recovery codes shown", n)
	}
	b.Get(pathSecurity).Expect(t, 200, "Unused recovery codes: 10.").Lacks(t, secret)
	if env.AuditCount("mfa.enrol", "client:5001") != 1 {
		t.Fatal("enrolment not audited")
	}

	// The confirming code does not log in (same step).
	c := env.Browser()
	loginToStep(t, c, "5001", goodPW)
	c.Post(pathFactor, url.Values{"code": {factor.Code(secret, now)}}).Expect(t, 422, "The code is wrong, expired or already used.")
	env.Clock.Advance(30 * time.Second)
	prev := factor.Code(secret, env.Clock.Now().Add(-30*time.Second))
	next := factor.Code(secret, env.Clock.Now())
	// Another client's code is wrong here.
	other := addClient(t, env, "5002", "", goodPW)
	otherSecret, _ := enrolDirect(t, env, other)
	env.Clock.Set(now.Add(30 * time.Second))
	c.Post(pathFactor, url.Values{"code": {factor.Code(otherSecret, env.Clock.Now())}}).Expect(t, 422)
	r = c.Post(pathFactor, url.Values{"code": {next}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" || !loggedIn(t, c) {
		t.Fatalf("right code: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if c.Cookie(factorCookie) != nil {
		t.Fatal("the pending cookie outlived the login")
	}
	// The same code (and the previous window's) in a new login: refused.
	d := env.Browser()
	loginToStep(t, d, "5001", goodPW)
	d.Post(pathFactor, url.Values{"code": {next}}).Expect(t, 422)
	d.Post(pathFactor, url.Values{"code": {prev}}).Expect(t, 422)
	if loggedIn(t, d) {
		t.Fatal("a replayed code logged in")
	}
	if env.AuditCount("login.factor.fail", "client:5001") < 3 || env.AuditCount("login.factor", "client:5001") < 4 {
		t.Fatal("second-factor outcomes not audited")
	}
	// Czech.
	cz := env.Browser()
	cz.Header.Set("Accept-Language", "cs")
	login(cz, "5001", goodPW)
	cz.Get(pathFactor).Expect(t, 200, "Zadejte šestimístný kód")
}

// TestWrongCodesCountTowardLockout: wrong codes count on the password's counter; a
// right password in between does not forgive them; once locked, the right code is
// refused too, until the lock ends.
func TestWrongCodesCountTowardLockout(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	id := addClient(t, env, "5001", "", goodPW)
	secret, _ := enrolDirect(t, env, id)
	b := env.Browser()
	loginToStep(t, b, "5001", goodPW)
	bad := wrongCode(secret, env.Clock.Now())
	for range 3 {
		b.Post(pathFactor, url.Values{"code": {bad}}).Expect(t, 422, "The code is wrong")
	}
	if st := lockState(t, env, id); st.Failures != 3 {
		t.Fatalf("failures after 3 wrong codes: %d", st.Failures)
	}
	c := env.Browser()
	loginToStep(t, c, "5001", goodPW)
	if st := lockState(t, env, id); st.Failures != 3 {
		t.Fatalf("a right password forgave the wrong codes: %d", st.Failures)
	}
	c.Post(pathFactor, url.Values{"code": {bad}}).Expect(t, 422)
	c.Post(pathFactor, url.Values{"code": {bad}}).Expect(t, 422, "Too many failed attempts")
	if !lockState(t, env, id).Locked(env.Clock.Now()) || env.AuditCount("login.factor.lock", "client:5001") != 1 {
		t.Fatal("five wrong codes did not lock the account")
	}
	c.Post(pathFactor, url.Values{"code": {factor.Code(secret, env.Clock.Now())}}).Expect(t, 422, "Too many failed attempts")
	login(env.Browser(), "5001", goodPW).Expect(t, 422, "Too many failed attempts")
	env.Clock.Advance(16 * time.Minute)
	d := env.Browser()
	loginToStep(t, d, "5001", goodPW)
	if r := d.Post(pathFactor, url.Values{"code": {factor.Code(secret, env.Clock.Now())}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("right code after the lock: %d", r.StatusCode)
	}
	if st := lockState(t, env, id); st.Failures != 0 {
		t.Fatalf("a passed second factor left %d failures", st.Failures)
	}
}

// TestRecoveryCodeLogin: a recovery code logs in once and is mailed to the client
// (real SMTP server); the same code sent by two logins at once works once.
func TestRecoveryCodeLogin(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	mailer := newMailer(t, env)
	id := addClient(t, env, "5001", "", goodPW)
	_, codes := enrolDirect(t, env, id)
	b := env.Browser()
	loginToStep(t, b, "5001", goodPW)
	if r := b.Post(pathFactor, url.Values{"code": {strings.ToLower(codes[0])}}); r.StatusCode != http.StatusSeeOther || !loggedIn(t, b) {
		t.Fatalf("recovery code: %d", r.StatusCode)
	}
	msgs := mailer.deliver(t)
	if len(msgs) != 1 || msgs[0].Subject != "A recovery code was used to log in" || !strings.Contains(msgs[0].Text, "left: 9") {
		t.Fatalf("mails: %+v", msgs)
	}
	if strings.Contains(msgs[0].Text, codes[0]) {
		t.Fatal("the mail contains the code")
	}
	c := env.Browser()
	loginToStep(t, c, "5001", goodPW)
	c.Post(pathFactor, url.Values{"code": {codes[0]}}).Expect(t, 422)

	// Parallel: two pending logins, one code.
	x, y := env.Browser(), env.Browser()
	loginToStep(t, x, "5001", goodPW)
	loginToStep(t, y, "5001", goodPW)
	var wg sync.WaitGroup
	status := make([]int, 2)
	for i, br := range []*testkit.Browser{x, y} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status[i] = br.Post(pathFactor, url.Values{"code": {codes[1]}}).StatusCode
		}()
	}
	wg.Wait()
	if (status[0] == http.StatusSeeOther) == (status[1] == http.StatusSeeOther) {
		t.Fatalf("one recovery code used twice in parallel: %v", status)
	}
	if env.AuditCount("mfa.recovery.used", "client:5001") != 2 {
		t.Fatal("recovery code use not audited")
	}
}

// TestSecondFactorNoBypass: the one-time-password and password-link flows end in the
// second factor; a forged, expired or other audience's pending cookie leads nowhere.
func TestSecondFactorNoBypass(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	mailer := newMailer(t, env)
	ctx := context.Background()
	id := addClient(t, env, "5001", "", goodPW)
	secret, _ := enrolDirect(t, env, id)

	// One-time password from staff: the step comes first, then the forced change.
	otp, err := GenerateOneTimePassword(ctx, env.Deps, id, "staff:test", "")
	if err != nil {
		t.Fatal(err)
	}
	b := env.Browser()
	loginToStep(t, b, "5001", otp)
	b.Get(pathNew).Expect(t, http.StatusSeeOther)
	r := b.Post(pathFactor, url.Values{"code": {factor.Code(secret, env.Clock.Now())}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != pathNew {
		t.Fatalf("OTP + code: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	b.Get(pathNew).Expect(t, 200, "Choose your own password")
	b.Post(pathNew, url.Values{"password": {newPW}, "password2": {newPW}}).Expect(t, http.StatusSeeOther)
	env.Clock.Advance(30 * time.Second)

	// Password link: setting the password logs nobody in; the next login asks the code.
	if err := SendPasswordLink(ctx, env.Deps, id, "staff:test", ""); err != nil {
		t.Fatal(err)
	}
	msgs := mailer.deliver(t)
	c := env.Browser()
	c.Get(link(t, msgs[len(msgs)-1]))
	c.Get(pathReset)
	c.Post(pathReset, url.Values{"password": {goodPW}, "password2": {goodPW}}).Expect(t, 200)
	if loggedIn(t, c) {
		t.Fatal("a password link logged in")
	}
	loginToStep(t, c, "5001", goodPW)

	// Forged and foreign pending cookies.
	f := env.Browser()
	f.Get("/login")
	f.Post(pathFactor, url.Values{"code": {factor.Code(secret, env.Clock.Now())}}).Expect(t, http.StatusSeeOther)
	f.SetCookie(&http.Cookie{Name: factorCookie, Value: "forged"})
	if r := f.Get(pathFactor); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != pathLogin {
		t.Fatalf("forged pending cookie: %d", r.StatusCode)
	}
	var staffTok string
	env.Tx(func(tx *sql.Tx) (err error) {
		staffTok, err = factor.StartPending(ctx, tx, factor.Key{Kind: factor.KindStaff, ID: id}, false, env.Clock.Now())
		return err
	})
	f.SetCookie(&http.Cookie{Name: factorCookie, Value: staffTok})
	f.Post(pathFactor, url.Values{"code": {factor.Code(secret, env.Clock.Now())}}).Expect(t, http.StatusSeeOther)
	if loggedIn(t, f) {
		t.Fatal("a staff pending login opened a client session")
	}
	// Expired: the step is gone after factor.PendingTTL.
	env.Clock.Advance(factor.PendingTTL + time.Minute)
	if r := c.Get(pathFactor); r.Header.Get("Location") != pathLogin {
		t.Fatalf("expired pending login: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
}

// TestPolicyRequiredEnrolsAtLogin: with ci_second_factor=all a client without a factor
// enrols during the login (no session before the confirming code); with off an
// enrolled client logs in with the password alone.
func TestPolicyRequiredEnrolsAtLogin(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	env.Set("ci_second_factor", "all")
	addClient(t, env, "5001", "", goodPW)
	b := env.Browser()
	r := login(b, "5001", goodPW)
	if r.Header.Get("Location") != pathFactor {
		t.Fatalf("required policy, no factor: %q", r.Header.Get("Location"))
	}
	r = b.Get(pathFactor).Expect(t, 200, "must be protected by a second factor", "Scan this QR code")
	secret := secretRE.FindStringSubmatch(r.Body)[1]
	b.Post(pathFactor+"/enrol", url.Values{"code": {wrongCode(secret, env.Clock.Now())}}).Expect(t, 422, "The code is wrong", secret)
	b.Post(pathFactor, url.Values{"code": {factor.Code(secret, env.Clock.Now())}}).Expect(t, 422)
	if loggedIn(t, b) {
		t.Fatal("logged in without the confirming code")
	}
	r = b.Post(pathFactor+"/enrol", url.Values{"code": {factor.Code(secret, env.Clock.Now())}}).Expect(t, 200, "Your recovery codes")
	if len(codesRE.FindAllString(r.Body, -1)) != 10 || !loggedIn(t, b) {
		t.Fatal("enrolment at login did not finish the login with ten codes")
	}

	env.Set("ci_second_factor", "staff")
	id2 := addClient(t, env, "5002", "", goodPW)
	if r := login(env.Browser(), "5002", goodPW); r.Header.Get("Location") != "/" {
		t.Fatalf("staff-only policy asked a client: %q", r.Header.Get("Location"))
	}
	enrolDirect(t, env, id2)
	env.Set("ci_second_factor", "off")
	if r := login(env.Browser(), "5002", goodPW); r.Header.Get("Location") != "/" {
		t.Fatalf("policy off still asked: %q", r.Header.Get("Location"))
	}
	c := env.Browser().LoginAs(id2)
	c.Get(pathSecurity).Expect(t, 200, "not in use")
}

// TestRemoveTOTPAndCLI: the owner removes the authenticator app only with a current
// code from it (recovery codes go with it when no passkey is left); the CLI shows and
// resets a client's factors; deleting a client removes its factor rows.
func TestRemoveTOTPAndCLI(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	mailer := newMailer(t, env)
	id := addClient(t, env, "5001", "", goodPW)
	secret, _ := enrolDirect(t, env, id)
	b := env.Browser().LoginAs(id)
	b.Get(pathSecurity).Expect(t, 200, "Remove the authenticator app")
	b.Post(pathSecurity+"/totp/remove", url.Values{"code": {wrongCode(secret, env.Clock.Now())}}).Expect(t, 422, "The code is wrong")
	b.Post(pathSecurity+"/totp/remove", url.Values{"code": {factor.Code(secret, env.Clock.Now())}}).Expect(t, http.StatusSeeOther)
	b.Get(pathSecurity).Expect(t, 200, "The authenticator app was removed.", "Not set up.")
	if st, _ := factor.StatusOf(t.Context(), env.Deps.DB.R, factor.Key{Kind: factor.KindClient, ID: id}); st.Enrolled() || st.RecoveryLeft != 0 {
		t.Fatalf("after removal: %+v", st)
	}
	if env.AuditCount("mfa.totp.remove", "client:5001") != 1 {
		t.Fatal("removal not audited")
	}
	if r := login(env.Browser(), "5001", goodPW); r.Header.Get("Location") != "/" {
		t.Fatalf("after removal the login still asks: %q", r.Header.Get("Location"))
	}

	enrolDirect(t, env, id)
	out, err := runCmd(t, env, "", "client", "second-factor", "5001")
	if err != nil || !strings.Contains(out, "yes") || !strings.Contains(out, "optional") {
		t.Fatalf("show: %q %v", out, err)
	}
	if out, err = runCmd(t, env, "", "client", "second-factor", "5001", "--reset"); err != nil || !strings.Contains(out, "removed") {
		t.Fatalf("reset: %q %v", out, err)
	}
	if out, _ = runCmd(t, env, "", "client", "second-factor", "5001", "--reset"); !strings.Contains(out, "no second factor") {
		t.Fatalf("second reset: %q", out)
	}
	if _, err := runCmd(t, env, "", "client", "second-factor", "nobody"); err == nil {
		t.Fatal("unknown client accepted")
	}
	if env.AuditCount("mfa.reset", "cli") != 1 {
		t.Fatal("CLI reset not audited")
	}
	if msgs := mailer.deliver(t); len(msgs) != 1 || msgs[0].Subject != "Your second factor was removed" {
		t.Fatalf("mails: %+v", msgs)
	}

	enrolDirect(t, env, id)
	env.Tx(func(tx *sql.Tx) error {
		for _, h := range env.Deps.Hooks.ClientDeleting {
			if err := h(t.Context(), tx, id); err != nil {
				return err
			}
		}
		return nil
	})
	if n := env.Count(`SELECT (SELECT COUNT(*) FROM factor_totp) + (SELECT COUNT(*) FROM factor_recovery)`); n != 0 {
		t.Fatalf("%d factor rows left after deleting the client", n)
	}
}
