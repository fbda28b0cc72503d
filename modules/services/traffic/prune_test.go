package traffic

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

func TestPruneRemovesOnlyExpiredFineRows(t *testing.T) {
	s, d := newTestStore(t, Config{})
	ctx := context.Background()
	samples := yearOfSamples(1, t0, 40*288)
	mustIngest(t, s, samples...)
	now := samples[len(samples)-1].At
	hourBefore, dayBefore := count(t, d, "traffic_hour"), count(t, d, "traffic_day")
	hd, hu := sums(t, d, "traffic_hour", 1)

	if _, err := s.Prune(ctx, now, 35*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	cutoff := floorDiv(now.Add(-35*24*time.Hour).Unix(), fineStep)
	var older, kept int
	d.R.QueryRow(`SELECT COUNT(*) FROM traffic_5m WHERE bucket < $1`, cutoff).Scan(&older)
	d.R.QueryRow(`SELECT COUNT(*) FROM traffic_5m WHERE bucket >= $1`, cutoff).Scan(&kept)
	if older != 0 || kept != int((now.Unix()-cutoff)/fineStep) {
		t.Errorf("5m rows: %d older than cutoff, %d kept", older, kept)
	}
	// One counter before the cutoff survives as the anchor for late samples.
	var anchors int
	d.R.QueryRow(`SELECT COUNT(*) FROM traffic_counters WHERE at < $1`, cutoff).Scan(&anchors)
	if anchors != 1 {
		t.Errorf("%d counters before cutoff, want 1 anchor", anchors)
	}
	if count(t, d, "traffic_hour") != hourBefore || count(t, d, "traffic_day") != dayBefore {
		t.Error("rollups pruned within their retention")
	}

	// A sample older than the cutoff can no longer be placed; one after it can.
	res := mustIngest(t, s, Sample{1, time.Unix(cutoff-600, 0), 1, 1})
	if len(res.Rejected) != 1 || res.Rejected[0].Reason != ReasonTooOld {
		t.Fatalf("old late sample: %+v", res)
	}
	mid := samples[len(samples)-100]
	res = mustIngest(t, s, Sample{1, mid.At.Add(-time.Minute), mid.Down - 10, mid.Up - 1})
	if res.Accepted != 1 {
		t.Fatalf("recent late sample: %+v", res)
	}
	// Moving traffic between buckets keeps the totals.
	if dn, up := sums(t, d, "traffic_hour", 1); dn != hd || up != hu {
		t.Errorf("hour totals %d/%d, want %d/%d", dn, up, hd, hu)
	}
	// Counting continues from the newest counter.
	last := samples[len(samples)-1]
	mustIngest(t, s, Sample{1, last.At.Add(5 * time.Minute), last.Down + 500, last.Up + 50})
	if dn, _ := sums(t, d, "traffic_hour", 1); dn != hd+500 {
		t.Errorf("after prune hour total %d, want %d", dn, hd+500)
	}

	// Rollups expire by their own retention.
	if _, err := s.Prune(ctx, now.Add(500*24*time.Hour), 0); err != nil {
		t.Fatal(err)
	}
	if count(t, d, "traffic_hour") != 0 || count(t, d, "traffic_day") != dayBefore {
		t.Error("hour rows should expire after 400 days, day rows never by default")
	}
}

func TestDeleteService(t *testing.T) {
	s, d := newTestStore(t, Config{})
	mustIngest(t, s, yearOfSamples(1, t0, 50)...)
	mustIngest(t, s, yearOfSamples(2, t0, 50)...)
	err := d.Tx(context.Background(), func(tx *sql.Tx) error { return DeleteService(context.Background(), tx, 1) })
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range []string{"traffic_counters", "traffic_5m", "traffic_hour", "traffic_day"} {
		if dn, _ := sums(t, d, tb, 1); dn != 0 {
			t.Errorf("%s still has service 1", tb)
		}
		if dn, _ := sums(t, d, tb, 2); dn == 0 && tb != "traffic_counters" {
			t.Errorf("%s lost service 2", tb)
		}
	}
}
