package auth

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/lockout"
)

// TestParallelLoginsRevealNothing fires 100 logins for one client at once, one
// failure short of the lock: 99 wrong passwords and the right one, each from its own
// address. Unless the right one was decided before the lock (a real login), it must
// get exactly the answer the wrong ones get.
func TestParallelLoginsRevealNothing(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	id := addClient(t, env, "5001", "", goodPW)
	env.LoginRace(lockout.KindClient, lockout.Account(id), goodPW, 100, 42,
		func(round, i int, pw string) func() string {
			b := env.Browser()
			b.RemoteAddr = fmt.Sprintf("198.18.%d.%d:4000", round, i+1)
			b.Get("/login")
			return func() string {
				r := b.Post("/login", url.Values{"login": {"5001"}, "password": {pw}})
				return fmt.Sprintf("%d %s %s", r.StatusCode, cookieNames(r), mask(r.Body))
			}
		},
		func(a string) bool { return strings.HasPrefix(a, "303") })
}
