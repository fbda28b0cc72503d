package traffic

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/db"
)

// dumpTables returns every row of the four traffic tables, in key order, as text.
func dumpTables(tb testing.TB, d *db.DB) string {
	tb.Helper()
	var b strings.Builder
	for _, t := range []struct{ table, key string }{{"traffic_counters", "at"}, {"traffic_5m", "bucket"},
		{"traffic_hour", "bucket"}, {"traffic_day", "bucket"}} {
		rows, err := d.R.Query(`SELECT service_id, ` + t.key + `, down, up FROM ` + t.table + ` ORDER BY service_id, ` + t.key)
		if err != nil {
			tb.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var s, k, dn, up int64
			if err := rows.Scan(&s, &k, &dn, &up); err != nil {
				tb.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %d %d %d %d\n", t.table, s, k, dn, up)
			n++
		}
		if err := rows.Close(); err != nil {
			tb.Fatal(err)
		}
		if n == 0 {
			tb.Fatalf("%s is empty", t.table)
		}
	}
	return b.String()
}

// TestIngestOrderIndependent pushes the same 30 hours of counters of 130 services in
// the two orders the API sees (issue 25): all of one service's day per call, and one
// 5-minute reading of every service per call; then, on top of each, a late day that
// slots in between stored counters, again in both orders. The stored rows of all
// four tables must be identical.
func TestIngestOrderIndependent(t *testing.T) {
	const services, steps = servicesPerLoad + 30, 360 // past one counter query
	all := make([][]Sample, services)
	for i := range all {
		all[i] = yearOfSamples(int64(i+1), t0, steps)
		// A counter reset and a gap in some services, so deltas are not uniform.
		if i%7 == 3 {
			for k := 300; k < steps; k++ {
				all[i][k].Down -= all[i][299].Down
				all[i][k].Up -= all[i][299].Up
			}
		}
		if i%5 == 1 {
			all[i] = append(all[i][:100], all[i][130:]...)
		}
	}
	// Every other reading first; the rest later, slotting in between.
	split := func(ss []Sample, odd int) []Sample {
		var out []Sample
		for k, s := range ss {
			if k%2 == odd {
				out = append(out, s)
			}
		}
		return out
	}
	byService := func(s *Store, odd int) {
		for _, ss := range all {
			if res := mustIngest(t, s, split(ss, odd)...); len(res.Rejected) > 0 || res.Duplicates > 0 {
				t.Fatalf("by service: %+v", res)
			}
		}
	}
	byInterval := func(s *Store, odd int) {
		calls := map[int64][]Sample{}
		var order []int64
		for _, ss := range all {
			for _, smp := range split(ss, odd) {
				k := smp.At.Unix()
				if calls[k] == nil {
					order = append(order, k)
				}
				calls[k] = append(calls[k], smp)
			}
		}
		for _, k := range order {
			if res := mustIngest(t, s, calls[k]...); len(res.Rejected) > 0 || res.Duplicates > 0 {
				t.Fatalf("by interval: %+v", res)
			}
		}
	}
	a, da := newTestStore(t, Config{})
	b, dbb := newTestStore(t, Config{})
	byService(a, 0)
	byInterval(b, 0)
	if ga, gb := dumpTables(t, da), dumpTables(t, dbb); ga != gb {
		t.Fatalf("the orders stored different rows:\n%s", firstDiff(ga, gb))
	}
	// The late half in the other order on each side.
	byInterval(a, 1)
	byService(b, 1)
	ga, gb := dumpTables(t, da), dumpTables(t, dbb)
	if ga != gb {
		t.Fatalf("after the late half, the orders stored different rows:\n%s", firstDiff(ga, gb))
	}
	// And the same as one call of everything.
	c, dc := newTestStore(t, Config{})
	var every []Sample
	for _, ss := range all {
		every = append(every, ss...)
	}
	if res, err := c.Ingest(context.Background(), every); err != nil || len(res.Rejected) > 0 {
		t.Fatalf("one call: %+v %v", res, err)
	}
	if gc := dumpTables(t, dc); gc != ga {
		t.Fatalf("one call stored different rows:\n%s", firstDiff(ga, gc))
	}
}

func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d: %q vs %q", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("%d vs %d lines", len(la), len(lb))
}
