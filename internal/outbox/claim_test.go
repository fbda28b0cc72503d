package outbox_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/db/dbtest"
	"github.com/ispportal/portal/internal/outbox"
)

var jobs = outbox.Queue{Table: "jobs", State: "status", Claimed: "sending",
	Due: "status = 'queued'", Order: "id", OnClaim: "attempts = attempts + 1"}

// twoInstances opens one database file twice, as two portal instances do, with a
// queue of n rows.
func twoInstances(t *testing.T, n int) (*db.DB, *db.DB) {
	t.Helper()
	target := dbtest.Target(t, t.TempDir())
	var ds []*db.DB
	for range 2 {
		d, err := db.Open(target)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		ds = append(ds, d)
	}
	err := ds[0].Tx(context.Background(), func(tx *sql.Tx) error {
		if _, err := tx.Exec(`CREATE TABLE jobs (id BIGINT PRIMARY KEY, status TEXT NOT NULL DEFAULT 'queued',
			attempts INTEGER NOT NULL DEFAULT 0, done_by TEXT NULL, claimed_by TEXT NULL, claimed_at TEXT NULL)`); err != nil {
			return err
		}
		for i := range n {
			if _, err := tx.Exec(`INSERT INTO jobs (id) VALUES (?)`, i+1); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ds[0], ds[1]
}

// claim claims the next row in its own transaction.
func claim(t *testing.T, d *db.DB, claimant string, now time.Time) (int64, bool) {
	t.Helper()
	var id int64
	var ok bool
	err := d.Tx(context.Background(), func(tx *sql.Tx) error {
		var err error
		id, ok, err = jobs.Claim(context.Background(), d, tx, claimant, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id, ok
}

// Workers of two instances drain one queue concurrently: every row is claimed by
// exactly one of them, once.
func TestClaimEachRowOnce(t *testing.T) {
	const n = 200
	a, b := twoInstances(t, n)
	var mu sync.Mutex
	got := map[int64]string{}
	var wg sync.WaitGroup
	for i, d := range []*db.DB{a, b, a, b} {
		claimant := outbox.NewClaimant()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				id, ok := claim(t, d, claimant, time.Now())
				if !ok {
					return
				}
				mu.Lock()
				if prev, dup := got[id]; dup {
					t.Errorf("row %d claimed by %s and by worker %d", id, prev, i)
				}
				got[id] = claimant
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(got) != n {
		t.Fatalf("%d rows claimed, want %d", len(got), n)
	}
	var wrong int
	a.R.QueryRow(`SELECT COUNT(*) FROM jobs WHERE status <> 'sending' OR attempts <> 1 OR claimed_by IS NULL`).Scan(&wrong)
	if wrong != 0 {
		t.Fatalf("%d rows not claimed exactly once", wrong)
	}
}

// A claim holds for Lease: a live worker's rows are not taken over, a dead one's are,
// and only the claimant releases its row.
func TestTakeOverAfterLease(t *testing.T) {
	a, b := twoInstances(t, 2)
	ctx := context.Background()
	t0 := time.Now().UTC().Truncate(time.Second)
	dead, live := outbox.NewClaimant(), outbox.NewClaimant()
	id1, _ := claim(t, a, dead, t0)
	id2, _ := claim(t, b, live, t0.Add(time.Minute))
	takeOver := func(at time.Time) int64 {
		var n int64
		err := b.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			n, err = jobs.TakeOver(ctx, tx, at, `status = 'queued'`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := takeOver(t0.Add(outbox.Lease - time.Second)); n != 0 {
		t.Fatalf("took over %d claims within their lease", n)
	}
	if n := takeOver(t0.Add(outbox.Lease + time.Second)); n != 1 {
		t.Fatalf("took over %d claims, want the expired one", n)
	}
	var status string
	b.R.QueryRow(`SELECT status FROM jobs WHERE id = ?`, id1).Scan(&status)
	if status != "queued" {
		t.Fatalf("expired claim is %q", status)
	}
	if id, ok := claim(t, b, live, t0.Add(outbox.Lease+time.Second)); !ok || id != id1 {
		t.Fatalf("taken-over row not claimable again: %d %v", id, ok)
	}
	// The dead worker, come back, cannot release what is no longer its own.
	for _, c := range []string{dead, live} {
		if err := a.Tx(ctx, func(tx *sql.Tx) error { return jobs.Release(ctx, tx, id2, c, "queued") }); err != nil {
			t.Fatal(err)
		}
		b.R.QueryRow(`SELECT status FROM jobs WHERE id = ?`, id2).Scan(&status)
		if want := map[string]string{dead: "sending", live: "queued"}[c]; status != want {
			t.Fatalf("after Release by %s: %q, want %q", c, status, want)
		}
	}
}
