package auth_test

import (
	"testing"

	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/auth"
)

// TestPasswordActionsAuditIP: the auth module's own audit rows of API password actions
// (one-time password, link, unlock) carry the caller's address.
func TestPasswordActionsAuditIP(t *testing.T) {
	e := testkit.New(t, auth.New, admin.New, api.New).API()
	sid := e.Admin()
	e.AddClients(sid)
	e.Set("system_mail", "portal@example.net")
	e.Set("system_mail_name", "NetWave")
	e.Set("ci_url", "https://portal.example.net/")
	e.Call(sid, "clients.edit", map[string]any{"external_id": "C1", "email": "alice@example.net"}).OK(t, nil)
	e.Call(sid, "clients.setPassword", map[string]any{"external_id": "C1", "generate": true}).OK(t, nil)
	e.Call(sid, "clients.sendPasswordLink", map[string]any{"external_id": "C1"}).OK(t, nil)
	e.Call(sid, "clients.unlock", map[string]any{"external_id": "C1"}).OK(t, nil)
	for _, action := range []string{"password.otp", "password.link", "client.unlock"} {
		var ip string
		if err := e.Deps.DB.R.QueryRow(`SELECT ip FROM audit_log WHERE action = ?`, action).Scan(&ip); err != nil {
			t.Fatalf("%s: %v", action, err)
		}
		if ip != "127.0.0.1" {
			t.Fatalf("%s audited with ip %q", action, ip)
		}
	}
}
