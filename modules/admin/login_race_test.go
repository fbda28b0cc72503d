package admin_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

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
	policy := lockout.Policy{MaxFailures: 5, LockFor: 15 * time.Minute}
	const n, right = 100, 63
	for round := 1; ; round++ {
		env.Tx(func(tx *sql.Tx) error {
			if err := lockout.Clear(context.Background(), tx, lockout.KindStaff, lockout.Account(id)); err != nil {
				return err
			}
			for i := 0; i < policy.MaxFailures-1; i++ {
				if _, err := lockout.Fail(context.Background(), tx, lockout.KindStaff, lockout.Account(id), env.Clock.Now(), policy); err != nil {
					return err
				}
			}
			return nil
		})
		answers := make([]string, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			pw := fmt.Sprintf("wrong password %d", i)
			if i == right {
				pw = "correct horse battery"
			}
			b := env.Browser()
			b.RemoteAddr = fmt.Sprintf("198.18.%d.%d:4000", round, i+1)
			b.Get("/admin/login")
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				r := b.Post("/admin/login", url.Values{"login": {"alice"}, "password": {pw}})
				answers[i] = fmt.Sprintf("%d %s", r.StatusCode, masked(r.Body))
			}(i)
		}
		close(start)
		wg.Wait()
		if answers[right][:3] == "303" {
			if round == 3 {
				t.Fatal("the right password won the race three times; the test cannot check the race")
			}
			continue
		}
		for i, a := range answers {
			if a != answers[0] {
				t.Fatalf("answers differ (right password: call %d):\ncall 0: %.300s\ncall %d: %.300s", right, answers[0], i, a)
			}
		}
		return
	}
}
