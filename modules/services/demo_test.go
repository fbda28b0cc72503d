package services

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/services/traffic"
)

func TestDemoSeed(t *testing.T) {
	demoDays = 3 // a year takes seconds; the shape is what matters here
	defer func() { demoDays = 365 }()
	env := testkit.New(t, New)
	ctx := context.Background()
	seedEnv, err := app.SeedDemo(ctx, env.Env)
	if err != nil {
		t.Fatal(err)
	}
	count := func() (n int, down uint64) {
		if err := env.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM services`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		for _, ext := range []string{"demo-s-1001-net", "demo-s-1001-cottage", "demo-s-1003-net"} {
			s, err := ServiceByExternalID(ctx, env.Deps.DB.R, ext)
			if err != nil {
				t.Fatal(err)
			}
			ser, err := TrafficStore(env.Deps).Series(ctx, s.ID, traffic.Week, env.Clock.Now())
			if err != nil || ser.TotalDown == 0 {
				t.Fatalf("%s has no demo traffic (%v)", ext, err)
			}
			down += ser.TotalDown
		}
		return n, down
	}
	n1, d1 := count()
	if _, err := app.SeedDemo(ctx, env.Env); err != nil {
		t.Fatal(err)
	}
	if n2, d2 := count(); n2 != n1 || d2 != d1 {
		t.Fatalf("second seed changed data: %d→%d services, %d→%d bytes", n1, n2, d1, d2)
	}

	b := env.Browser().LoginAs(seedEnv.ClientIDs["1001"])
	b.Get("/services").Expect(t, 200, "Internet 100", "10.20.0.15", "Via DHCP", "TV Standard", "Telefon Domov", "Data transferred")
	cottage, _ := ServiceByExternalID(ctx, env.Deps.DB.R, "demo-s-1001-cottage")
	b.Get(trafficURL(cottage.ID)).Expect(t, 200, "Limit reached").Lacks(t, "No traffic has been recorded")
	under, _ := ServiceByExternalID(ctx, env.Deps.DB.R, "demo-s-1003-net")
	env.Browser().LoginAs(seedEnv.ClientIDs["1003"]).Get(trafficURL(under.ID)).Expect(t, 200, "Within the limit")
	// 1002's tariff hides traffic: no button, no page.
	hidden, _ := ServiceByExternalID(ctx, env.Deps.DB.R, "demo-s-1002-net")
	b2 := env.Browser().LoginAs(seedEnv.ClientIDs["1002"])
	b2.Get("/services").Expect(t, 200, "Internet Basic").Lacks(t, "Data transferred")
	b2.Get(trafficURL(hidden.ID)).Expect(t, 404)
}

func TestDemoTrafficShape(t *testing.T) {
	now := time.Date(2026, 11, 2, 10, 2, 0, 0, time.UTC)
	s := DemoTraffic(7, now, 30, 5e9, 1, time.UTC)
	if len(s) != 30*288+1 || !s[len(s)-1].At.Equal(now.Truncate(5*time.Minute)) {
		t.Fatalf("%d samples ending %v", len(s), s[len(s)-1].At)
	}
	resets := 0
	for i := 1; i < len(s); i++ {
		if s[i].Down < s[i-1].Down {
			resets++
		}
	}
	// Counters only grow, except for the one router reboot 100 days back, which a
	// 30-day window does not reach.
	if resets != 0 {
		t.Fatalf("%d resets in 30 days", resets)
	}
	if long := DemoTraffic(7, now, 120, 5e9, 1, time.UTC); countResets(long) != 1 {
		t.Fatalf("%d resets in 120 days, want 1", countResets(long))
	}
	// About 5 GB a day on average, more in the evening than at 4 am.
	perDay := float64(s[len(s)-1].Down-s[0].Down) / 30
	if perDay < 4e9 || perDay > 6e9 {
		t.Fatalf("%.2g bytes a day", perDay)
	}
	if diurnal(time.Date(2026, 11, 3, 20, 30, 0, 0, time.UTC)) < 5*diurnal(time.Date(2026, 11, 3, 4, 0, 0, 0, time.UTC)) {
		t.Fatal("no evening peak")
	}
}

func countResets(s []Sample) int {
	n := 0
	for i := 1; i < len(s); i++ {
		if s[i].Down < s[i-1].Down {
			n++
		}
	}
	return n
}

func TestDiurnalWrapsAtMidnight(t *testing.T) {
	before := diurnal(time.Date(2026, 11, 3, 23, 55, 0, 0, time.UTC))
	after := diurnal(time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC))
	if math.Abs(before-after) > 0.05*before {
		t.Fatalf("jump at midnight: %.3f → %.3f", before, after)
	}
}
