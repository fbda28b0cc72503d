package admin_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
)

func TestStaffLogin(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	env.Set("ci_login_attempts", "3")
	addStaff(t, env, "alice", core.RoleAdmin, "correct horse battery")
	addStaff(t, env, "robot", core.RoleAPI, "correct horse battery")

	t.Run("ok", func(t *testing.T) {
		b := env.Browser()
		b.Get("/admin/login").Expect(t, 200, "name=\"login\"")
		r := b.Post("/admin/login", url.Values{"login": {"Alice"}, "password": {"correct horse battery"}})
		if r.StatusCode != 303 || r.Header.Get("Location") != "/admin" {
			t.Fatalf("login: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if b.Cookie("asid") == nil || b.Cookie("sid") != nil {
			t.Fatal("staff login must set asid and no client session")
		}
		b.Get("/admin").Expect(t, 200, "alice")
		b.Get("/admin/login").Expect(t, 303)
		if auditCount(t, env, "staff.login.ok", "staff:alice") != 1 {
			t.Fatal("login not audited")
		}
		b.Post("/admin/logout", nil).Expect(t, 303)
		b.Get("/admin/clients").Expect(t, 303)
	})

	t.Run("wrong, unknown, api and disabled answer alike", func(t *testing.T) {
		answer := func(name, pw string) string {
			b := env.Browser()
			b.Get("/admin/login")
			r := b.Post("/admin/login", url.Values{"login": {name}, "password": {pw}}).Expect(t, 422, "Wrong login or password.")
			if b.Cookie("asid") != nil {
				t.Fatalf("%s: session after a failed login", name)
			}
			return strings.ReplaceAll(masked(r.Body), `value="`+name+`"`, "")
		}
		wrong := answer("alice", "not the password")
		unknown := answer("nobody", "not the password")
		api := answer("robot", "correct horse battery")
		if wrong != unknown || wrong != api {
			t.Fatal("failed logins must not tell unknown, wrong and API-only accounts apart")
		}
		if !contains(env.Logs.String(), "admin.submitLogin") || contains(env.Logs.String(), "not the password") {
			t.Fatal("logins must be logged without the password")
		}
	})

	t.Run("lockout", func(t *testing.T) {
		addStaff(t, env, "bob", core.RoleSupport, "correct horse battery")
		b := env.Browser()
		b.Get("/admin/login")
		for i := 0; i < 3; i++ {
			b.Post("/admin/login", url.Values{"login": {"bob"}, "password": {"wrong"}}).Expect(t, 422)
		}
		// Locked: even the right password is refused.
		b.Post("/admin/login", url.Values{"login": {"bob"}, "password": {"correct horse battery"}}).Expect(t, 422, "Too many failed attempts")
		if auditCount(t, env, "staff.login.lock", "staff:bob") != 1 {
			t.Fatal("lock not audited")
		}
		// Unknown names lock the same way, so the message reveals nothing.
		for i := 0; i < 3; i++ {
			b.Post("/admin/login", url.Values{"login": {"ghost"}, "password": {"wrong"}})
		}
		b.Post("/admin/login", url.Values{"login": {"ghost"}, "password": {"wrong"}}).Expect(t, 422, "Too many failed attempts")
		env.Clock.Advance(14*time.Minute + 59*time.Second)
		b.Post("/admin/login", url.Values{"login": {"bob"}, "password": {"correct horse battery"}}).Expect(t, 422, "Too many failed attempts")
		env.Clock.Advance(time.Second)
		b.Post("/admin/login", url.Values{"login": {"bob"}, "password": {"correct horse battery"}}).Expect(t, 303)
	})

	t.Run("rate limit per address", func(t *testing.T) {
		b := env.Browser()
		b.RemoteAddr = "198.51.100.7:1234"
		b.Get("/admin/login")
		var last int
		for i := 0; i < 21; i++ {
			last = b.Post("/admin/login", url.Values{"login": {"x"}, "password": {""}}).StatusCode
		}
		if last != 429 {
			t.Fatalf("21st login from one address: %d, want 429", last)
		}
	})

	t.Run("czech", func(t *testing.T) {
		b := env.Browser()
		b.Header.Set("Accept-Language", "cs")
		b.Get("/admin/login").Expect(t, 200, "Přihlášení obsluhy")
	})

	t.Run("language switch", func(t *testing.T) {
		b := env.Browser().LoginStaff(addStaff(t, env, "linguist", core.RoleReadOnly, "correct horse battery"))
		b.Get("/admin")
		r := b.Post("/admin/lang", url.Values{"lang": {"cs"}, "back": {"/admin/clients"}}).Expect(t, 303)
		if r.Header.Get("Location") != "/admin/clients" {
			t.Fatalf("back to %q", r.Header.Get("Location"))
		}
		b.Get("/admin/clients").Expect(t, 200, "Hledat")
		r = b.Post("/admin/lang", url.Values{"lang": {"en"}, "back": {"//evil.example"}}).Expect(t, 303)
		if r.Header.Get("Location") != "/admin" {
			t.Fatalf("open redirect to %q", r.Header.Get("Location"))
		}
	})

	t.Run("csrf", func(t *testing.T) {
		b := env.Browser()
		b.Get("/admin/login")
		b.PostRaw("/admin/login", url.Values{"login": {"alice"}, "password": {"correct horse battery"}}).Expect(t, 403)
	})
}
