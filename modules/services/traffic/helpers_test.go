package traffic

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/db/dbtest"
)

// prague is the zone the tests use for day buckets: it has DST, which is
// where day arithmetic goes wrong.
var prague = mustLoc("Europe/Prague")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// newTestStore opens a migrated SQLite file in a temp dir.
func newTestStore(tb testing.TB, cfg Config) (*Store, *db.DB) {
	tb.Helper()
	d, err := db.Open(dbtest.Target(tb, tb.TempDir()))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { d.Close() })
	if err := db.Migrate(context.Background(), d, Source()); err != nil {
		tb.Fatal(err)
	}
	if cfg.Location == nil {
		cfg.Location = prague
	}
	return New(d, cfg), d
}

// t0 is a Monday midnight in Prague, in winter time.
var t0 = time.Date(2024, 1, 15, 0, 0, 0, 0, prague)

// at returns t0 plus n five-minute steps.
func at(n int) time.Time { return t0.Add(time.Duration(n) * 5 * time.Minute) }

func mustIngest(tb testing.TB, s *Store, samples ...Sample) Result {
	tb.Helper()
	res, err := s.Ingest(context.Background(), samples)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

// count returns the number of rows in table.
func count(tb testing.TB, d *db.DB, table string) int {
	tb.Helper()
	var n int
	if err := d.R.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// sums returns the total down/up of a table for one service.
func sums(tb testing.TB, d *db.DB, table string, svc int64) (down, up int64) {
	tb.Helper()
	err := d.R.QueryRow(`SELECT COALESCE(SUM(down),0), COALESCE(SUM(up),0) FROM `+table+` WHERE service_id = $1`, svc).Scan(&down, &up)
	if err != nil {
		tb.Fatal(err)
	}
	return down, up
}

// yearOfSamples returns one service's 5-minute counters for n steps from
// start, with a daily traffic pattern and a counter reset every 40 days.
func yearOfSamples(svc int64, start time.Time, n int) []Sample {
	out := make([]Sample, n)
	var down, up uint64
	for i := range out {
		if i > 0 && i%(40*288) == 0 {
			down, up = 0, 0
		}
		step := uint64(1_000_000 + (i%288)*50_000 + int(svc)*1000)
		down += step
		up += step / 8
		out[i] = Sample{ServiceID: svc, At: start.Add(time.Duration(i) * 5 * time.Minute), Down: down, Up: up}
	}
	return out
}

// fineRows returns the 5-minute buckets of a service as start → {down, up}.
func fineRows(tb testing.TB, d *db.DB, svc int64) map[int64][2]int64 {
	tb.Helper()
	rows, err := d.R.Query(`SELECT bucket, down, up FROM traffic_5m WHERE service_id = $1`, svc)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := map[int64][2]int64{}
	for rows.Next() {
		var b, dn, up int64
		if err := rows.Scan(&b, &dn, &up); err != nil {
			tb.Fatal(err)
		}
		// Zero rows are equivalent to missing ones.
		if dn != 0 || up != 0 {
			out[b] = [2]int64{dn, up}
		}
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func equalRows(a, b map[int64][2]int64) bool { return maps.Equal(a, b) }

// assertFine checks a service's 5-minute buckets exactly.
func assertFine(tb testing.TB, d *db.DB, svc int64, want map[time.Time][2]int64) {
	tb.Helper()
	w := map[int64][2]int64{}
	for k, v := range want {
		w[k.Unix()] = v
	}
	if got := fineRows(tb, d, svc); !equalRows(got, w) {
		tb.Fatalf("5-minute buckets\n got %v\nwant %v", got, w)
	}
}

// Source returns the migration source for db.Migrate.
func Source() db.Source { return db.Source{Name: MigrationsName, FS: Migrations} }
