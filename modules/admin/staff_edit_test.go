package admin_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"regexp"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/auth"
	"github.com/ispportal/portal/modules/buttons"
	"github.com/ispportal/portal/modules/contact"
	"github.com/ispportal/portal/modules/documents"
	"github.com/ispportal/portal/modules/files"
	"github.com/ispportal/portal/modules/gdpr"
	"github.com/ispportal/portal/modules/helpdesk"
	"github.com/ispportal/portal/modules/info"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/modules/services"
	"github.com/ispportal/portal/modules/sms"
)

var shownPassword = regexp.MustCompile(`<code>([A-Za-z0-9]{20})</code>`)

func staffForm(login, role string) url.Values {
	return url.Values{"login": {login}, "name": {"Petra Dvořáková"}, "email": {"petra@isp.example"}, "role": {role},
		"send_tasks": {"0", "1"}, "send_requests": {"0", "1"}, "active": {"0", "1"}}
}

func staffByLogin(t *testing.T, env *testkit.Env, login string) core.Staff {
	t.Helper()
	s, err := core.StaffByLogin(context.Background(), env.Deps.DB.R, login)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStaffAccountsConsole(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, buttons.New, info.New, contact.New, helpdesk.New, services.New, invoices.New, documents.New,
		files.New, gdpr.New, sms.New, auth.New, admin.New, api.New)
	cid := env.AddClient("7001", 0)
	boss := adminBrowser(t, env, "boss")
	boss.RemoteAddr = "192.0.2.10:5"
	boss.Get("/admin/staff").Expect(t, 200, `href="/admin/staff/new"`)
	boss.Get("/admin/staff/new").Expect(t, 200, "Send tasks via e-mail", "Send Client portal requests")

	// Add: a generated password shown once, usable for login.
	r := boss.Post("/admin/staff/new", staffForm("petra", "support")).Expect(t, 200, "shown only now")
	m := shownPassword.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatal("no password shown")
	}
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Fatal("the page with the password may be cached")
	}
	petra := staffByLogin(t, env, "petra")
	if petra.Role != core.RoleSupport || !petra.SendTasksEmail || !petra.SendPortalRequests || !petra.Active || petra.Email != "petra@isp.example" ||
		!password.Verify(m[1], petra.PasswordHash) {
		t.Fatalf("created %+v", petra)
	}
	if env.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'staff.add' AND actor = 'staff:boss' AND ip = '192.0.2.10'`) != 1 {
		t.Fatal("add not audited")
	}
	// Edit name, e-mail, role and flags.
	f := staffForm("ignored", "readonly")
	f.Set("name", "Petra D.")
	f.Set("send_tasks", "0")
	boss.Post(fmt.Sprintf("/admin/staff/%d", petra.ID), f).Expect(t, 303)
	petra = staffByLogin(t, env, "petra")
	if petra.Name != "Petra D." || petra.Role != core.RoleReadOnly || petra.SendTasksEmail || !petra.SendPortalRequests {
		t.Fatalf("edited %+v", petra)
	}

	// A password reset ends the account's console and API sessions.
	const pw = "Vltava flows under Charles Bridge"
	id := addStaff(t, env, "karel", core.RoleSupport, pw)
	s := loginEverywhere(t, env, "karel", pw, id, cid)
	r = boss.Post(fmt.Sprintf("/admin/staff/%d/password", id), nil).Expect(t, 200, "shown only now")
	s.alive(t, env, false)
	if m := shownPassword.FindStringSubmatch(r.Body); m == nil || !password.Verify(m[1], staffByLogin(t, env, "karel").PasswordHash) {
		t.Fatal("the shown password is not the new one")
	}
	// Deactivating ends sessions too.
	s = loginEverywhere(t, env, "petra2", pw, addStaff(t, env, "petra2", core.RoleSupport, pw), cid)
	f = staffForm("petra2", "support")
	f.Set("active", "0")
	boss.Post(fmt.Sprintf("/admin/staff/%d", staffByLogin(t, env, "petra2").ID), f).Expect(t, 303)
	s.alive(t, env, false)

	// Unlock clears the failures.
	env.Tx(func(tx *sql.Tx) error {
		_, err := lockout.Fail(context.Background(), tx, lockout.KindStaff, lockout.Account(id), env.Clock.Now(), lockout.Policy{MaxFailures: 1, LockFor: 15 * 60e9})
		return err
	})
	boss.Get(fmt.Sprintf("/admin/staff/%d", id)).Expect(t, 200, "Locked after failed logins")
	boss.Post(fmt.Sprintf("/admin/staff/%d/unlock", id), nil).Expect(t, 303)
	boss.Get(fmt.Sprintf("/admin/staff/%d", id)).Expect(t, 200, "Not locked.")
	for _, a := range []string{"staff.edit", "staff.password", "staff.unlock"} {
		if env.Count(`SELECT COUNT(*) FROM audit_log WHERE action = ? AND actor = 'staff:boss' AND ip = '192.0.2.10'`, a) == 0 {
			t.Fatalf("%s not audited with the IP", a)
		}
	}

	// Bad input: duplicate login (any case), hostile login, bad e-mail, unknown role.
	n := env.Count(`SELECT COUNT(*) FROM staff`)
	for field, f := range map[string]url.Values{
		"login": staffForm("PETRA", "support"),
		"role":  staffForm("nova", "root"),
		"email": func() url.Values { f := staffForm("nova", "support"); f.Set("email", "x@"); return f }(),
		"name":  func() url.Values { f := staffForm("nova", "support"); f.Set("name", "a\u202eb"); return f }(),
	} {
		boss.Post("/admin/staff/new", f).Expect(t, 422, `id="e-`+field+`"`)
	}
	for _, bad := range []string{"../admin", "<script>", "", "a b", "-x"} {
		boss.Post("/admin/staff/new", staffForm(bad, "support")).Expect(t, 422, `id="e-login"`)
	}
	if env.Count(`SELECT COUNT(*) FROM staff`) != n {
		t.Fatal("a refused account was created")
	}
}

// The last active administrator can be neither deactivated nor demoted, from the
// console or the CLI; with a second administrator both work.
func TestLastAdminKept(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	boss := adminBrowser(t, env, "boss")
	me := staffByLogin(t, env, "boss")
	page := fmt.Sprintf("/admin/staff/%d", me.ID)
	f := staffForm("boss", "admin")
	f.Set("active", "0")
	boss.Post(page, f).Expect(t, 422, "last active administrator", `id="e-active"`)
	boss.Post(page, staffForm("boss", "support")).Expect(t, 422, "last active administrator", `id="e-role"`)
	if s := staffByLogin(t, env, "boss"); s.Role != core.RoleAdmin || !s.Active {
		t.Fatalf("the last admin changed: %+v", s)
	}
	if _, err := run(t, env, "", "staff", "disable", "boss"); err == nil {
		t.Fatal("the CLI disabled the last admin")
	}
	// A disabled administrator does not count.
	id := addStaff(t, env, "second", core.RoleAdmin, testkit.StaffPassword)
	env.Tx(func(tx *sql.Tx) error { _, err := tx.Exec(`UPDATE staff SET active = 0 WHERE id = ?`, id); return err })
	boss.Post(page, staffForm("boss", "support")).Expect(t, 422, "last active administrator")
	env.Tx(func(tx *sql.Tx) error { _, err := tx.Exec(`UPDATE staff SET active = 1 WHERE id = ?`, id); return err })
	boss.Post(page, staffForm("boss", "support")).Expect(t, 303)
	if s := staffByLogin(t, env, "boss"); s.Role != core.RoleSupport {
		t.Fatal("demotion with another admin refused")
	}
}

// Support and read-only staff get 403 on every staff-account action and see no forms.
func TestStaffAccountsForbiddenToNonAdmins(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	target := addStaff(t, env, "target", core.RoleAdmin, testkit.StaffPassword)
	for _, role := range []string{core.RoleSupport, core.RoleReadOnly} {
		b := staffBrowser(t, env, role)
		b.Get("/admin/staff/new").Expect(t, 403)
		b.Post("/admin/staff/new", staffForm("sneaky", "admin")).Expect(t, 403)
		b.Post(fmt.Sprintf("/admin/staff/%d", target), staffForm("target", "readonly")).Expect(t, 403)
		b.Post(fmt.Sprintf("/admin/staff/%d/password", target), nil).Expect(t, 403)
		b.Post(fmt.Sprintf("/admin/staff/%d/unlock", target), nil).Expect(t, 403)
		// Admin-only pages of the console.
		b.Get("/admin/templates").Expect(t, map[string]int{core.RoleSupport: 403, core.RoleReadOnly: 200}[role])
		b.Post("/admin/settings", url.Values{"ci_url": {"https://evil.example"}}).Expect(t, 403)
		b.Post("/admin/tools/suspend", url.Values{"suspend": {"1"}}).Expect(t, 403)
	}
	env.StaffBrowserAs("ro2", core.RoleReadOnly).Get(fmt.Sprintf("/admin/staff/%d", target)).Expect(t, 200, "target").
		Lacks(t, "Generate a new password", `href="/admin/staff/new"`)
	if env.Count(`SELECT COUNT(*) FROM staff WHERE login = 'sneaky'`) != 0 || staffByLogin(t, env, "target").Role != core.RoleAdmin {
		t.Fatal("a forbidden change happened")
	}
	if env.Count(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'staff.%' AND actor <> 'cli'`) != 0 {
		t.Fatal("a refused action was recorded as done")
	}
}
