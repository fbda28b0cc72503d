package auth_test

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/factor"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/auth"
)

// enrolled gives a client a confirmed TOTP and recovery codes.
func enrolled(t *testing.T, e *testkit.Env, id int64) {
	t.Helper()
	ctx := context.Background()
	k := factor.Key{Kind: factor.KindClient, ID: id}
	e.Tx(func(tx *sql.Tx) error {
		en, err := factor.BeginTOTP(ctx, tx, k, "ISP", "x", e.Clock.Now())
		if err != nil {
			return err
		}
		if err := factor.ConfirmTOTP(ctx, tx, k, factor.Code(en.Secret, e.Clock.Now()), e.Clock.Now()); err != nil {
			return err
		}
		_, err = factor.NewRecoveryCodes(ctx, tx, k)
		return err
	})
}

// TestClientsSecondFactorAPI: staff roles read a client's second factor (never a
// secret); admin and support reset it, audited and mailed to the client; the billing
// system's machine account and read-only staff cannot reset, the machine account
// cannot read.
func TestClientsSecondFactorAPI(t *testing.T) {
	t.Parallel()
	e := testkit.New(t, auth.New, admin.New, api.New).API()
	e.Set("system_mail", "portal@isp.example")
	e.Set("system_mail_name", "ISP portal")
	srv := mailtest.Start(t)
	sid := e.Admin()
	e.AddClients(sid)
	id := int64(e.Count(`SELECT id FROM clients WHERE number = '9001'`))
	e.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE clients SET email = 'alice@example.net' WHERE id = ?`, id)
		return err
	})
	e.AddStaff("viewer", core.RoleReadOnly, testkit.StaffPassword)
	ro := e.Login("viewer")
	e.AddStaff("billing", core.RoleAPI, testkit.StaffPassword)
	machine := e.Login("billing")

	var st auth.SecondFactorOut
	e.Call(ro, "clients.secondFactor", map[string]any{"external_id": "C1"}).OK(t, &st)
	if st.TOTP || st.RecoveryLeft != 0 || st.Policy != "optional" {
		t.Fatalf("before enrolment: %+v", st)
	}
	enrolled(t, e.Env, id)
	ans := e.Call(sid, "clients.secondFactor", map[string]any{"external_id": "C1"})
	ans.OK(t, &st)
	if !st.TOTP || st.RecoveryLeft != 10 || st.TOTPSince == "" {
		t.Fatalf("after enrolment: %+v", st)
	}
	if strings.Contains(strings.ToLower(string(ans.Result.Return)), "secret") {
		t.Fatal("the API shows a secret")
	}
	e.Call(machine, "clients.secondFactor", map[string]any{"external_id": "C1"}).Fails(t, rpc.CodeForbidden)
	e.Call(machine, "clients.resetSecondFactor", map[string]any{"external_id": "C1"}).Fails(t, rpc.CodeForbidden)
	e.Call(ro, "clients.resetSecondFactor", map[string]any{"external_id": "C1"}).Fails(t, rpc.CodeForbidden)
	e.Call(sid, "clients.resetSecondFactor", map[string]any{"external_id": "C404"}).Refused(t, "not_found")

	var res auth.FactorReset
	e.Call(sid, "clients.resetSecondFactor", map[string]any{"external_id": "C1"}).OK(t, &res)
	if !res.Removed || res.ClientID != id {
		t.Fatalf("reset: %+v", res)
	}
	e.Call(sid, "clients.resetSecondFactor", map[string]any{"external_id": "C1"}).OK(t, &res)
	if res.Removed {
		t.Fatal("a second reset removed something")
	}
	if n := e.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'mfa.reset' AND actor = 'api:boss' AND client_id = ? AND ip <> ''`, id); n != 1 {
		t.Fatalf("%d factor.reset audit entries with the address, want 1", n)
	}
	w := mail.NewWorker(e.Deps.DB, srv.Config, e.Deps.Log, e.Clock.Now)
	if _, _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "alice@example.net" || msgs[0].Subject != "Your second factor was removed" {
		t.Fatalf("mails: %+v", msgs)
	}
}

// TestStaffResetsSecondFactorFromCard: the client card shows the second factor to
// staff roles and the reset button to those allowed; the reset is audited with the
// staff member's address; read-only staff get 403.
func TestStaffResetsSecondFactorFromCard(t *testing.T) {
	t.Parallel()
	e := testkit.New(t, auth.New, admin.New)
	id := e.AddClient("7001", 0)
	enrolled(t, e, id)
	card := "/admin/clients/" + strconv.FormatInt(id, 10)
	ro := e.StaffBrowser(core.RoleReadOnly)
	ro.Get(card).Expect(t, 200, "Authenticator app", "unused recovery codes: 10").Lacks(t, "Remove the second factor")
	ro.Post(card+"/factor/reset", nil).Expect(t, http.StatusForbidden)
	sup := e.StaffBrowser(core.RoleSupport)
	sup.Get(card).Expect(t, 200, "Remove the second factor")
	sup.Post(card+"/factor/reset", nil).Expect(t, http.StatusSeeOther)
	sup.Get(card).Expect(t, 200, "The client&#39;s second factor was removed").Lacks(t, "Remove the second factor")
	if n := e.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'mfa.reset' AND actor = 'staff:support1' AND ip <> ''`); n != 1 {
		t.Fatalf("%d audit entries", n)
	}
	if st, _ := factor.StatusOf(context.Background(), e.Deps.DB.R, factor.Key{Kind: factor.KindClient, ID: id}); st.TOTP || st.RecoveryLeft != 0 {
		t.Fatalf("after reset: %+v", st)
	}
	sup.Post("/admin/clients/999999/factor/reset", nil).Expect(t, http.StatusNotFound)
}
