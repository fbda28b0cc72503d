package traffic

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"
)

func TestIngestCounterDelta(t *testing.T) {
	s, d := newTestStore(t, Config{})
	res := mustIngest(t, s,
		Sample{1, at(0), 1000, 100},
		Sample{1, at(1), 3000, 300},
		Sample{1, at(2), 6000, 650},
	)
	if res.Accepted != 3 || res.Duplicates != 0 || len(res.Rejected) != 0 {
		t.Fatalf("result = %+v", res)
	}
	// The first sample is only a baseline; each delta lands in the bucket
	// that ends at its sample.
	assertFine(t, d, 1, map[time.Time][2]int64{at(0): {2000, 200}, at(1): {3000, 350}})
	down, up, err := s.Usage(context.Background(), 1, at(0), at(12))
	if err != nil || down != 5000 || up != 550 {
		t.Fatalf("Usage = %d %d %v", down, up, err)
	}
}

func TestIngestCounterReset(t *testing.T) {
	s, d := newTestStore(t, Config{})
	mustIngest(t, s,
		Sample{1, at(0), 1000, 1000},
		Sample{1, at(1), 5000, 1500},
		Sample{1, at(2), 300, 1600}, // router reboot: down restarted from zero
		Sample{1, at(3), 800, 100},  // up wrapped
	)
	assertFine(t, d, 1, map[time.Time][2]int64{at(0): {4000, 500}, at(1): {300, 100}, at(2): {500, 100}})
}

func TestIngestDuplicateReimportIsIdempotent(t *testing.T) {
	s, d := newTestStore(t, Config{})
	samples := yearOfSamples(7, t0, 2*288)
	res := mustIngest(t, s, samples...)
	if res.Accepted != len(samples) {
		t.Fatalf("first import %+v", res)
	}
	tables := []string{"traffic_counters", "traffic_5m", "traffic_hour", "traffic_day"}
	before := map[string][3]int64{}
	for _, tb := range tables {
		dn, up := sums(t, d, tb, 7)
		before[tb] = [3]int64{int64(count(t, d, tb)), dn, up}
	}
	// Again, in two overlapping batches and with an in-batch duplicate.
	r1 := mustIngest(t, s, samples[:400]...)
	r2 := mustIngest(t, s, append(samples[300:], samples[500])...)
	if r1.Accepted+r2.Accepted != 0 || r1.Duplicates+r2.Duplicates != len(samples)+101 {
		t.Fatalf("re-import %+v %+v", r1, r2)
	}
	for _, tb := range tables {
		dn, up := sums(t, d, tb, 7)
		if got := [3]int64{int64(count(t, d, tb)), dn, up}; got != before[tb] {
			t.Errorf("%s changed: %v -> %v", tb, before[tb], got)
		}
	}
}

func TestIngestDuplicateInBatchFirstWins(t *testing.T) {
	s, d := newTestStore(t, Config{})
	res := mustIngest(t, s, Sample{1, at(0), 0, 0}, Sample{1, at(1), 10, 10}, Sample{1, at(1), 99, 99})
	if res.Accepted != 2 || res.Duplicates != 1 {
		t.Fatalf("result = %+v", res)
	}
	assertFine(t, d, 1, map[time.Time][2]int64{at(0): {10, 10}})
}

// Late samples must give the same buckets as in-order ingestion, also when
// they straddle a counter reset or precede the first stored sample.
func TestIngestOutOfOrderMatchesInOrder(t *testing.T) {
	all := []Sample{
		{1, at(0), 100, 10}, {1, at(1), 400, 40}, {1, at(2), 900, 90}, {1, at(3), 50, 5},
		{1, at(4), 250, 25}, {1, at(9), 1250, 125}, {1, at(10), 1300, 130},
	}
	ref, refDB := newTestStore(t, Config{})
	mustIngest(t, ref, all...)
	want := fineRows(t, refDB, 1)

	cases := map[string][][]int{
		"reversed in one batch": {{6, 5, 4, 3, 2, 1, 0}},
		"one late in middle":    {{0, 1, 3, 4, 5, 6}, {2}},
		"late across reset":     {{0, 1, 2, 4, 5, 6}, {3}},
		"late before first":     {{2, 3, 4, 5, 6}, {1}, {0}},
		"late inside gap":       {{0, 1, 2, 3, 4, 6}, {5}},
		"interleaved batches":   {{0, 2, 4, 6}, {1, 3, 5}},
	}
	for name, batches := range cases {
		t.Run(name, func(t *testing.T) {
			s, d := newTestStore(t, Config{})
			for _, idx := range batches {
				var b []Sample
				for _, i := range idx {
					b = append(b, all[i])
				}
				if res := mustIngest(t, s, b...); res.Accepted != len(b) {
					t.Fatalf("batch %v: %+v", idx, res)
				}
			}
			if got := fineRows(t, d, 1); !equalRows(got, want) {
				t.Fatalf("buckets\n got %v\nwant %v", got, want)
			}
			for _, tb := range []string{"traffic_hour", "traffic_day"} {
				gd, gu := sums(t, d, tb, 1)
				wd, wu := sums(t, refDB, tb, 1)
				if gd != wd || gu != wu {
					t.Errorf("%s = %d/%d, want %d/%d", tb, gd, gu, wd, wu)
				}
			}
		})
	}
}

func TestIngestGapAttributedToLaterSample(t *testing.T) {
	s, d := newTestStore(t, Config{})
	mustIngest(t, s, Sample{1, at(0), 0, 0}, Sample{1, at(24), 7200, 720})
	// Two hours without samples: the whole delta sits in the bucket that
	// ends at the later sample, nothing is spread or invented.
	assertFine(t, d, 1, map[time.Time][2]int64{at(23): {7200, 720}})
	ser, err := s.Series(context.Background(), 1, Day, at(30))
	if err != nil {
		t.Fatal(err)
	}
	nonzero := 0
	for _, p := range ser.Points {
		if p.Down != 0 {
			nonzero++
			if !p.Start.Equal(at(23)) {
				t.Errorf("traffic at %v", p.Start)
			}
		}
	}
	if nonzero != 1 || ser.TotalDown != 7200 {
		t.Fatalf("nonzero points %d, total %d", nonzero, ser.TotalDown)
	}
}

func TestIngestRejectsAbsurdAndInvalid(t *testing.T) {
	// 8 Mbit/s cap = 1 MB/s = 300 MB per 5 minutes.
	s, d := newTestStore(t, Config{MaxBitsPerSecond: 8_000_000})
	res := mustIngest(t, s,
		Sample{1, at(0), 0, 0},
		Sample{1, at(1), 100_000_000, 0},                // 100 MB: fine
		Sample{1, at(2), 900_000_000, 0},                // +800 MB in 5 min: absurd
		Sample{1, at(3), 300_000_000, 0},                // +200 MB from the last accepted
		Sample{0, at(3), 1, 1},                          // no service
		Sample{1, time.Unix(5, 0), 1, 1},                // clock at 1970
		Sample{1, at(5), math.MaxUint64, 1},             // beyond int64
		Sample{1, time.Now().Add(49 * time.Hour), 1, 1}, // a router clock two days ahead
	)
	want := []Rejection{{2, ReasonAbsurd}, {4, ReasonBadService}, {5, ReasonBadTime}, {6, ReasonTooLarge}, {7, ReasonFuture}}
	if res.Accepted != 3 || !slices.Equal(res.Rejected, want) {
		t.Fatalf("result = %+v", res)
	}
	assertFine(t, d, 1, map[time.Time][2]int64{at(0): {100_000_000, 0}, at(2): {200_000_000, 0}})
	if n := count(t, d, "traffic_counters"); n != 3 {
		t.Errorf("%d counters stored, want 3", n)
	}
	// A late sample whose delta to its stored successor is absurd is
	// rejected too, leaving the stored deltas alone.
	res = mustIngest(t, s, Sample{1, at(1).Add(time.Minute), 990_000_000, 0})
	if len(res.Rejected) != 1 || res.Rejected[0].Reason != ReasonAbsurd {
		t.Fatalf("late absurd: %+v", res)
	}
}

func TestIngestEmpty(t *testing.T) {
	s, _ := newTestStore(t, Config{})
	if res := mustIngest(t, s); res.Accepted != 0 || len(res.Rejected) != 0 {
		t.Fatalf("%+v", res)
	}
}
