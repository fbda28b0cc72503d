package traffic

import (
	"context"
	"database/sql"
	"slices"
	"sync"
)

// seriesCacheSize bounds the series a Store keeps: a year series is about 15 KB,
// so the cache stays under 4 MB.
const seriesCacheSize = 256

// seriesCache keeps recent series of a Store, each valid for the traffic revision it
// was read at. The traffic page shows the same series again and again (the overview
// draws all four periods, then a period page draws one of them), and reading a year
// is 366 rows. Every write to the traffic tables bumps the revision in its own
// transaction (bumpRevision), in this process or another (a CLI import), so a
// series is reused only while no traffic has changed since it was read.
type seriesCache struct {
	mu sync.Mutex
	m  map[seriesKey]cachedSeries
}

// seriesKey names a series completely: with the Store's fixed location, the period
// and the end of its last step decide every point's start.
type seriesKey struct {
	service int64
	period  Period
	end     int64
}

type cachedSeries struct {
	rev int64
	s   Series
}

func (c *seriesCache) get(k seriesKey, rev int64) (Series, bool) {
	c.mu.Lock()
	e, ok := c.m[k]
	c.mu.Unlock()
	if !ok || e.rev != rev {
		return Series{}, false
	}
	// A copy: callers own what Series returns.
	e.s.Points = slices.Clone(e.s.Points)
	return e.s, true
}

func (c *seriesCache) put(k seriesKey, rev int64, s Series) {
	s.Points = slices.Clone(s.Points)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[seriesKey]cachedSeries)
	}
	if _, ok := c.m[k]; !ok && len(c.m) >= seriesCacheSize {
		for old := range c.m { // any one; a full cache is rare and cheap to refill
			delete(c.m, old)
			break
		}
	}
	c.m[k] = cachedSeries{rev: rev, s: s}
}

// revision reads the traffic revision; zero before the first write.
func (s *Store) revision(ctx context.Context) (int64, error) {
	var rev int64
	err := s.d.R.QueryRowContext(ctx, `SELECT value FROM traffic_meta WHERE name = 'revision'`).Scan(&rev)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return rev, err
}

// bumpRevision marks, inside a writing transaction, that the traffic tables changed.
func bumpRevision(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO traffic_meta (name, value) VALUES ('revision', 1)
ON CONFLICT (name) DO UPDATE SET value = traffic_meta.value + 1`)
	return err
}
