package auth

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
)

const (
	firefoxUA = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
	iphoneUA  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)

var refRE = regexp.MustCompile(`name="session" value="([0-9a-f]{16})"`)

// device returns a browser with a User-Agent and an address, as a real one has.
func device(env *testkit.Env, ua, ip string) *testkit.Browser {
	b := env.Browser()
	b.Header.Set("User-Agent", ua)
	b.RemoteAddr = ip + ":40000"
	return b
}

// portalLogin logs a browser in through the real form.
func portalLogin(t *testing.T, b *testkit.Browser, number string) {
	t.Helper()
	b.Get("/login")
	b.Post("/login", url.Values{"login": {number}, "password": {sessPW}}).Expect(t, http.StatusSeeOther)
}

const sessPW = goodPW

// sessionsEnv boots auth with the console and two clients with passwords.
func sessionsEnv(t *testing.T) (*testkit.Env, int64, int64) {
	env := testkit.New(t, New, admin.New)
	env.Set("system_mail", "portal@isp.example")
	env.Set("system_mail_name", "ISP portal")
	env.Set("ci_url", "https://portal.isp.example/")
	return env, addClient(t, env, "7001", "", goodPW), addClient(t, env, "7002", "", goodPW)
}

// TestSessionListAndEnd: a subscriber sees each of their sessions with its device,
// address and the current one marked, ends one, then every other; a session ref of
// another client ends nothing (404), and the other client's session lives on.
func TestSessionListAndEnd(t *testing.T) {
	env, _, _ := sessionsEnv(t)
	laptop := device(env, firefoxUA, "198.51.100.7")
	phone := device(env, iphoneUA, "203.0.113.9")
	tablet := device(env, iphoneUA, "203.0.113.10")
	other := device(env, firefoxUA, "198.51.100.99")
	portalLogin(t, laptop, "7001")
	portalLogin(t, phone, "7001")
	portalLogin(t, tablet, "7001")
	portalLogin(t, other, "7002")

	r := laptop.Get("/account/sessions").Expect(t, 200, "Firefox / Linux", "Safari / iPhone", "198.51.100.7", "203.0.113.9", "This device")
	r.Lacks(t, "198.51.100.99")
	if n := len(refRE.FindAllString(r.Body, -1)); n != 2 {
		t.Fatalf("%d end buttons, want 2 (not the current session)", n)
	}
	// The other client's session cannot be ended from here.
	theirs := other.Get("/account/sessions").Expect(t, 200, "This device")
	if refRE.MatchString(theirs.Body) {
		t.Fatal("a single session offers to end itself")
	}
	var otherHash string
	env.Deps.DB.R.QueryRow(`SELECT substr(id_hash, 1, 16) FROM sessions WHERE client_id = (SELECT id FROM clients WHERE number = '7002')`).Scan(&otherHash)
	laptop.Post("/account/sessions/end", url.Values{"session": {otherHash}}).Expect(t, http.StatusNotFound)
	other.Get("/account/sessions").Expect(t, 200)
	laptop.Post("/account/sessions/end", url.Values{"session": {"not-a-ref"}}).Expect(t, http.StatusNotFound)

	// End the phone by its ref.
	var phoneRef string
	env.Deps.DB.R.QueryRow(`SELECT substr(id_hash, 1, 16) FROM sessions WHERE ip = '203.0.113.9'`).Scan(&phoneRef)
	laptop.Post("/account/sessions/end", url.Values{"session": {phoneRef}}).Expect(t, http.StatusSeeOther)
	laptop.Get("/account/sessions").Expect(t, 200, "That session has been ended.").Lacks(t, "203.0.113.9")
	phone.Get("/account/sessions").Expect(t, http.StatusSeeOther)
	tablet.Get("/account/sessions").Expect(t, 200)

	// Every other one.
	laptop.Post("/account/sessions/end", url.Values{"all": {"1"}}).Expect(t, http.StatusSeeOther)
	laptop.Get("/account/sessions").Expect(t, 200, "Every other session has been ended.")
	tablet.Get("/account/sessions").Expect(t, http.StatusSeeOther)
	other.Get("/account/sessions").Expect(t, 200)
	if n := env.AuditCount("session.end", "client:7001"); n != 2 {
		t.Fatalf("%d audit entries, want 2", n)
	}
}

// TestStaffSessions: a staff member sees their console sessions and ends another;
// a client's session ref ends nothing.
func TestStaffSessions(t *testing.T) {
	env, _, _ := sessionsEnv(t)
	env.AddStaff("eva", "support", testkit.StaffPassword)
	one := device(env, firefoxUA, "198.51.100.7")
	two := device(env, iphoneUA, "203.0.113.9")
	for _, b := range []*testkit.Browser{one, two} {
		b.Get("/admin/login")
		b.Post("/admin/login", url.Values{"login": {"eva"}, "password": {testkit.StaffPassword}}).Expect(t, http.StatusSeeOther)
	}
	client := device(env, firefoxUA, "198.51.100.50")
	portalLogin(t, client, "7001")
	r := one.Get("/admin/account/sessions").Expect(t, 200, "Safari / iPhone", "This device", "My sessions")
	r.Lacks(t, "198.51.100.50")
	var clientRef string
	env.Deps.DB.R.QueryRow(`SELECT substr(id_hash, 1, 16) FROM sessions WHERE kind = 'client'`).Scan(&clientRef)
	one.Post("/admin/account/sessions/end", url.Values{"session": {clientRef}}).Expect(t, http.StatusNotFound)
	client.Get("/account/sessions").Expect(t, 200)
	ref := refRE.FindStringSubmatch(r.Body)[1]
	one.Post("/admin/account/sessions/end", url.Values{"session": {ref}}).Expect(t, http.StatusSeeOther)
	two.Get("/admin/").Expect(t, http.StatusSeeOther)
	one.Get("/admin/").Expect(t, 200)
	if n := env.AuditCount("staff.session.end", "staff:eva"); n != 1 {
		t.Fatalf("%d audit entries, want 1", n)
	}
}

// TestPasswordChangeLogoutOthers: the password form's "log out everywhere else" is
// on by default; unticked, the other sessions survive the change.
func TestPasswordChangeLogoutOthers(t *testing.T) {
	env, _, _ := sessionsEnv(t)
	const next = "a different long passphrase"
	main, phone := device(env, firefoxUA, "198.51.100.7"), device(env, iphoneUA, "203.0.113.9")
	portalLogin(t, main, "7001")
	portalLogin(t, phone, "7001")
	main.Get("/password").Expect(t, 200, `name="logout_others" value="1" checked`, "Log out everywhere else")
	main.Post("/password", url.Values{"current": {sessPW}, "password": {next}, "password2": {next},
		"others_offered": {"1"}}).Expect(t, http.StatusSeeOther)
	phone.Get("/account/sessions").Expect(t, 200)
	main.Get("/account/sessions").Expect(t, 200, "Safari / iPhone")

	main.Get("/password")
	main.Post("/password", url.Values{"current": {next}, "password": {sessPW}, "password2": {sessPW},
		"others_offered": {"1"}, "logout_others": {"1"}}).Expect(t, http.StatusSeeOther)
	phone.Get("/account/sessions").Expect(t, http.StatusSeeOther)
	main.Get("/account/sessions").Expect(t, 200).Lacks(t, "Safari / iPhone")
}
