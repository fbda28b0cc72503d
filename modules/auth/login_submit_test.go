package auth

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/testkit"
)

func TestLoginByNumberAndUsername(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	addClient(t, env, "5001", "", goodPW)
	addClient(t, env, "5002", "Novak", goodPW)
	// The setting decides whether usernames are used; a client who has one always logs
	// in with it, and one who has none with the number, whatever the setting says.
	for _, setting := range []string{"0", "1"} {
		env.Set("ci_enable_login_name_creation", setting)
		cases := []struct {
			name string
			ok   bool
		}{
			{"5001", true},
			{"novak", true}, // usernames are compared without regard to case
			{"5002", false}, // has a username: the number no longer logs in
		}
		for _, c := range cases {
			b := env.Browser()
			r := login(b, c.name, goodPW)
			if c.ok {
				if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" || !loggedIn(t, b) {
					t.Fatalf("setting %s, login %q: status %d, want a session", setting, c.name, r.StatusCode)
				}
			} else {
				r.Expect(t, http.StatusUnprocessableEntity, "The login name or password is wrong.")
				if loggedIn(t, b) {
					t.Fatalf("setting %s, login %q got a session", setting, c.name)
				}
			}
		}
	}
	// The form in Czech.
	b := env.Browser()
	b.Header.Set("Accept-Language", "cs")
	b.Get("/login").Expect(t, 200, "Číslo klienta nebo uživatelské jméno", "Zapomněli jste heslo? Nebo ho ještě nemáte?")
	b.Post("/login", url.Values{"login": {"5001"}, "password": {"wrong password!"}}).
		Expect(t, 422, "Přihlašovací jméno nebo heslo není správné.")
}

func TestForgotLinkShownOnlyWithSender(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	b := env.Browser()
	b.Get("/login").Expect(t, 200, "Did you forget your password? Or you do not have one yet?")
	b.Get("/password/forgot").Expect(t, 200)
	env.Set("system_mail_name", "")
	b.Get("/login").Expect(t, 200).Lacks(t, "Did you forget your password?")
	b.Get("/password/forgot").Expect(t, 404)
	env.Set("system_mail_name", "ISP")
	env.Set("system_mail", "")
	b.Get("/login").Lacks(t, "Did you forget your password?")
}

func TestLoginFailuresLookAlike(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	addClient(t, env, "5001", "", goodPW)
	addClient(t, env, "5003", "", goodPW)
	unknown := login(env.Browser(), "9999", "some password 1")
	wrong := login(env.Browser(), "5001", "some password 1")
	if unknown.StatusCode != wrong.StatusCode || unknown.StatusCode != 422 {
		t.Fatalf("status unknown %d, wrong %d", unknown.StatusCode, wrong.StatusCode)
	}
	if a, b := mask(unknown.Body, "9999"), mask(wrong.Body, "5001"); a != b {
		t.Fatalf("bodies differ:\n%s\n---\n%s", a, b)
	}
	if cookieNames(unknown) != cookieNames(wrong) {
		t.Fatalf("cookies differ: %q vs %q", cookieNames(unknown), cookieNames(wrong))
	}
	// Locked accounts and locked unknown names answer alike too: unknown names are
	// counted, so "locked" reveals nothing about which names exist.
	env.Set("ci_login_attempts", "3")
	var lockedUnknown, lockedKnown, rightWhileLocked *testkit.Response
	for i := 0; i < 3; i++ {
		lockedUnknown = login(env.Browser(), "8888", "some password 1")
		lockedKnown = login(env.Browser(), "5003", "some password 1")
	}
	rightWhileLocked = login(env.Browser(), "5003", goodPW)
	lockedKnown.Expect(t, 422, "blocked for 15 more minutes")
	for _, r := range []*testkit.Response{lockedUnknown, rightWhileLocked} {
		if r.StatusCode != 422 || mask(r.Body, "8888", "5003") != mask(lockedKnown.Body, "5003") || cookieNames(r) != cookieNames(lockedKnown) {
			t.Fatalf("locked answers differ:\n%s\n---\n%s", mask(r.Body, "8888", "5003"), mask(lockedKnown.Body, "5003"))
		}
	}
}

func TestLockoutWithFakeClock(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := testkit.NewIn(t, dir, New)
	id := addClient(t, env, "5001", "jana", goodPW)
	// Number and username feed one counter (the number cannot log in, but counts).
	names := []string{"5001", "JANA", "5001", " jana", "jana"}
	var r *testkit.Response
	for i, n := range names {
		r = login(env.Browser(), n, fmt.Sprintf("wrong password %d", i))
		if s := lockState(t, env, id); s.Failures != i+1 {
			t.Fatalf("after %d failures the count is %d", i+1, s.Failures)
		}
	}
	r.Expect(t, 422, "blocked for 15 more minutes")
	lockedAt := env.Clock.Now()
	// The right password is refused while locked, and not counted.
	login(env.Browser(), "jana", goodPW).Expect(t, 422, "blocked for 15 more minutes")
	if s := lockState(t, env, id); s.Failures != 5 {
		t.Fatalf("counted while locked: %d", s.Failures)
	}
	// The lock is in the database: a restarted portal still refuses.
	env2 := testkit.NewIn(t, dir, New)
	env2.Clock.Set(lockedAt.Add(14*time.Minute + 59*time.Second))
	login(env2.Browser(), "jana", goodPW).Expect(t, 422, "blocked for 1 more minute.")
	env2.Clock.Set(lockedAt.Add(15 * time.Minute))
	b := env2.Browser()
	if r := login(b, "jana", goodPW); r.StatusCode != http.StatusSeeOther || !loggedIn(t, b) {
		t.Fatalf("login at 15:00: %d", r.StatusCode)
	}
	if s := lockState(t, env2, id); s.Failures != 0 {
		t.Fatalf("success did not reset the count: %+v", s)
	}
	logs := env.Logs.String() + env2.Logs.String()
	if strings.Contains(logs, goodPW) || strings.Contains(logs, "wrong password") {
		t.Fatal("a password reached the log")
	}
	if !strings.Contains(logs, "auth.submitLogin") {
		t.Fatal("logins are not logged")
	}
}

func TestLockoutExactUnderConcurrency(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	a := addClient(t, env, "5001", "", goodPW)
	parallel := func(number string) {
		var wg sync.WaitGroup
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				br := env.Browser()
				br.RemoteAddr = fmt.Sprintf("198.51.100.%d:5000", i+1) // stay under the per-IP limit
				login(br, number, "not the password")
			}(i)
		}
		wg.Wait()
	}
	// A limit above the attempts, so every one of them must be counted (the lockout
	// package's own test races 40 writers with a lock at N as well).
	env.Set("ci_login_attempts", "100")
	parallel("5001")
	if s := lockState(t, env, a); s.Failures != 20 || s.Locked(env.Clock.Now()) {
		t.Fatalf("20 parallel failures counted as %+v", s)
	}
}

func TestSessionFixation(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	addClient(t, env, "5001", "", goodPW)
	b := env.Browser()
	planted := strings.Repeat("a", 43)
	b.SetCookie(&http.Cookie{Name: "sid", Value: planted})
	login(b, "5001", goodPW).Expect(t, http.StatusSeeOther)
	if c := b.Cookie("sid"); c == nil || c.Value == planted || len(c.Value) < 43 {
		t.Fatalf("session cookie after login: %+v", c)
	}
	// The planted id is no session.
	att := env.Browser()
	att.SetCookie(&http.Cookie{Name: "sid", Value: planted})
	if loggedIn(t, att) {
		t.Fatal("planted session id was adopted")
	}
}

func TestLoginBadInput(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	addClient(t, env, "5001", "", goodPW)
	long := strings.Repeat("x", 60<<10) // far beyond any field, within the 64 KiB of an anonymous form
	cases := []struct{ name, login, pw string }{
		{"empty both", "", ""},
		{"empty password", "5001", ""},
		{"60 kB name", long, "p"},
		{"60 kB password", "5001", long},
		{"non-UTF-8", "\xff\xfe\xfd", "\xc3\x28\xa0\xa1"},
		{"SQL", "' OR 1=1 --", "' OR '1'='1"},
		{"HTML", `<script>alert("x")</script>`, `"><img src=x onerror=alert(1)>`},
		{"NUL", "5001\x00", "a\x00b"},
	}
	for i, c := range cases {
		b := env.Browser()
		b.RemoteAddr = fmt.Sprintf("203.0.113.%d:1000", i+1)
		r := login(b, c.login, c.pw)
		if r.StatusCode != 422 {
			t.Fatalf("%s: status %d", c.name, r.StatusCode)
		}
		r.Lacks(t, "<script>alert", "<img src=x")
		if loggedIn(t, b) {
			t.Fatalf("%s: logged in", c.name)
		}
	}
	login(env.Browser(), "", "").Expect(t, 422, "Fill in this field.")
}

func TestLoginRateLimitDoesNotLock(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	var ids []int64
	for i := 0; i < 5; i++ {
		ids = append(ids, addClient(t, env, fmt.Sprintf("600%d", i), "", goodPW))
	}
	b := env.Browser()
	b.RemoteAddr = "192.0.2.77:1234"
	b.Get("/login")
	// Every POST counts towards the per-IP limit; most of these are cheap (an empty
	// password is refused before hashing), a few are real wrong passwords.
	for i := 0; i < 20; i++ {
		pw := ""
		if i%5 == 0 {
			pw = "guess " + fmt.Sprint(i)
		}
		b.Post("/login", url.Values{"login": {fmt.Sprintf("600%d", i%5)}, "password": {pw}}).Expect(t, 422)
	}
	for i := 0; i < 30; i++ {
		// A forged X-Forwarded-For from an untrusted peer changes nothing.
		b.Header.Set("X-Forwarded-For", fmt.Sprintf("10.0.0.%d", i))
		r := b.Post("/login", url.Values{"login": {fmt.Sprintf("600%d", i%5)}, "password": {"guess " + fmt.Sprint(i)}})
		r.Expect(t, http.StatusTooManyRequests, "Too many attempts")
		if r.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
	}
	b.Post("/sign/", url.Values{"username": {"6001"}, "password": {goodPW}}).Expect(t, 429) // shared bucket
	for _, id := range ids {
		if s := lockState(t, env, id); s.Locked(env.Clock.Now()) || s.Failures > 4 {
			t.Fatalf("client %d: %+v", id, s)
		}
	}
	// Through the trusted proxy, X-Forwarded-For names the client: a new bucket...
	p := env.Browser()
	p.RemoteAddr = "10.99.0.1:4000"
	p.Header.Set("X-Forwarded-For", "192.0.2.200")
	login(p, "6001", goodPW).Expect(t, http.StatusSeeOther)
	// ...and the limited client behind the proxy is still limited.
	p2 := env.Browser()
	p2.RemoteAddr = "10.99.0.1:4001"
	p2.Header.Set("X-Forwarded-For", "192.0.2.77")
	login(p2, "6001", goodPW).Expect(t, http.StatusTooManyRequests)
}

func TestCrossOriginSignMatrix(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	addClient(t, env, "5001", "", goodPW)
	env.Set("ci_login_form_origins", "https://www.isp.example, https://isp.example")
	form := url.Values{"username": {"5001"}, "password": {goodPW}, "send": {"Přihlásit"}, "_do": {"signInForm-submit"}}
	cases := []struct {
		flag, origin, referer string
		want                  int
	}{
		{"1", "https://www.isp.example", "", 303},
		{"1", "", "https://isp.example/login.html", 303}, // no Origin: the Referer's origin counts
		{"1", "https://evil.example", "", 403},
		{"1", "https://www.isp.example.evil.example", "", 403},
		{"1", "null", "", 403},
		{"1", "", "", 403},
		{"0", "https://www.isp.example", "", 403},
		{"0", "https://evil.example", "", 403},
		{"0", "", "", 403},
	}
	for _, c := range cases {
		env.Set("ci_login_form_allow_cross_origin", c.flag)
		b := env.Browser()
		if c.origin != "" {
			b.Header.Set("Origin", c.origin)
		}
		if c.referer != "" {
			b.Header.Set("Referer", c.referer)
		}
		r := b.PostRaw("/sign/", form)
		if r.StatusCode != c.want {
			t.Fatalf("flag %s origin %q referer %q: %d, want %d", c.flag, c.origin, c.referer, r.StatusCode, c.want)
		}
		if c.want == 303 && !loggedIn(t, b) {
			t.Fatalf("flag %s origin %q: no session after /sign/", c.flag, c.origin)
		}
	}
	// A wrong password from the allowed site shows our form with the error.
	env.Set("ci_login_form_allow_cross_origin", "1")
	b := env.Browser()
	b.Header.Set("Origin", "https://www.isp.example")
	b.PostRaw("/sign/", url.Values{"username": {"5001"}, "password": {"nope nope"}}).Expect(t, 422, "The login name or password is wrong.")
	// No other endpoint loses its CSRF protection, even from the allowed origin.
	for _, path := range []string{"/login", "/logout", "/password/forgot", "/password/reset", "/password", "/password/new", "/lang"} {
		if r := b.PostRaw(path, url.Values{"login": {"5001"}, "password": {goodPW}, "lang": {"cs"}}); r.StatusCode != 403 {
			t.Fatalf("POST %s from the allowed origin without token: %d", path, r.StatusCode)
		}
	}
}

func TestCSRFLessPostsRefused(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	addClient(t, env, "5001", "", goodPW)
	b := env.Browser()
	b.Get("/login")
	for _, path := range []string{"/login", "/sign/", "/password/forgot", "/password/reset"} {
		b.PostRaw(path, url.Values{"login": {"5001"}, "password": {goodPW}}).Expect(t, 403)
	}
	old := b.CSRF()
	login(b, "5001", goodPW).Expect(t, 303)
	b.PostRaw("/logout", nil).Expect(t, 403)
	b.PostRaw("/password", url.Values{"current": {goodPW}, "password": {"x"}, "password2": {"x"}}).Expect(t, 403)
	// A token from before the login (bound to the anonymous cookie) is stale now.
	b.PostRaw("/logout", url.Values{"csrf": {old}}).Expect(t, 403)
	if !loggedIn(t, b) {
		t.Fatal("CSRF-less logout ended the session")
	}
}
