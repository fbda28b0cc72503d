package services

import (
	"context"
	"testing"
	"time"
	_ "time/tzdata"
)

func TestFUPUnderAndOver(t *testing.T) {
	f := newFixture(t)
	now := f.env.Clock.Now() // 2 Nov 2026, 10:00 UTC
	b := f.env.Browser().LoginAs(f.clientA)
	url := trafficURL(f.netDHCP)

	// Nothing yet: within the limit, full speed.
	b.Get(url).Expect(t, 200, "Fair usage (FUP)", "This month", "Used 0 B of 1 GB", "Within the limit",
		"Your service runs at full speed.").Lacks(t, "Limit reached")

	// 12 hours of 4 MB down + 0.4 MB up per 5 minutes = 634 MB: still under 1 GB.
	samples := steady(f.netDHCP, now.Add(-12*time.Hour), 144, 4_000_000)
	f.ingest(t, samples)
	// 634 MB in the 34 hours since 1 November: 1 GB is reached 19.6 hours from now.
	b.Get(url).Expect(t, 200, "Used 634 MB of 1 GB", "Within the limit", "At this rate you reach your 1 GB on 2026-11-03.")
	b.Header.Set("Accept-Language", "cs")
	b.Get(url).Expect(t, 200, "Při tomto tempu vyčerpáte svých 1 GB 3. 11. 2026.")
	b.Header.Del("Accept-Language")
	// The service with a plain tariff shows no FUP box at all.
	b.Get(trafficURL(f.netIP)).Expect(t, 200).Lacks(t, "Fair usage (FUP)")

	// Counters continue: another 12 hours, now 1.27 GB in total, over the limit.
	last := samples[len(samples)-1]
	var more = steady(f.netDHCP, now, 144, 4_000_000)
	for i := range more {
		more[i].Down += last.Down
		more[i].Up += last.Up
	}
	f.ingest(t, more[1:])
	b.Get(url).Expect(t, 200, "Used 1.3 GB of 1 GB", "Limit reached",
		"The speed is reduced to 1 Mbit/s / 512 kbit/s until the end of the period.").Lacks(t, "Within the limit")
	b.Header.Set("Accept-Language", "cs")
	b.Get(url).Expect(t, 200, "Limit vyčerpán", "Tento měsíc", "1. 11. 2026 – 30. 11. 2026")

	// Traffic of last month does not count in this one; nothing used this month yet
	// stays within the limit, and in its first hour there is no forecast at all.
	f.env.Clock.Set(time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC))
	f.env.Browser().LoginAs(f.clientA).Get(url).Expect(t, 200, "Within the limit", "Used 0 B of 1 GB",
		"At this rate you stay within your limit in this period.")
	from := time.Date(2026, 12, 1, 0, 0, 0, 0, time.Local) // the period starts at local midnight
	f.env.Clock.Set(from.Add(30 * time.Minute))
	f.env.Browser().LoginAs(f.clientA).Get(url).Expect(t, 200, "Within the limit").Lacks(t, "At this rate")
}

func TestFUPPeriod(t *testing.T) {
	// time/tzdata (imported below) makes the zone available on any machine.
	loc, err := time.LoadLocation("Europe/Prague")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 29, 1, 30, 0, 0, loc) // Sunday, the night the clocks go forward
	for _, tc := range []struct {
		period   string
		from, to string
	}{
		{FUPDay, "2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00"},
		{FUPWeek, "2026-03-23T00:00:00+01:00", "2026-03-30T00:00:00+02:00"},
		{FUPMonth, "2026-03-01T00:00:00+01:00", "2026-04-01T00:00:00+02:00"},
	} {
		from, to := fupPeriod(tc.period, now, loc)
		if from.Format(time.RFC3339) != tc.from || to.Format(time.RFC3339) != tc.to {
			t.Errorf("%s: %s – %s, want %s – %s", tc.period, from.Format(time.RFC3339), to.Format(time.RFC3339), tc.from, tc.to)
		}
	}
	// A Monday is the first day of its own week.
	from, _ := fupPeriod(FUPWeek, time.Date(2026, 3, 30, 8, 0, 0, 0, loc), loc)
	if from.Day() != 30 {
		t.Errorf("Monday's week starts %v", from)
	}
}

func TestFUPWithoutLimit(t *testing.T) {
	f := newFixture(t)
	s, err := ServiceForClient(context.Background(), f.env.Deps.DB.R, f.clientA, f.netIP)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := FUP(context.Background(), TrafficStore(f.env.Deps), s, f.env.Clock.Now()); ok || err != nil {
		t.Fatalf("FUP for a tariff without limit: ok=%v err=%v", ok, err)
	}
}
