package auth

import (
	"strings"
	"testing"
)

// TestNewDeviceMail: with the setting on, a login from a device the account has not
// used before is mailed (device, address, a link to the sessions page, no password
// or session token); the first login ever and a known device are not; with the
// setting off nothing is sent. Delivered through the real SMTP test server.
func TestNewDeviceMail(t *testing.T) {
	env, _, _ := sessionsEnv(t)
	m := newMailer(t, env)
	newDevices := func() []string {
		var out []string
		for _, msg := range m.deliver(t) {
			if strings.Contains(msg.Text, "not seen on it before") {
				out = append(out, msg.Text)
			}
		}
		return out
	}
	// Off (the default): a first device and a second one, no mail.
	portalLogin(t, device(env, firefoxUA, "198.51.100.7"), "7001")
	portalLogin(t, device(env, iphoneUA, "203.0.113.9"), "7001")
	if got := newDevices(); len(got) != 0 {
		t.Fatalf("mail with the setting off: %q", got)
	}
	env.Set("ci_login_notify_new_device", "1")
	// Known devices, and the other client's very first login: no mail.
	portalLogin(t, device(env, firefoxUA, "198.51.100.8"), "7001")
	portalLogin(t, device(env, firefoxUA, "198.51.100.9"), "7002")
	if got := newDevices(); len(got) != 0 {
		t.Fatalf("mail for a known device or a first login: %q", got)
	}
	const chromeWin = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
	b := device(env, chromeWin, "192.0.2.77")
	portalLogin(t, b, "7001")
	got := newDevices()
	if len(got) != 1 {
		t.Fatalf("%d new-device mails, want 1", len(got))
	}
	for _, want := range []string{"Chrome / Windows", "192.0.2.77", "https://portal.isp.example/account/sessions", "7001"} {
		if !strings.Contains(got[0], want) {
			t.Errorf("mail lacks %q:\n%s", want, got[0])
		}
	}
	for _, secret := range []string{goodPW, b.Cookie("sid").Value} {
		if strings.Contains(got[0], secret) {
			t.Errorf("mail carries a secret %q", secret)
		}
	}
	// The same device again: known now.
	portalLogin(t, device(env, chromeWin, "192.0.2.78"), "7001")
	if got := newDevices(); len(got) != 1 {
		t.Fatalf("%d new-device mails after a known device's login, want still 1", len(got))
	}
}
