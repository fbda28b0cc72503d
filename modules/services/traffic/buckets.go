package traffic

import "time"

// floorDiv rounds a down to a multiple of step, also for negative a.
func floorDiv(a, step int64) int64 {
	q := a / step
	if a%step != 0 && a < 0 {
		q--
	}
	return q * step
}

// ceilTo rounds a up to a multiple of step.
func ceilTo(a, step int64) int64 { return -floorDiv(-a, step) }

// fineBucketOf returns the 5-minute bucket a sample taken at unix time at
// closes. The delta between two samples belongs to the interval ending at
// the later one, so a sample exactly on a boundary (10:05:00) closes the
// bucket that started before it (10:00).
func fineBucketOf(at int64) int64 { return floorDiv(at-1, fineStep) }

// hourOf returns the UTC hour containing the unix time t.
func hourOf(t int64) int64 { return floorDiv(t, hourStep) }

// dayCache maps unix times to the start of their local day; consecutive
// lookups usually hit the same day, and time.Date is the costly part.
type dayCache struct {
	loc        *time.Location
	start, end int64
}

func (c *dayCache) of(t int64) int64 {
	if t >= c.start && t < c.end {
		return c.start
	}
	c.start = localMidnight(t, c.loc)
	y, m, d := time.Unix(c.start, 0).In(c.loc).Date()
	c.end = time.Date(y, m, d+1, 0, 0, 0, 0, c.loc).Unix()
	return c.start
}

// localMidnight returns the unix time at which t's local day began.
func localMidnight(t int64, loc *time.Location) int64 {
	y, m, d := time.Unix(t, 0).In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc).Unix()
}

// nextMidnight returns the first local midnight at or after t.
func nextMidnight(t int64, loc *time.Location) int64 {
	m := localMidnight(t, loc)
	if m == t {
		return t
	}
	y, mo, d := time.Unix(m, 0).In(loc).Date()
	return time.Date(y, mo, d+1, 0, 0, 0, 0, loc).Unix()
}
