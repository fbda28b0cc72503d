package lockout

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/password"
)

var guardPolicy = Policy{MaxFailures: 3, LockFor: 15 * time.Minute}

// attempt runs one login under a Guard the way the logins do: Begin, Verify, then in
// one transaction Succeed and, for a wrong or refused password, Fail.
func attempt(t *testing.T, d *db.DB, p, pw, hash string, now time.Time) (*Attempt, bool) {
	t.Helper()
	ctx := context.Background()
	a, err := Guard{Kind: KindStaff, Policy: guardPolicy}.Begin(ctx, d.R, p, now)
	if err != nil {
		t.Fatal(err)
	}
	ok := a.Verify(pw, hash)
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		if ok {
			var err error
			if ok, err = a.Succeed(ctx, tx); err != nil || ok {
				return err
			}
		}
		return a.Fail(ctx, tx)
	})
	if err != nil {
		t.Fatal(err)
	}
	return a, ok
}

func TestGuardLocksAndAnswers(t *testing.T) {
	d := newDB(t)
	hash, err := password.Hash("right one")
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	p := Account(1)

	// No account under the name: even the password behind Dummy is no success.
	if _, ok := attempt(t, d, Name("nobody"), "right one", "", t0); ok {
		t.Fatal("login without an account succeeded")
	}
	if a, ok := attempt(t, d, p, "right one", hash, t0); !ok || a.Locked() || a.Minutes() != 0 {
		t.Fatalf("right password: ok=%v locked=%v minutes=%d", ok, a.Locked(), a.Minutes())
	}
	for i := 1; i <= 3; i++ {
		a, ok := attempt(t, d, p, "wrong", hash, t0)
		if ok || a.Locked() != (i == 3) || a.NewLock() != (i == 3) {
			t.Fatalf("failure %d: ok=%v locked=%v newLock=%v", i, ok, a.Locked(), a.NewLock())
		}
	}
	// Locked: the right password is checked against Dummy and refused; the refusal is
	// a failure, not a second lock, and the answer rounds the rest up to minutes.
	at := t0.Add(30 * time.Second)
	a, ok := attempt(t, d, p, "right one", hash, at)
	if ok || !a.Locked() || a.NewLock() || a.Minutes() != 15 {
		t.Fatalf("while locked: ok=%v locked=%v newLock=%v minutes=%d", ok, a.Locked(), a.NewLock(), a.Minutes())
	}
	if s, _ := Get(context.Background(), d.R, KindStaff, p, at); s.Failures != 3 {
		t.Fatalf("failures while locked counted: %+v", s)
	}
	// At the end of the lock the right password logs in and clears the counter.
	end := t0.Add(guardPolicy.LockFor)
	if a, ok := attempt(t, d, p, "right one", hash, end); !ok || a.Locked() {
		t.Fatalf("after the lock: ok=%v locked=%v", ok, a.Locked())
	}
	if s, _ := Get(context.Background(), d.R, KindStaff, p, end); s.Failures != 0 {
		t.Fatalf("success did not clear: %+v", s)
	}
}

// TestGuardLockedMeanwhile: an attempt that read an open account, then lost the race
// against parallel failures that locked it while it was hashing. A right password is
// refused in the transaction like the failures, and neither it nor a wrong password
// records a second lock: exactly one failure locked the account.
func TestGuardLockedMeanwhile(t *testing.T) {
	d := newDB(t)
	ctx := context.Background()
	hash, err := password.Hash("right one")
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	g := Guard{Kind: KindStaff, Policy: guardPolicy}
	for _, pw := range []string{"right one", "wrong"} {
		p := Account(2)
		if err := Clear(ctx, d.W, KindStaff, p); err != nil {
			t.Fatal(err)
		}
		a, err := g.Begin(ctx, d.R, p, t0)
		if err != nil {
			t.Fatal(err)
		}
		ok := a.Verify(pw, hash)
		if ok != (pw == "right one") {
			t.Fatalf("%s: verify = %v", pw, ok)
		}
		// The parallel failures, while a was hashing.
		for i := 0; i < guardPolicy.MaxFailures; i++ {
			if err := d.Tx(ctx, func(tx *sql.Tx) error {
				_, err := Fail(ctx, tx, KindStaff, p, t0, guardPolicy)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			if ok {
				var err error
				if ok, err = a.Succeed(ctx, tx); err != nil || ok {
					return err
				}
				if !a.Locked() {
					t.Errorf("%s: refused by Succeed but not locked", pw)
				}
			}
			return a.Fail(ctx, tx)
		})
		if err != nil {
			t.Fatal(err)
		}
		if ok || !a.Locked() || a.NewLock() || a.Minutes() != 15 {
			t.Fatalf("%s: ok=%v locked=%v newLock=%v minutes=%d", pw, ok, a.Locked(), a.NewLock(), a.Minutes())
		}
		if s, _ := Get(ctx, d.R, KindStaff, p, t0); s.Failures != guardPolicy.MaxFailures {
			t.Fatalf("%s: counted under the lock: %+v", pw, s)
		}
	}
}
