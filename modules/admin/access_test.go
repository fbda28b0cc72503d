package admin_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/ispportal/portal/internal/core"
)

func TestRoles(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	cid := env.AddClient("5001", 0)
	card := fmt.Sprintf("/admin/clients/%d", cid)

	type step struct {
		method, path string
		status       map[string]int // role -> status
	}
	ok, forbidden := 200, 403
	steps := []step{
		{"GET", "/admin", map[string]int{"admin": ok, "support": ok, "readonly": ok, "api": forbidden}},
		{"GET", "/admin/clients?q=5001", map[string]int{"admin": ok, "support": ok, "readonly": ok, "api": forbidden}},
		{"GET", card, map[string]int{"admin": ok, "support": ok, "readonly": ok, "api": forbidden}},
		{"GET", "/admin/messages", map[string]int{"admin": ok, "support": ok, "readonly": ok, "api": forbidden}},
		{"GET", "/admin/settings", map[string]int{"admin": ok, "support": forbidden, "readonly": ok, "api": forbidden}},
		{"GET", "/admin/tools", map[string]int{"admin": ok, "support": forbidden, "readonly": ok, "api": forbidden}},
		{"GET", "/admin/tools/outbox", map[string]int{"admin": ok, "support": forbidden, "readonly": ok, "api": forbidden}},
		{"GET", "/admin/audit", map[string]int{"admin": ok, "support": forbidden, "readonly": ok, "api": forbidden}},
		{"GET", "/admin/staff", map[string]int{"admin": ok, "support": forbidden, "readonly": ok, "api": forbidden}},
		{"GET", "/admin/files", map[string]int{"admin": ok, "support": ok, "readonly": ok, "api": forbidden}},
		{"GET", "/admin/templates", map[string]int{"admin": ok, "support": forbidden, "readonly": ok, "api": forbidden}},
		{"GET", "/admin/tickets", map[string]int{"admin": ok, "support": ok, "readonly": ok, "api": forbidden}},
		{"GET", "/admin/buttons", map[string]int{"admin": ok, "support": ok, "readonly": ok, "api": forbidden}},
		{"GET", "/admin/consents", map[string]int{"admin": ok, "support": ok, "readonly": ok, "api": forbidden}},
		{"GET", "/admin/contact", map[string]int{"admin": ok, "support": forbidden, "readonly": ok, "api": forbidden}},
		{"POST", card + "/unlock", map[string]int{"admin": 303, "support": 303, "readonly": forbidden, "api": forbidden}},
		{"POST", "/admin/settings", map[string]int{"admin": 303, "support": forbidden, "readonly": forbidden, "api": forbidden}},
		{"POST", "/admin/tools/theme", map[string]int{"admin": 303, "support": forbidden, "readonly": forbidden, "api": forbidden}},
		{"POST", "/admin/tools/backup", map[string]int{"admin": 200, "support": forbidden, "readonly": forbidden, "api": forbidden}},
		// Support may look at provider files, buttons and consent documents (one
		// permission table with the API, where they could already list them) but not
		// change them.
		{"POST", "/admin/buttons/999/delete", map[string]int{"admin": 404, "support": forbidden, "readonly": forbidden, "api": forbidden}},
		{"POST", "/admin/files/999/delete", map[string]int{"admin": 404, "support": forbidden, "readonly": forbidden, "api": forbidden}},
	}
	for _, role := range []string{core.RoleAdmin, core.RoleSupport, core.RoleReadOnly, core.RoleAPI} {
		b := staffBrowser(t, env, role)
		for _, s := range steps {
			want := s.status[role]
			var got int
			if s.method == "GET" {
				got = b.Get(s.path).StatusCode
			} else {
				got = b.Post(s.path, url.Values{"theme": {"blue"}}).StatusCode
			}
			if got != want {
				t.Errorf("%s %s %s: %d, want %d", role, s.method, s.path, got, want)
			}
		}
	}
	// Support on administrator pages: refused and audited (GET and POST above).
	if n := auditCount(t, env, "access.denied", "staff:support1"); n != 12 {
		t.Errorf("support refusals audited %d times, want 12", n)
	}
	if n := auditCount(t, env, "access.denied", "staff:readonly1"); n != 6 {
		t.Errorf("read-only refusals audited %d times, want 6", n)
	}

	t.Run("menu per role", func(t *testing.T) {
		id := addStaff(t, env, "menusupport", core.RoleSupport, "correct horse battery")
		b := env.Browser().LoginStaff(id)
		b.Get("/admin").Expect(t, 200, `href="/admin/clients"`, `href="/admin/messages"`, `href="/admin/tickets"`).
			Lacks(t, `href="/admin/settings"`, `href="/admin/audit"`, `href="/admin/tools"`)
		ro := env.Browser().LoginStaff(addStaff(t, env, "menureader", core.RoleReadOnly, "correct horse battery"))
		ro.Get("/admin/settings").Expect(t, 200, `href="/admin/audit"`).Lacks(t, `type="submit" class="btn">Save`)
		ro.Get("/admin/tools").Expect(t, 200).Lacks(t, "Download a backup", "Suspend the portal")
	})

	t.Run("no session", func(t *testing.T) {
		b := env.Browser()
		r := b.Get("/admin/settings").Expect(t, 303)
		if r.Header.Get("Location") != "/admin/login" {
			t.Fatalf("redirect to %q", r.Header.Get("Location"))
		}
		b.Get("/admin/login")
		b.Post("/admin/settings", url.Values{}).Expect(t, 401)
		// A client session is no staff session.
		c := env.Browser().LoginAs(cid)
		c.Get("/admin").Expect(t, 303)
	})

	t.Run("csrf", func(t *testing.T) {
		b := env.Browser().LoginStaff(addStaff(t, env, "csrfadmin", core.RoleAdmin, "correct horse battery"))
		b.Get(card)
		b.PostRaw(card+"/unlock", url.Values{}).Expect(t, 403)
		b.PostRaw(card+"/unlock", url.Values{"csrf": {"forged"}}).Expect(t, 403)
	})
}
