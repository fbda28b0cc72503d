package traffic

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Usage returns the bytes a service transferred in [from, to), for FUP
// checks. A 5-minute bucket counts when its start lies in the range, so
// from and to are effectively rounded up to the 5-minute grid.
//
// Whole local days come from the daily rollup, whole hours at the edges
// from the hourly one and the remaining minutes from 5-minute buckets, so
// a month costs one small query. Edges older than the fine retention have
// no 5-minute data left and are then exact only to the hour.
func (s *Store) Usage(ctx context.Context, serviceID int64, from, to time.Time) (down, up uint64, err error) {
	a, b := ceilTo(from.Unix(), fineStep), ceilTo(to.Unix(), fineStep)
	var parts []usagePart
	s.splitRange(a, b, levelDay, &parts)
	if len(parts) == 0 {
		return 0, 0, nil
	}
	var q strings.Builder
	args := []any{serviceID}
	q.WriteString("SELECT COALESCE(SUM(down), 0), COALESCE(SUM(up), 0) FROM (")
	for i, p := range parts {
		if i > 0 {
			q.WriteString(" UNION ALL ")
		}
		n := len(args)
		q.WriteString("SELECT down, up FROM " + p.table + " WHERE service_id = $1 AND bucket >= $" +
			strconv.Itoa(n+1) + " AND bucket < $" + strconv.Itoa(n+2))
		args = append(args, p.from, p.to)
	}
	q.WriteString(") u")
	var d, u int64
	if err := s.d.R.QueryRowContext(ctx, q.String(), args...).Scan(&d, &u); err != nil {
		return 0, 0, fmt.Errorf("traffic.Usage: %w", err)
	}
	return clampU(d), clampU(u), nil
}

// Rollup levels, finest first.
const (
	levelFine = iota
	levelHour
	levelDay
)

// usagePart is one bucket range [from, to) of one table.
type usagePart struct {
	table    string
	from, to int64
}

// splitRange covers [a, b) with the coarsest buckets that fit whole and
// recurses to finer levels for the edges.
func (s *Store) splitRange(a, b int64, level int, parts *[]usagePart) {
	if a >= b {
		return
	}
	var lo, hi int64
	var table string
	switch level {
	case levelFine:
		*parts = append(*parts, usagePart{"traffic_5m", a, b})
		return
	case levelHour:
		table, lo, hi = "traffic_hour", ceilTo(a, hourStep), floorDiv(b, hourStep)
	case levelDay:
		table, lo, hi = "traffic_day", nextMidnight(a, s.loc), localMidnight(b, s.loc)
	}
	if lo >= hi {
		s.splitRange(a, b, level-1, parts)
		return
	}
	*parts = append(*parts, usagePart{table, lo, hi})
	s.splitRange(a, lo, level-1, parts)
	s.splitRange(hi, b, level-1, parts)
}
