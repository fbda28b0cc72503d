package admin_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/ispportal/portal/internal/core"
)

// TestPasswordActionsAuditIP: unlock, one-time passwords and links from the console
// are audited with the staff member's address.
func TestPasswordActionsAuditIP(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	env.Set("system_mail", "portal@example.cz")
	env.Set("system_mail_name", "Portal")
	env.Set("ci_url", "https://portal.example.cz/")
	cid := env.AddClient("7001", 0)
	b := staffBrowser(t, env, core.RoleSupport)
	b.RemoteAddr = "203.0.113.9:5000"
	card := fmt.Sprintf("/admin/clients/%d", cid)
	b.Get(card)
	b.Post(card+"/unlock", nil).Expect(t, 303)
	b.Post(card+"/password", url.Values{"action": {"generate"}}).Expect(t, 200)
	b.Post(card+"/password", url.Values{"action": {"set"}, "password": {"agreed on the phone"}}).Expect(t, 303)
	b.Post(card+"/password", url.Values{"action": {"link"}}).Expect(t, 303)
	for action, want := range map[string]int{"client.unlock": 1, "password.otp": 2, "password.link": 1} {
		var n int
		if err := env.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = ? AND client_id = ? AND ip = '203.0.113.9'`,
			action, cid).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Fatalf("%s: %d entries with the address, want %d", action, n, want)
		}
	}
}
