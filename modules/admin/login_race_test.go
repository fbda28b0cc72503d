package admin_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/lockout"
)

// TestParallelStaffLoginsRevealNothing fires 100 console logins for one account at
// once, one failure short of the lock: 99 wrong passwords and the right one, each from
// its own address. Unless the right one was decided before the lock (a real login),
// it must get exactly the answer the wrong ones get.
func TestParallelStaffLoginsRevealNothing(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	id := addStaff(t, env, "alice", core.RoleAdmin, "correct horse battery")
	env.LoginRace(lockout.KindStaff, lockout.Account(id), "correct horse battery", 100, 63,
		func(round, i int, pw string) func() string {
			b := env.Browser()
			b.RemoteAddr = fmt.Sprintf("198.18.%d.%d:4000", round, i+1)
			b.Get("/admin/login")
			return func() string {
				r := b.Post("/admin/login", url.Values{"login": {"alice"}, "password": {pw}})
				return fmt.Sprintf("%d %s", r.StatusCode, masked(r.Body))
			}
		},
		func(a string) bool { return strings.HasPrefix(a, "303") })
}
