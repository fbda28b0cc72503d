package password_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/auth"
)

// Item 23: 48 logins at once through the real login form run at most NumCPU (at
// least 2) argon2id hashes at a time, each 19 MiB: the rest queue, so a burst cannot
// exhaust memory. The count comes from a wrapper around the key derivation, so it is
// exact, not sampled; the Go heap's peak is logged for information. Not parallel:
// the wrapper must see only this test's hashes.
func TestParallelLoginsKeepHashingBounded(t *testing.T) {
	env := testkit.New(t, auth.New)
	env.Set("ci_login_attempts", "100")
	const pw = "violet tram under the bridge"
	h, err := password.Hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	id := env.AddClient("5001", 0)
	env.Tx(func(tx *sql.Tx) error {
		return auth.SavePassword(context.Background(), tx, id, h, false, time.Time{}, env.Clock.Now())
	})
	peak, limit := password.CountHashes(t)
	stopHeap := heapPeak()

	const logins = 48 // 24 times the semaphore of a 2-core machine: enough to fill it; 200 took 19 s under -race
	statuses := make([]int, logins)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < logins; i++ {
		b := env.Browser()
		b.RemoteAddr = fmt.Sprintf("10.3.%d.%d:1000", i/250, i%250+1) // under the per-address limit
		b.Get("/login")
		name, try := "5001", "not the password"
		switch i % 4 {
		case 0:
			try = pw
		case 1:
			name = fmt.Sprintf("ghost%d", i)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses[i] = b.Post("/login", url.Values{"login": {name}, "password": {try}}).StatusCode
		}()
	}
	began := time.Now()
	close(start)
	wg.Wait()
	heap := stopHeap()
	t.Logf("%d logins in %v; at most %d hashes at once (limit %d); Go heap peak %d MiB", logins, time.Since(began), peak(), limit, heap>>20)
	for i, s := range statuses {
		want := 422
		if i%4 == 0 {
			want = 303
		}
		if s != want {
			t.Fatalf("login %d: status %d, want %d", i, s, want)
		}
	}
	if limit != max(2, runtime.NumCPU()) {
		t.Errorf("semaphore of %d, want NumCPU (at least 2) = %d", limit, max(2, runtime.NumCPU()))
	}
	// 48 logins that each hash saturate the semaphore, and never pass it.
	if peak() != int64(limit) {
		t.Fatalf("at most %d hashes ran at once, want exactly the limit %d", peak(), limit)
	}
}

// heapPeak samples the Go heap every millisecond until the returned function is
// called, which returns the highest value seen.
func heapPeak() func() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var top uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			top = max(top, s[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 { close(done); <-stopped; return top }
}
