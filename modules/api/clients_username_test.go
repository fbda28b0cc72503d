package api

import (
	"testing"

	"github.com/ispportal/portal/modules/admin"
)

// TestUsernameCreationSetting: with ci_enable_login_name_creation off no new username
// can be set through the API; a username a client already has is kept (a resync may
// send it again) and may be removed; with the setting on usernames can be created.
func TestUsernameCreationSetting(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	add := map[string]any{"external_id": "U1", "number": "6001", "name": "Jana", "username": "jana"}
	e.call(sid, "clients.add", add).Refused(t, "invalid", "username", "ci_enable_login_name_creation")
	if n := e.count(`SELECT COUNT(*) FROM clients`); n != 0 {
		t.Fatal("a refused client was stored")
	}
	delete(add, "username")
	e.call(sid, "clients.add", add).OK(t, nil)
	e.call(sid, "clients.edit", map[string]any{"external_id": "U1", "username": "jana"}).
		Refused(t, "invalid", "username", "ci_enable_login_name_creation")
	e.call(sid, "clients.push", map[string]any{"clients": []any{map[string]any{"external_id": "U2", "number": "6002", "name": "Petr", "username": "petr"}}}).
		Refused(t, "invalid", "clients[0].username")

	e.Set("ci_enable_login_name_creation", "1")
	e.call(sid, "clients.edit", map[string]any{"external_id": "U1", "username": "jana"}).OK(t, nil)
	e.call(sid, "clients.push", map[string]any{"clients": []any{map[string]any{"external_id": "U2", "number": "6002", "name": "Petr", "username": "petr"}}}).OK(t, nil)

	// Off again: the usernames stay and log in; sending them again is no change.
	e.Set("ci_enable_login_name_creation", "0")
	add["username"] = "Jana"
	e.call(sid, "clients.add", add).OK(t, nil)
	e.call(sid, "clients.push", map[string]any{"clients": []any{map[string]any{"external_id": "U2", "number": "6002", "name": "Petr", "username": "petr"}}}).OK(t, nil)
	var got admin.ClientOut
	e.call(sid, "clients.get", map[string]any{"external_id": "U1"}).OK(t, &got)
	if got.Username != "Jana" {
		t.Fatalf("username %q", got.Username)
	}
	// Changing one is creating a new one: refused. Removing it is allowed.
	e.call(sid, "clients.edit", map[string]any{"external_id": "U1", "username": "jana2"}).Refused(t, "invalid", "username")
	e.call(sid, "clients.edit", map[string]any{"external_id": "U2", "username": ""}).OK(t, &got)
	if got.Username != "" {
		t.Fatalf("username not removed: %q", got.Username)
	}
	e.call(sid, "clients.edit", map[string]any{"external_id": "U2", "username": "petr"}).Refused(t, "invalid", "username")
}
