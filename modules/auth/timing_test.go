package auth

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/internal/testkit"
)

// TestLoginTiming checks that unknown names, wrong passwords and locked accounts take
// the same time (SECURITY.md item 5). It is opt-in, because it needs a quiet machine
// and no -race: AUTH_TIMING=200 go test -run LoginTiming -v ./modules/auth/
func TestLoginTiming(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("AUTH_TIMING"))
	if n <= 0 {
		t.Skip("set AUTH_TIMING=samples to measure")
	}
	testkit.RealPasswordCost(t)
	env := newEnv(t)
	wrong := addClient(t, env, "5001", "", goodPW)
	locked := addClient(t, env, "5002", "", goodPW)
	env.Tx(func(tx *sql.Tx) error {
		_, err := lockout.Fail(context.Background(), tx, lockout.KindClient, lockout.Account(locked), env.Clock.Now(),
			lockout.Policy{MaxFailures: 1, LockFor: 24 * time.Hour})
		return err
	})
	cases := []struct{ name, login string }{{"unknown", "9999"}, {"wrong", "5001"}, {"locked", "5002"}}
	samples := map[string][]time.Duration{}
	for i := 0; i < n; i++ {
		for _, c := range cases { // interleaved, so load changes hit every case alike
			b := env.Browser()
			b.RemoteAddr = fmt.Sprintf("10.1.%d.%d:1", i/250, i%250)
			b.Get("/login")
			start := time.Now()
			r := b.Post("/login", url.Values{"login": {c.login}, "password": {"not the password"}})
			samples[c.name] = append(samples[c.name], time.Since(start))
			if r.StatusCode != 422 {
				t.Fatalf("%s: %d", c.name, r.StatusCode)
			}
		}
		// Keep "wrong" a wrong password, not a lock (outside the timed part).
		lockout.Clear(context.Background(), env.Deps.DB.W, lockout.KindClient, lockout.Account(wrong))
		lockout.Clear(context.Background(), env.Deps.DB.W, lockout.KindClient, lockout.Name("9999"))
	}
	med := map[string]time.Duration{}
	for name, ds := range samples {
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		med[name] = ds[len(ds)/2]
	}
	t.Logf("median login time over %d samples: unknown %v, wrong %v, locked %v", n, med["unknown"], med["wrong"], med["locked"])
	for _, a := range []string{"wrong", "locked"} {
		if d := (med[a] - med["unknown"]).Abs(); d > 10*time.Millisecond {
			t.Errorf("median %s differs from unknown by %v", a, d)
		}
	}
}
