package auth

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

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
	policy := lockout.Policy{MaxFailures: 5, LockFor: 15 * time.Minute}
	const n, right = 100, 42
	for round := 1; ; round++ {
		env.Tx(func(tx *sql.Tx) error {
			if err := lockout.Clear(context.Background(), tx, lockout.KindClient, lockout.Account(id)); err != nil {
				return err
			}
			for i := 0; i < policy.MaxFailures-1; i++ {
				if _, err := lockout.Fail(context.Background(), tx, lockout.KindClient, lockout.Account(id), env.Clock.Now(), policy); err != nil {
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
				pw = goodPW
			}
			b := env.Browser()
			b.RemoteAddr = fmt.Sprintf("198.18.%d.%d:4000", round, i+1)
			b.Get("/login")
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				r := b.Post("/login", url.Values{"login": {"5001"}, "password": {pw}})
				answers[i] = fmt.Sprintf("%d %s %s", r.StatusCode, cookieNames(r), mask(r.Body))
			}(i)
		}
		close(start)
		wg.Wait()
		if strings.HasPrefix(answers[right], "303") {
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
