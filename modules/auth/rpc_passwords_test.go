package api

import (
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/modules/auth"
)

func TestClientsSetPassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sid := e.admin()
	setupClient(t, e, sid)
	e.addStaff("viewer", core.RoleReadOnly)
	ro := e.login("viewer")

	var res auth.SetPasswordResult
	e.call(sid, "clients.setPassword", map[string]any{"external_id": "C1", "generate": true}).ok(t, &res)
	otp := res.OneTimePassword
	if len(otp) < 12 || !res.ValidUntil.Equal(e.Clock.Now().Add(72*time.Hour).UTC()) {
		t.Fatalf("generated: %+v", res)
	}
	// The one-time password logs the client in once, into the new-password form.
	b := e.Browser()
	b.Get("/login")
	r := b.Post("/login", url.Values{"login": {"9001"}, "password": {otp}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/password/new" {
		t.Fatalf("OTP login: %d %q", r.StatusCode, r.Header.Get("Location"))
	}

	cases := []struct {
		name   string
		params map[string]any
		field  string
	}{
		{"neither", map[string]any{"external_id": "C1"}, "password"},
		{"both", map[string]any{"external_id": "C1", "generate": true, "password": "Phone agreed 4711"}, "password"},
		{"too short", map[string]any{"external_id": "C1", "password": "short"}, "password"},
		{"wrong type", map[string]any{"external_id": "C1", "generate": "yes"}, "generate"},
		{"unknown field", map[string]any{"external_id": "C1", "generate": true, "otp": "x"}, "otp"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.call(sid, "clients.setPassword", tc.params).fails(t, rpc.CodeInvalidParams, `"field":"`+tc.field+`"`)
		})
	}
	// Typed by staff: the configured minimum and the policy apply (code false, field named).
	e.Set("ci_client_password_min_length", "16")
	e.call(sid, "clients.setPassword", map[string]any{"external_id": "C1", "password": "Phone agreed 47"}).
		refused(t, "invalid", "password", "at least 16")
	e.call(sid, "clients.setPassword", map[string]any{"external_id": "C1", "password": "9001"}).fails(t, rpc.CodeInvalidParams, "password")
	res = auth.SetPasswordResult{}
	e.call(sid, "clients.setPassword", map[string]any{"external_id": "C1", "password": "Phone agreed 4711 ok"}).ok(t, &res)
	if res.OneTimePassword != "" {
		t.Fatal("a typed password was echoed back")
	}
	e.call(sid, "clients.setPassword", map[string]any{"external_id": "C404", "generate": true}).refused(t, "not_found")
	e.call(ro, "clients.setPassword", map[string]any{"external_id": "C1", "generate": true}).fails(t, rpc.CodeForbidden, "readonly")

	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'api.clients.setPassword' AND actor = 'api:boss'`); n != 2 {
		t.Fatalf("%d api audit entries, want 2", n)
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE detail LIKE ? OR detail LIKE '%Phone agreed%'`, "%"+otp+"%"); n != 0 {
		t.Fatal("a password reached the audit log")
	}
	// "Phone agreed", not "4711": durations and request ids in the log hold digit runs.
	if logs := e.Logs.String(); strings.Contains(logs, otp) || strings.Contains(logs, "Phone agreed") {
		t.Fatal("a one-time password reached the log")
	}
}

func TestClientsSendPasswordLink(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sid := e.admin()
	setupClient(t, e, sid)
	e.addStaff("viewer", core.RoleReadOnly)

	// The seed's two refusals, word for word.
	e.call(sid, "clients.sendPasswordLink", map[string]any{"external_id": "C1"}).
		refused(t, "invalid", "The system email address and its name are not specified in the system settings.")
	e.Set("system_mail", "portal@example.net")
	e.Set("system_mail_name", "NetWave")
	e.Set("ci_url", "https://portal.example.net/")
	e.call(sid, "clients.sendPasswordLink", map[string]any{"external_id": "C2"}).
		refused(t, "invalid", "No email address is available for the client.")
	if n := e.count(`SELECT COUNT(*) FROM mail_outbox`); n != 0 {
		t.Fatalf("%d mails queued by refused calls", n)
	}

	e.call(sid, "clients.edit", map[string]any{"external_id": "C1", "email": "alice@example.net"}).ok(t, nil)
	var res auth.LinkSent
	e.call(sid, "clients.sendPasswordLink", map[string]any{"external_id": "C1"}).ok(t, &res)
	if !res.Sent || !res.ValidUntil.Equal(e.Clock.Now().Add(72*time.Hour).UTC()) {
		t.Fatalf("link: %+v", res)
	}
	var to, body string
	if err := e.Deps.DB.R.QueryRow(`SELECT recipients, body_text FROM mail_outbox WHERE purpose = 'password_link' AND client_id = ?`,
		res.ClientID).Scan(&to, &body); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(to, "alice@example.net") || !strings.Contains(body, "https://portal.example.net/password/reset?token=") {
		t.Fatalf("mail to %s: %s", to, body)
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'api.clients.sendPasswordLink' AND client_id = ?`, res.ClientID); n != 1 {
		t.Fatalf("%d audit entries", n)
	}
	e.call(e.login("viewer"), "clients.sendPasswordLink", map[string]any{"external_id": "C1"}).fails(t, rpc.CodeForbidden)
	e.call(sid, "clients.sendPasswordLink", map[string]any{}).fails(t, rpc.CodeInvalidParams, `"field":"id"`)
	if n := e.count(`SELECT COUNT(*) FROM mail_outbox`); n != 1 {
		t.Fatalf("%d mails, want 1", n)
	}
}

func TestClientsUnlockAndLockState(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sid := e.admin()
	setupClient(t, e, sid)
	e.addStaff("viewer", core.RoleReadOnly)
	ro := e.login("viewer")
	var id int64
	e.call(sid, "clients.get", map[string]any{"external_id": "C1"}).ok(t, &struct {
		ID *int64 `json:"id"`
	}{&id})

	var st auth.LockStateOut
	e.call(ro, "clients.lockState", map[string]any{"external_id": "C1"}).ok(t, &st)
	if st.Locked || st.Failures != 0 || st.LockedUntil != nil || st.LastFailure != nil {
		t.Fatalf("fresh state: %+v", st)
	}
	e.Tx(func(tx *sql.Tx) error {
		for i := 0; i < 5; i++ {
			if _, err := lockout.Fail(t.Context(), tx, lockout.KindClient, lockout.Account(id), e.Clock.Now(),
				lockout.Policy{MaxFailures: 5, LockFor: 15 * time.Minute}); err != nil {
				return err
			}
		}
		return nil
	})
	e.call(ro, "clients.lockState", map[string]any{"id": id}).ok(t, &st)
	if !st.Locked || st.Failures != 5 || st.LockedUntil == nil || !st.LockedUntil.Equal(e.Clock.Now().Add(15*time.Minute).UTC()) {
		t.Fatalf("locked state: %+v", st)
	}
	e.call(ro, "clients.unlock", map[string]any{"id": id}).fails(t, rpc.CodeForbidden, "readonly")
	e.call(sid, "clients.unlock", map[string]any{"external_id": "C1"}).ok(t, &st)
	if st.Locked || st.Failures != 0 {
		t.Fatalf("after unlock: %+v", st)
	}
	e.call(ro, "clients.lockState", map[string]any{"id": id}).ok(t, &st)
	if st.Locked {
		t.Fatal("still locked")
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'api.clients.unlock' AND client_id = ?`, id); n != 1 {
		t.Fatalf("%d audit entries", n)
	}
	e.call(sid, "clients.unlock", map[string]any{"id": "1"}).fails(t, rpc.CodeInvalidParams, `"field":"id"`)
	e.call(sid, "clients.lockState", map[string]any{"external_id": "C404"}).refused(t, "not_found")
}
