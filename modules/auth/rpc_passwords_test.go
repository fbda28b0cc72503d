package auth_test

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
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/auth"
)

func TestClientsSetPassword(t *testing.T) {
	t.Parallel()
	e := testkit.New(t, auth.New, admin.New, api.New).API()
	sid := e.Admin()
	e.AddClients(sid)
	e.AddStaff("viewer", core.RoleReadOnly, testkit.StaffPassword)
	ro := e.Login("viewer")

	var res auth.SetPasswordResult
	e.Call(sid, "clients.setPassword", map[string]any{"external_id": "C1", "generate": true}).OK(t, &res)
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
			e.Call(sid, "clients.setPassword", tc.params).Fails(t, rpc.CodeInvalidParams, `"field":"`+tc.field+`"`)
		})
	}
	// Typed by staff: the configured minimum and the policy apply (code false, field named).
	e.Set("ci_client_password_min_length", "16")
	e.Call(sid, "clients.setPassword", map[string]any{"external_id": "C1", "password": "Phone agreed 47"}).
		Refused(t, "invalid", "password", "at least 16")
	e.Call(sid, "clients.setPassword", map[string]any{"external_id": "C1", "password": "9001"}).Fails(t, rpc.CodeInvalidParams, "password")
	res = auth.SetPasswordResult{}
	e.Call(sid, "clients.setPassword", map[string]any{"external_id": "C1", "password": "Phone agreed 4711 ok"}).OK(t, &res)
	if res.OneTimePassword != "" {
		t.Fatal("a typed password was echoed back")
	}
	e.Call(sid, "clients.setPassword", map[string]any{"external_id": "C404", "generate": true}).Refused(t, "not_found")
	e.Call(ro, "clients.setPassword", map[string]any{"external_id": "C1", "generate": true}).Fails(t, rpc.CodeForbidden, "readonly")

	if n := e.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'api.clients.setPassword' AND actor = 'api:boss'`); n != 2 {
		t.Fatalf("%d api audit entries, want 2", n)
	}
	if n := e.Count(`SELECT COUNT(*) FROM audit_log WHERE detail LIKE ? OR detail LIKE '%Phone agreed%'`, "%"+otp+"%"); n != 0 {
		t.Fatal("a password reached the audit log")
	}
	// "Phone agreed", not "4711": durations and request ids in the log hold digit runs.
	if logs := e.Logs.String(); strings.Contains(logs, otp) || strings.Contains(logs, "Phone agreed") {
		t.Fatal("a one-time password reached the log")
	}
}

func TestClientsSendPasswordLink(t *testing.T) {
	t.Parallel()
	e := testkit.New(t, auth.New, admin.New, api.New).API()
	sid := e.Admin()
	e.AddClients(sid)
	e.AddStaff("viewer", core.RoleReadOnly, testkit.StaffPassword)

	// The seed's two refusals, word for word.
	e.Call(sid, "clients.sendPasswordLink", map[string]any{"external_id": "C1"}).
		Refused(t, "invalid", "The system email address and its name are not specified in the system settings.")
	e.Set("system_mail", "portal@example.net")
	e.Set("system_mail_name", "NetWave")
	e.Set("ci_url", "https://portal.example.net/")
	e.Call(sid, "clients.sendPasswordLink", map[string]any{"external_id": "C2"}).
		Refused(t, "invalid", "No email address is available for the client.")
	if n := e.Count(`SELECT COUNT(*) FROM mail_outbox`); n != 0 {
		t.Fatalf("%d mails queued by refused calls", n)
	}

	e.Call(sid, "clients.edit", map[string]any{"external_id": "C1", "email": "alice@example.net"}).OK(t, nil)
	var res auth.LinkSent
	e.Call(sid, "clients.sendPasswordLink", map[string]any{"external_id": "C1"}).OK(t, &res)
	if !res.Sent || !res.ValidUntil.Equal(e.Clock.Now().Add(72*time.Hour).UTC()) {
		t.Fatalf("link: %+v", res)
	}
	var to, body string
	if err := e.Deps.DB.R.QueryRow(`SELECT recipients, body_text FROM mail_outbox WHERE purpose = 'password_link' AND client_id = ?`,
		res.ClientID).Scan(&to, &body); err != nil {
		t.Fatal(err)
	}
	// The client may never have had a password: the mail promises none stays valid.
	if strings.Contains(body, "current password") || !strings.Contains(body, "nothing changes until the link is used") {
		t.Errorf("link mail speaks of a current password: %s", body)
	}
	if !strings.Contains(to, "alice@example.net") || !strings.Contains(body, "https://portal.example.net/password/reset?token=") {
		t.Fatalf("mail to %s: %s", to, body)
	}
	if n := e.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'api.clients.sendPasswordLink' AND client_id = ?`, res.ClientID); n != 1 {
		t.Fatalf("%d audit entries", n)
	}
	e.Call(e.Login("viewer"), "clients.sendPasswordLink", map[string]any{"external_id": "C1"}).Fails(t, rpc.CodeForbidden)
	e.Call(sid, "clients.sendPasswordLink", map[string]any{}).Fails(t, rpc.CodeInvalidParams, `"field":"id"`)
	if n := e.Count(`SELECT COUNT(*) FROM mail_outbox`); n != 1 {
		t.Fatalf("%d mails, want 1", n)
	}
}

func TestClientsUnlockAndLockState(t *testing.T) {
	t.Parallel()
	e := testkit.New(t, auth.New, admin.New, api.New).API()
	sid := e.Admin()
	e.AddClients(sid)
	e.AddStaff("viewer", core.RoleReadOnly, testkit.StaffPassword)
	ro := e.Login("viewer")
	var id int64
	e.Call(sid, "clients.get", map[string]any{"external_id": "C1"}).OK(t, &struct {
		ID *int64 `json:"id"`
	}{&id})

	var st auth.LockStateOut
	e.Call(ro, "clients.lockState", map[string]any{"external_id": "C1"}).OK(t, &st)
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
	e.Call(ro, "clients.lockState", map[string]any{"id": id}).OK(t, &st)
	if !st.Locked || st.Failures != 5 || st.LockedUntil == nil || !st.LockedUntil.Equal(e.Clock.Now().Add(15*time.Minute).UTC()) {
		t.Fatalf("locked state: %+v", st)
	}
	e.Call(ro, "clients.unlock", map[string]any{"id": id}).Fails(t, rpc.CodeForbidden, "readonly")
	e.Call(sid, "clients.unlock", map[string]any{"external_id": "C1"}).OK(t, &st)
	if st.Locked || st.Failures != 0 {
		t.Fatalf("after unlock: %+v", st)
	}
	e.Call(ro, "clients.lockState", map[string]any{"id": id}).OK(t, &st)
	if st.Locked {
		t.Fatal("still locked")
	}
	if n := e.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'api.clients.unlock' AND client_id = ?`, id); n != 1 {
		t.Fatalf("%d audit entries", n)
	}
	e.Call(sid, "clients.unlock", map[string]any{"id": "1"}).Fails(t, rpc.CodeInvalidParams, `"field":"id"`)
	e.Call(sid, "clients.lockState", map[string]any{"external_id": "C404"}).Refused(t, "not_found")
}
