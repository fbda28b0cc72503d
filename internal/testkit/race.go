package testkit

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/ispportal/portal/internal/lockout"
)

// LoginRace is the check of a login's race against its lockout: n attempts for one
// account (lockout kind and principal) at once, one failure short of the lock
// (ci_login_attempts), the attempt numbered right with rightPW and the others with
// wrong passwords. prepare(round, i, pw) readies attempt i (its own address, a fresh
// form) and returns the function that sends it and describes the answer; won reports
// whether an answer is a real login. Unless the right password was decided before the
// lock (the round is then tried again, three at most), every answer must be the same:
// the right password must not get an answer of its own. It returns that answer.
func (e *Env) LoginRace(kind, principal, rightPW string, n, right int,
	prepare func(round, i int, pw string) func() string, won func(answer string) bool) string {
	e.T.Helper()
	guard := lockout.Login(kind, e.Deps.Settings)
	for round := 1; ; round++ {
		e.Tx(func(tx *sql.Tx) error {
			ctx := context.Background()
			if err := lockout.Clear(ctx, tx, kind, principal); err != nil {
				return err
			}
			for range guard.Policy.MaxFailures - 1 {
				if _, err := lockout.Fail(ctx, tx, kind, principal, e.Clock.Now(), guard.Policy); err != nil {
					return err
				}
			}
			return nil
		})
		answers := make([]string, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range n {
			pw := fmt.Sprintf("wrong password %d", i)
			if i == right {
				pw = rightPW
			}
			send := prepare(round, i, pw)
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				answers[i] = send()
			}()
		}
		close(start)
		wg.Wait()
		if won(answers[right]) {
			if round == 3 {
				e.T.Fatal("the right password won the race three times; the test cannot check the race")
			}
			continue
		}
		for i, a := range answers {
			if a != answers[0] {
				e.T.Fatalf("answers differ (right password: call %d):\ncall 0: %.300s\ncall %d: %.300s", right, answers[0], i, a)
			}
		}
		return answers[0]
	}
}
