package lockout

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/db/dbtest"
)

func newDB(t *testing.T) *db.DB {
	t.Helper()
	d, err := db.Open(dbtest.Target(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	// core first: Querier comes from there, but the table has no foreign keys.
	if err := db.Migrate(context.Background(), d, core.Migrations(), Migrations()); err != nil {
		t.Fatal(err)
	}
	// Applying the schema again (as a module's own migration does) is harmless.
	if _, err := d.W.Exec(Schema()); err != nil {
		t.Fatal(err)
	}
	return d
}

func fail(t *testing.T, d *db.DB, p string, now time.Time, pol Policy) State {
	t.Helper()
	var s State
	err := d.Tx(context.Background(), func(tx *sql.Tx) error {
		var err error
		s, err = Fail(context.Background(), tx, KindClient, p, now, pol)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLockAndExpiry(t *testing.T) {
	d := newDB(t)
	ctx := context.Background()
	pol := Policy{MaxFailures: 3, LockFor: 15 * time.Minute}
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	p := Account(7)
	for i := 1; i <= 2; i++ {
		if s := fail(t, d, p, t0, pol); s.Failures != i || s.Locked(t0) {
			t.Fatalf("after %d: %+v", i, s)
		}
	}
	s := fail(t, d, p, t0, pol)
	if !s.Locked(t0) || s.Remaining(t0) != 15*time.Minute {
		t.Fatalf("third failure did not lock: %+v", s)
	}
	// Attempts while locked are not counted and do not extend the lock.
	s = fail(t, d, p, t0.Add(5*time.Minute), pol)
	if s.Failures != 3 || !s.LockedUntil.Equal(t0.Add(15*time.Minute)) {
		t.Fatalf("counted while locked: %+v", s)
	}
	err := d.Tx(ctx, func(tx *sql.Tx) error { return Succeed(ctx, tx, KindClient, p, t0.Add(15*time.Minute-time.Second)) })
	if err != ErrLocked {
		t.Fatalf("success at 14:59 = %v, want ErrLocked", err)
	}
	if err := d.Tx(ctx, func(tx *sql.Tx) error { return Succeed(ctx, tx, KindClient, p, t0.Add(15*time.Minute)) }); err != nil {
		t.Fatalf("success at 15:00 = %v", err)
	}
	if s, _ := Get(ctx, d.R, KindClient, p, t0.Add(15*time.Minute)); s.Failures != 0 {
		t.Fatalf("success did not reset: %+v", s)
	}
	// After an expired lock the count starts again.
	fail(t, d, p, t0.Add(time.Hour), pol)
	if s := fail(t, d, p, t0.Add(time.Hour), pol); s.Failures != 2 || s.Locked(t0.Add(time.Hour)) {
		t.Fatalf("after lock expiry: %+v", s)
	}
	// Old failures are forgotten.
	if s := fail(t, d, p, t0.Add(time.Hour+ResetAfter), pol); s.Failures != 1 {
		t.Fatalf("old failures counted: %+v", s)
	}
}

func TestNamesFoldAndHash(t *testing.T) {
	if Name(" Jan.Novak ") != Name("jan.novak") {
		t.Fatal("names not folded")
	}
	if Name("x") == Name("y") || Account(1) == Account(2) {
		t.Fatal("principals collide")
	}
	if len(Name("hunter2")) != len("name:")+64 {
		t.Fatal("name not hashed")
	}
}

func TestExactCountUnderConcurrency(t *testing.T) {
	d := newDB(t)
	now := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.Tx(context.Background(), func(tx *sql.Tx) error {
				_, err := Fail(context.Background(), tx, KindClient, Account(1), now, Policy{MaxFailures: 100, LockFor: time.Minute})
				return err
			})
		}()
	}
	wg.Wait()
	s, err := Get(context.Background(), d.R, KindClient, Account(1), now)
	if err != nil || s.Failures != 40 {
		t.Fatalf("failures = %d (%v), want 40", s.Failures, err)
	}
}
