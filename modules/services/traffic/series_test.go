package traffic

import (
	"context"
	"testing"
	"time"
)

func TestSeriesEmptyServiceIsZero(t *testing.T) {
	s, _ := newTestStore(t, Config{})
	now := time.Date(2024, 4, 15, 13, 7, 0, 0, prague) // Month spans the DST change
	for _, tc := range []struct {
		p    Period
		n    int
		step time.Duration
	}{{Day, 288, 5 * time.Minute}, {Week, 168, time.Hour}, {Month, 180, 4 * time.Hour}, {Year, 365, 24 * time.Hour}} {
		ser, err := s.Series(context.Background(), 42, tc.p, now)
		if err != nil {
			t.Fatalf("%v: %v", tc.p, err)
		}
		if len(ser.Points) != tc.n || ser.Step != tc.step {
			t.Errorf("%v: %d points of %v, want %d of %v", tc.p, len(ser.Points), ser.Step, tc.n, tc.step)
		}
		if ser.TotalDown != 0 || ser.TotalUp != 0 {
			t.Errorf("%v: totals %d/%d", tc.p, ser.TotalDown, ser.TotalUp)
		}
		last := ser.Points[len(ser.Points)-1]
		if now.Before(last.Start) || !now.Before(ser.End) {
			t.Errorf("%v: last point %v..%v does not contain now", tc.p, last.Start, ser.End)
		}
		for i := 1; i < len(ser.Points); i++ {
			if !ser.Points[i-1].Start.Before(ser.Points[i].Start) {
				t.Fatalf("%v: points not increasing at %d", tc.p, i)
			}
		}
	}
	if _, err := s.Series(context.Background(), 1, Period(9), now); err == nil {
		t.Error("unknown period accepted")
	}
}

func TestSeriesAlignment(t *testing.T) {
	s, _ := newTestStore(t, Config{})
	now := time.Date(2024, 4, 15, 13, 7, 0, 0, prague)
	ser, _ := s.Series(context.Background(), 1, Year, now)
	for _, p := range ser.Points {
		if p.Start.Hour() != 0 || p.Start.Minute() != 0 {
			t.Fatalf("year point at %v, want local midnight", p.Start)
		}
	}
	ser, _ = s.Series(context.Background(), 1, Month, now)
	for _, p := range ser.Points {
		// 31 March 2024 has no 02:00-03:00, so 00:00 and 04:00 stay aligned.
		if p.Start.Hour()%4 != 0 || p.Start.Minute() != 0 {
			t.Fatalf("month point at %v, want a 4-hour local boundary", p.Start)
		}
	}
}

// The totals of every period and every rollup table must agree with the
// 5-minute data they were built from.
func TestRollupTotalsEqualFineTotals(t *testing.T) {
	s, d := newTestStore(t, Config{})
	// 12 days across the DST change at the end of March.
	start := time.Date(2024, 3, 25, 0, 3, 0, 0, prague)
	for svc := int64(1); svc <= 2; svc++ {
		mustIngest(t, s, yearOfSamples(svc, start, 12*288)...)
	}
	for svc := int64(1); svc <= 2; svc++ {
		fd, fu := sums(t, d, "traffic_5m", svc)
		for _, tb := range []string{"traffic_hour", "traffic_day"} {
			if dn, up := sums(t, d, tb, svc); dn != fd || up != fu {
				t.Errorf("svc %d %s = %d/%d, fine %d/%d", svc, tb, dn, up, fd, fu)
			}
		}
		now := start.Add(12 * 24 * time.Hour)
		for _, p := range []Period{Week, Month, Year} {
			ser, err := s.Series(context.Background(), svc, p, now)
			if err != nil {
				t.Fatal(err)
			}
			want := fd
			if p == Week {
				want = fineSum(t, s, svc, ser.Points[0].Start, ser.End)
			}
			if int64(ser.TotalDown) != want {
				t.Errorf("svc %d %v total %d, want %d", svc, p, ser.TotalDown, want)
			}
		}
	}
}

// fineSum sums 5-minute buckets starting in [from, to) straight from SQL.
func fineSum(t *testing.T, s *Store, svc int64, from, to time.Time) int64 {
	t.Helper()
	var v int64
	err := s.d.R.QueryRow(`SELECT COALESCE(SUM(down),0) FROM traffic_5m WHERE service_id = $1 AND bucket >= $2 AND bucket < $3`,
		svc, ceilTo(from.Unix(), fineStep), ceilTo(to.Unix(), fineStep)).Scan(&v)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestUsageMatchesFineBuckets(t *testing.T) {
	s, _ := newTestStore(t, Config{})
	start := time.Date(2024, 3, 20, 0, 0, 0, 0, prague)
	mustIngest(t, s, yearOfSamples(3, start, 20*288)...)
	ranges := [][2]time.Time{
		{start, start.Add(20 * 24 * time.Hour)},
		{start.Add(7*time.Hour + 13*time.Minute), start.Add(9*24*time.Hour + 2*time.Minute)},
		{start.Add(30 * time.Minute), start.Add(50 * time.Minute)},
		{start.Add(23 * time.Hour), start.Add(26*time.Hour + 5*time.Minute)},
		{time.Date(2024, 3, 30, 22, 55, 0, 0, prague), time.Date(2024, 4, 2, 1, 1, 0, 0, prague)}, // DST
		{start.Add(5 * time.Hour), start.Add(5 * time.Hour)},
		{start.Add(-48 * time.Hour), start.Add(48 * time.Hour)},
	}
	for _, r := range ranges {
		down, _, err := s.Usage(context.Background(), 3, r[0], r[1])
		if err != nil {
			t.Fatal(err)
		}
		if want := fineSum(t, s, 3, r[0], r[1]); int64(down) != want {
			t.Errorf("Usage(%v, %v) = %d, want %d", r[0], r[1], down, want)
		}
	}
	var parts []usagePart
	s.splitRange(start.Unix(), start.AddDate(0, 0, 20).Unix(), levelDay, &parts)
	if len(parts) != 1 || parts[0].table != "traffic_day" {
		t.Errorf("whole days should use one daily range, got %+v", parts)
	}
}

func TestParsePeriod(t *testing.T) {
	for _, p := range []Period{Day, Week, Month, Year} {
		if got, ok := ParsePeriod(p.String()); !ok || got != p {
			t.Errorf("round trip %v", p)
		}
	}
	if _, ok := ParsePeriod("<x>"); ok {
		t.Error("bad name accepted")
	}
}
