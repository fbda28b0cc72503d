package traffic

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

// The series cache must never show traffic older than the database holds: every
// path that writes traffic moves the revision, and so does a second Store (another
// process, such as a CLI import) on the same database.
func TestSeriesCacheFollowsEveryWrite(t *testing.T) {
	s, d := newTestStore(t, Config{DayRetention: 24 * time.Hour})
	ctx := context.Background()
	now := at(40)
	total := func(st *Store) uint64 {
		t.Helper()
		ser, err := st.Series(ctx, 1, Day, now)
		if err != nil {
			t.Fatal(err)
		}
		return ser.TotalDown
	}
	mustIngest(t, s, Sample{1, at(0), 0, 0}, Sample{1, at(1), 1000, 10})
	if got := total(s); got != 1000 {
		t.Fatalf("first read: %d", got)
	}
	mustIngest(t, s, Sample{1, at(2), 3000, 30})
	if got := total(s); got != 3000 {
		t.Errorf("after an ingest through the same store: %d, want 3000", got)
	}
	other := New(d, Config{DayRetention: 24 * time.Hour})
	mustIngest(t, other, Sample{1, at(3), 7000, 70})
	if got := total(s); got != 7000 {
		t.Errorf("after an ingest through another store: %d, want 7000", got)
	}
	if err := d.Tx(ctx, func(tx *sql.Tx) error { return DeleteService(ctx, tx, 1) }); err != nil {
		t.Fatal(err)
	}
	if got := total(s); got != 0 {
		t.Errorf("after DeleteService: %d, want 0", got)
	}
	mustIngest(t, s, Sample{1, at(10), 0, 0}, Sample{1, at(11), 500, 5})
	if got := total(s); got != 500 {
		t.Fatalf("after a new ingest: %d", got)
	}
	if _, err := other.Prune(ctx, at(11).Add(40*24*time.Hour), time.Hour); err != nil {
		t.Fatal(err)
	}
	if got := total(s); got != 0 {
		t.Errorf("after Prune through another store: %d, want 0", got)
	}
}

// A series read twice without a write in between comes from the cache, and what
// a caller does with the points it got does not reach the next caller.
func TestSeriesCacheReusesAndCopies(t *testing.T) {
	s, d := newTestStore(t, Config{})
	ctx := context.Background()
	mustIngest(t, s, Sample{1, at(0), 0, 0}, Sample{1, at(1), 1000, 10})
	first, err := s.Series(ctx, 1, Day, at(40))
	if err != nil {
		t.Fatal(err)
	}
	for i := range first.Points {
		first.Points[i].Down = 12345
	}
	// A write that bypasses the store's revision is not seen: proof that the second
	// read did not go to the table. (Nothing in the portal writes traffic that way.)
	if _, err := d.W.Exec(`DELETE FROM traffic_5m`); err != nil {
		t.Fatal(err)
	}
	second, err := s.Series(ctx, 1, Day, at(40))
	if err != nil {
		t.Fatal(err)
	}
	if second.TotalDown != 1000 {
		t.Fatalf("second read total %d: not served from the cache", second.TotalDown)
	}
	var sum uint64
	for _, p := range second.Points {
		sum += p.Down
	}
	if sum != 1000 {
		t.Errorf("cached points were changed through the first caller's copy: sum %d", sum)
	}
	// A later "now" is another series, read from the table.
	third, err := s.Series(ctx, 1, Day, at(41))
	if err != nil {
		t.Fatal(err)
	}
	if third.TotalDown != 0 {
		t.Errorf("next step's series: %d, want 0 (rows deleted)", third.TotalDown)
	}
}

func TestSeriesCacheIsBounded(t *testing.T) {
	var c seriesCache
	for i := 0; i < seriesCacheSize*3; i++ {
		c.put(seriesKey{service: int64(i), period: Day}, 1, Series{Points: make([]Point, 3)})
	}
	if len(c.m) != seriesCacheSize {
		t.Errorf("%d series kept, want at most %d", len(c.m), seriesCacheSize)
	}
	if _, ok := c.get(seriesKey{service: int64(seriesCacheSize*3 - 1), period: Day}, 2); ok {
		t.Error("a series was served for another revision")
	}
}
