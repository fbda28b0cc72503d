package auth

import (
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
)

// TestStaffNewDeviceMail: with ci_staff_login_notify_new_device on, a console login
// from a device the staff account has not used before is mailed to the account's
// address (device, address, the console's sessions page; no password or session
// token); the first console login ever, a known device, and another staff member's
// devices are not announced; with the setting off nothing is sent, and the client
// setting alone does not mail staff. Delivered through the real SMTP test server.
func TestStaffNewDeviceMail(t *testing.T) {
	env, _, _ := sessionsEnv(t)
	m := newMailer(t, env)
	alice := env.AddStaff("alice", core.RoleSupport, testkit.StaffPassword)
	bob := env.AddStaff("bob", core.RoleSupport, testkit.StaffPassword)
	env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE staff SET email = login || '@isp.example' WHERE id IN (?, ?)`, alice, bob)
		return err
	})
	staffLogin := func(b *testkit.Browser, login string) {
		t.Helper()
		b.Get("/admin/login")
		b.Post("/admin/login", url.Values{"login": {login}, "password": {testkit.StaffPassword}}).Expect(t, http.StatusSeeOther)
		b.Get("/admin").Expect(t, 200)
	}
	staffMails := func() []string {
		var out []string
		for _, msg := range m.deliver(t) {
			if strings.Contains(msg.Text, "staff console account") {
				out = append(out, strings.Join(msg.To, ",")+"\n"+msg.Text)
			}
		}
		return out
	}
	const chromeWin = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
	// Off (the default), and the clients' setting on: no staff mail.
	env.Set("ci_login_notify_new_device", "1")
	staffLogin(device(env, firefoxUA, "198.51.100.7"), "alice")
	staffLogin(device(env, iphoneUA, "203.0.113.9"), "alice")
	if got := staffMails(); len(got) != 0 {
		t.Fatalf("staff mail with the staff setting off: %q", got)
	}
	env.Set("ci_staff_login_notify_new_device", "1")
	// A known device, and bob's very first login (on alice's devices): no mail.
	staffLogin(device(env, firefoxUA, "198.51.100.8"), "alice")
	staffLogin(device(env, firefoxUA, "198.51.100.8"), "bob")
	if got := staffMails(); len(got) != 0 {
		t.Fatalf("staff mail for a known device or a first login: %q", got)
	}
	b := device(env, chromeWin, "192.0.2.77")
	staffLogin(b, "alice")
	got := staffMails()
	if len(got) != 1 {
		t.Fatalf("%d staff new-device mails, want 1", len(got))
	}
	for _, want := range []string{"alice@isp.example", "alice", "Chrome / Windows", "192.0.2.77", "https://portal.isp.example/admin/account/sessions"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("mail lacks %q:\n%s", want, got[0])
		}
	}
	for _, secret := range []string{testkit.StaffPassword, b.Cookie("asid").Value} {
		if secret != "" && strings.Contains(got[0], secret) {
			t.Errorf("mail carries a secret %q", secret)
		}
	}
	staffLogin(device(env, chromeWin, "192.0.2.78"), "alice")
	if got := staffMails(); len(got) != 1 {
		t.Fatalf("%d staff new-device mails after a known device's login, want still 1", len(got))
	}
}
