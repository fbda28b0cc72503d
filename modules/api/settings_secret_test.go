package api

import (
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/modules/admin"
)

// TestSMSGatewayCredentialsNotReadable: a read-only API account reads the SMS settings,
// but no gateway password, whether it is stored where it belongs or (from before the
// rule) inside the gateway address; writing one into the address is refused.
func TestSMSGatewayCredentialsNotReadable(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	e.addStaff("viewer", core.RoleReadOnly)
	ro := e.login("viewer")

	e.call(sid, "settings.set", map[string]any{"key": "sms_gateway_url",
		"value": "http://kannel:13013/cgi-bin/sendsms?username=portal&password=hunter2&to={number}&text={text}"}).Refused(t, "invalid", "sms_gateway_password")
	e.call(sid, "settings.set", map[string]any{"key": "sms_gateway_password", "value": "hunter2"}).OK(t, nil)

	// A value stored before the rule existed.
	if _, err := e.Deps.DB.W.Exec(`INSERT INTO settings (key, group_id, value, updated_at) VALUES ('sms_gateway_url', 0, ?, '')
		ON CONFLICT (key, group_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		"http://kannel:13013/cgi-bin/sendsms?username=portal&password=legacy-pw&to={number}&text={text}"); err != nil {
		t.Fatal(err)
	}
	e.Deps.DB.W.Exec(`UPDATE settings_revision SET rev = rev + 1`)
	e.Deps.Settings.Sync(t.Context())

	for _, key := range []string{"sms_gateway_url", "sms_gateway_password"} {
		var s admin.SettingOut
		e.call(ro, "settings.get", map[string]any{"key": key}).OK(t, &s)
		if strings.Contains(s.Value, "hunter2") || strings.Contains(s.Value, "legacy-pw") {
			t.Fatalf("settings.get %s reveals a password: %+v", key, s)
		}
	}
	var list admin.SettingList
	e.call(ro, "settings.list", nil).OK(t, &list)
	for _, s := range list.Settings {
		if strings.Contains(s.Value, "hunter2") || strings.Contains(s.Value, "legacy-pw") {
			t.Fatalf("settings.list reveals a password: %+v", s)
		}
	}
}
