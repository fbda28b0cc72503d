package traffic

import (
	"context"
	"fmt"
	"time"
)

// Period selects the span and resolution of a Series.
type Period int

// Periods offered on the Traffic page.
const (
	// Day is the last 24 hours in 5-minute points (288).
	Day Period = iota + 1
	// Week is the last 7 days in hourly points (168).
	Week
	// Month is the last 30 days in 4-hour points (180), aligned to local
	// midnight.
	Month
	// Year is the last 365 days in daily points (365).
	Year
)

// String returns the period's URL name: day, week, month or year.
func (p Period) String() string {
	switch p {
	case Day:
		return "day"
	case Week:
		return "week"
	case Month:
		return "month"
	case Year:
		return "year"
	}
	return fmt.Sprintf("Period(%d)", int(p))
}

// ParsePeriod reads a period's URL name; ok is false for anything else.
func ParsePeriod(name string) (p Period, ok bool) {
	for _, p := range []Period{Day, Week, Month, Year} {
		if p.String() == name {
			return p, true
		}
	}
	return 0, false
}

// Point is the traffic of one step of a Series, starting at Start.
type Point struct {
	Start    time.Time
	Down, Up uint64
}

// Series is a graph's data: consecutive points (zero where nothing was
// recorded) ending with the step that contains "now".
type Series struct {
	ServiceID int64
	Period    Period
	// Step is the nominal width of a point; Year points are local days,
	// so around DST changes a point may be 23 or 25 hours long.
	Step     time.Duration
	Points   []Point
	End      time.Time // end of the last point
	Location *time.Location
	// TotalDown and TotalUp sum all points.
	TotalDown, TotalUp uint64
}

// Peak returns the index of the point with the most download and of the
// one with the most upload (0 when the series is empty or all zero).
func (s Series) Peak() (down, up int) {
	for i, p := range s.Points {
		if p.Down > s.Points[down].Down {
			down = i
		}
		if p.Up > s.Points[up].Up {
			up = i
		}
	}
	return down, up
}

// Series returns the traffic of a service over period, ending with the step
// that contains now. A service without data gets an all-zero series.
func (s *Store) Series(ctx context.Context, serviceID int64, period Period, now time.Time) (Series, error) {
	out := Series{ServiceID: serviceID, Period: period, Location: s.loc}
	var table string
	var starts []int64
	var end int64
	t := now.Unix()
	switch period {
	case Day:
		table, out.Step = "traffic_5m", 5*time.Minute
		starts, end = gridPoints(floorDiv(t, fineStep), fineStep, 288)
	case Week:
		table, out.Step = "traffic_hour", time.Hour
		starts, end = gridPoints(hourOf(t), hourStep, 168)
	case Month:
		table, out.Step = "traffic_hour", 4*time.Hour
		starts, end = localPoints(now.In(s.loc), 180, func(y int, m time.Month, d, h, k int) time.Time {
			return time.Date(y, m, d, h-h%4+4*k, 0, 0, 0, s.loc)
		})
	case Year:
		table, out.Step = "traffic_day", 24*time.Hour
		starts, end = localPoints(now.In(s.loc), 365, func(y int, m time.Month, d, _, k int) time.Time {
			return time.Date(y, m, d+k, 0, 0, 0, 0, s.loc)
		})
	default:
		return Series{}, fmt.Errorf("traffic.Series: unknown period %d", int(period))
	}
	// The revision is read before the rows: a series stored under it then holds at
	// least what that revision wrote, never less.
	key := seriesKey{service: serviceID, period: period, end: end}
	rev, err := s.revision(ctx)
	if err != nil {
		return Series{}, fmt.Errorf("traffic.Series: %w", err)
	}
	if cached, ok := s.cache.get(key, rev); ok {
		return cached, nil
	}
	out.Points = make([]Point, len(starts))
	for i, st := range starts {
		out.Points[i].Start = time.Unix(st, 0).In(s.loc)
	}
	out.End = time.Unix(end, 0).In(s.loc)
	if err := s.fillPoints(ctx, table, serviceID, starts, end, &out); err != nil {
		return Series{}, fmt.Errorf("traffic.Series: %w", err)
	}
	s.cache.put(key, rev, out)
	return out, nil
}

// gridPoints returns n starts step apart ending with last, and the end.
func gridPoints(last, step int64, n int) ([]int64, int64) {
	starts := make([]int64, n)
	for i := range starts {
		starts[i] = last - int64(n-1-i)*step
	}
	return starts, last + step
}

// localPoints returns n wall-clock aligned starts ending with the one that
// contains now; at(…, k) gives the start k steps after now's step. Starts
// that DST folds onto an earlier one are dropped, keeping them increasing.
func localPoints(now time.Time, n int, at func(y int, m time.Month, d, h, k int) time.Time) ([]int64, int64) {
	y, m, d := now.Date()
	h := now.Hour()
	starts := make([]int64, 0, n)
	for k := -(n - 1); k <= 0; k++ {
		u := at(y, m, d, h, k).Unix()
		if len(starts) > 0 && u <= starts[len(starts)-1] {
			continue
		}
		starts = append(starts, u)
	}
	return starts, at(y, m, d, h, 1).Unix()
}

// fillPoints adds the rows of table in [starts[0], end) to the point whose
// range holds their bucket.
func (s *Store) fillPoints(ctx context.Context, table string, id int64, starts []int64, end int64, out *Series) error {
	rows, err := s.d.R.QueryContext(ctx, `SELECT bucket, down, up FROM `+table+`
WHERE service_id = $1 AND bucket >= $2 AND bucket < $3 ORDER BY bucket`, id, starts[0], end)
	if err != nil {
		return err
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var b, down, up int64
		if err := rows.Scan(&b, &down, &up); err != nil {
			return err
		}
		for i+1 < len(starts) && starts[i+1] <= b {
			i++
		}
		p := &out.Points[i]
		p.Down += clampU(down)
		p.Up += clampU(up)
		out.TotalDown += clampU(down)
		out.TotalUp += clampU(up)
	}
	return rows.Err()
}

// clampU converts a stored amount; negatives can only come from a damaged
// database and are shown as zero rather than as 18 EB.
func clampU(v int64) uint64 {
	if v < 0 {
		return 0
	}
	return uint64(v)
}
