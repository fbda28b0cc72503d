package traffic

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"time"
)

// Reasons reported in Rejection.Reason.
const (
	ReasonBadService = "invalid service id"
	ReasonBadTime    = "timestamp out of range (2000-01-01 .. 2100-01-01)"
	ReasonTooLarge   = "counter above 2^63-1"
	ReasonFuture     = "timestamp more than a day ahead of the portal's clock"
	ReasonTooOld     = "older than the retained counter history"
	ReasonAbsurd     = "implausible traffic: delta above the sanity cap"
)

// Plausible sample times; a router whose clock fell back to 1970 after a
// reboot would otherwise create buckets nobody can see or prune sensibly.
var (
	minSampleTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	maxSampleTime = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
)

// Result tells what Ingest did with each sample of a call.
type Result struct {
	// Accepted samples were stored. The first sample of a service only sets
	// the baseline counter and adds no traffic.
	Accepted int
	// Duplicates had the same service and timestamp (to the second) as a
	// stored sample or an earlier one in the same call, and were ignored.
	Duplicates int
	// Rejected lists samples that were not stored, by index in the input.
	Rejected []Rejection
}

// Rejection explains why the sample at Index was not stored.
type Rejection struct {
	Index  int
	Reason string
}

// point is one counter reading in unix seconds; idx is the input index of
// a new sample, or -1 for a counter already stored.
type point struct {
	svc      int64
	at       int64
	down, up int64
	idx      int
}

// Ingest stores a batch of cumulative counter samples in one transaction.
//
// Each interval's traffic is the difference of consecutive counters of a
// service, attributed to the 5-minute bucket in which the interval ends
// (so a gap's traffic lands at the sample after the gap; nothing is
// invented). A counter that went backwards was reset: the interval counts
// the new value from zero, never a negative amount.
//
// Out-of-order samples are accounted exactly: the raw counters of the
// retention window are kept, a late sample is slotted between its stored
// neighbours, and the neighbour's delta is replaced by the two new ones.
// Only samples older than the last Prune cutoff are rejected (ReasonTooOld),
// because the counters around them are gone. Within one call the order of
// samples does not matter.
//
// A sample whose delta to its predecessor or successor exceeds the sanity
// cap (Config.MaxBitsPerSecond sustained over the interval) is rejected
// with ReasonAbsurd and not stored.
func (s *Store) Ingest(ctx context.Context, samples []Sample) (Result, error) {
	var res Result
	// Scattered: in the collectors' order a call's upserts land on a different page
	// for every service.
	err := s.d.TxScattered(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = s.IngestTx(ctx, tx, samples)
		return err
	})
	return res, err
}

// IngestTx is Ingest inside the caller's write transaction (the demo seed, an API
// call that stores other rows too). Nothing is written if the caller rolls back.
func (s *Store) IngestTx(ctx context.Context, tx *sql.Tx, samples []Sample) (Result, error) {
	var res Result
	// A counter from the future is a router with a wrong clock; accepting it would
	// make every later real sample look out of order.
	future := time.Now().Add(24 * time.Hour).Unix()
	pts := make([]point, 0, len(samples))
	for i, smp := range samples {
		reason := validSample(smp)
		if reason == "" && smp.At.Unix() > future {
			reason = ReasonFuture
		}
		if reason != "" {
			res.Rejected = append(res.Rejected, Rejection{i, reason})
			continue
		}
		pts = append(pts, point{smp.ServiceID, smp.At.Unix(), int64(smp.Down), int64(smp.Up), i})
	}
	// Stable, so that of two samples with the same key the first one given wins.
	slices.SortStableFunc(pts, func(a, b point) int {
		if c := cmp.Compare(a.svc, b.svc); c != 0 {
			return c
		}
		return cmp.Compare(a.at, b.at)
	})
	err := func() error {
		floor, err := counterFloor(ctx, tx)
		if err != nil {
			return err
		}
		w := newWriter(s.loc)
		groups := byService(pts)
		load := newChunkStmts(tx, sqlLoadCounters, loadTuple)
		defer load.close()
		for start := 0; start < len(groups); start += servicesPerLoad {
			if err := ctx.Err(); err != nil {
				return err
			}
			chunk := groups[start:min(start+servicesPerLoad, len(groups))]
			stored, err := loadCounters(ctx, load, chunk)
			if err != nil {
				return err
			}
			for i, group := range chunk {
				s.mergeService(group, stored[i], floor, w, &res)
			}
		}
		return w.flush(ctx, tx)
	}()
	if err != nil {
		return Result{}, fmt.Errorf("traffic.Ingest: %w", err)
	}
	slices.SortFunc(res.Rejected, func(a, b Rejection) int { return cmp.Compare(a.Index, b.Index) })
	return res, nil
}

func validSample(smp Sample) string {
	switch {
	case smp.ServiceID <= 0:
		return ReasonBadService
	case smp.At.Unix() < minSampleTime || smp.At.Unix() >= maxSampleTime:
		return ReasonBadTime
	case smp.Down > math.MaxInt64 || smp.Up > math.MaxInt64:
		return ReasonTooLarge
	}
	return ""
}

// byService cuts points sorted by service into one slice per service.
func byService(pts []point) [][]point {
	var out [][]point
	for start := 0; start < len(pts); {
		end := start + 1
		for end < len(pts) && pts[end].svc == pts[start].svc {
			end++
		}
		out = append(out, pts[start:end])
		start = end
	}
	return out
}

// servicesPerLoad is how many services one counter query covers. A call of one
// 5-minute reading of every service (a collector's order) has as many services as
// samples, and one query per service cost more than the rest of the ingest; the
// per-statement overhead of database/sql and the driver now falls on 100 of them.
const servicesPerLoad = 100

// sqlLoadCounters returns, for each (service, from, to) of w, the stored counters
// of the service from the last one before from to the first one after to,
// inclusive: the contiguous stretch a batch spanning [from, to] can touch. CROSS
// JOIN keeps w the outer loop, so each service is one index range of the clustered
// table.
const sqlLoadCounters = `WITH w(svc, lo, hi) AS (VALUES %s)
SELECT c.service_id, c.at, c.down, c.up FROM w CROSS JOIN traffic_counters c
WHERE c.service_id = w.svc
  AND c.at >= COALESCE((SELECT MAX(p.at) FROM traffic_counters p WHERE p.service_id = w.svc AND p.at < w.lo), w.lo)
  AND c.at <= COALESCE((SELECT MIN(n.at) FROM traffic_counters n WHERE n.service_id = w.svc AND n.at > w.hi), w.hi)
ORDER BY c.service_id, c.at`

// loadTuple is one row of w. The casts type its columns: PostgreSQL takes an untyped
// parameter in VALUES for text and would then refuse to compare it with the bigint
// columns; SQLite compares the same values either way.
const loadTuple = "(CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT))"

// loadCounters returns the stored stretch of every group's service (groups are in
// ascending service order, one per service), aligned with groups.
func loadCounters(ctx context.Context, load *chunkStmts, groups [][]point) ([][]point, error) {
	args := make([]any, 0, 3*len(groups))
	for _, g := range groups {
		args = append(args, g[0].svc, g[0].at, g[len(g)-1].at)
	}
	st, err := load.get(ctx, len(groups))
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([][]point, len(groups))
	i := 0
	for rows.Next() {
		p := point{idx: -1}
		if err := rows.Scan(&p.svc, &p.at, &p.down, &p.up); err != nil {
			return nil, err
		}
		for i < len(groups) && groups[i][0].svc != p.svc {
			i++
		}
		if i == len(groups) {
			return nil, fmt.Errorf("counter of service %d out of order", p.svc)
		}
		out[i] = append(out[i], p)
	}
	return out, rows.Err()
}

func counterFloor(ctx context.Context, tx *sql.Tx) (int64, error) {
	var v int64
	err := tx.QueryRowContext(ctx, `SELECT value FROM traffic_meta WHERE name = 'counter_floor'`).Scan(&v)
	if err == sql.ErrNoRows {
		return math.MinInt64, nil
	}
	return v, err
}

// mergeService walks the new samples of one service (sorted by time) and
// the stored stretch around them in time order, emitting bucket deltas to w.
// Where a new sample becomes the predecessor of a stored counter, that
// counter's old delta is taken back and the new one added.
func (s *Store) mergeService(news, stored []point, floor int64, w *writer, res *Result) {
	var last, lastStored *point
	ni, si := 0, 0
	for ni < len(news) || si < len(stored) {
		if ni < len(news) && si < len(stored) && news[ni].at == stored[si].at ||
			ni > 0 && ni < len(news) && news[ni].at == news[ni-1].at {
			res.Duplicates++
			ni++
			continue
		}
		if si >= len(stored) || ni < len(news) && news[ni].at < stored[si].at {
			x := &news[ni]
			ni++
			if reason := s.checkNew(x, last, stored, si, floor); reason != "" {
				res.Rejected = append(res.Rejected, Rejection{x.idx, reason})
				continue
			}
			if last != nil {
				dd, du := delta(last, x)
				w.add(x.svc, x.at, int64(dd), int64(du))
			}
			w.counter(x)
			res.Accepted++
			last = x
			continue
		}
		x := &stored[si]
		si++
		if last != nil && last.idx >= 0 {
			// A new sample now precedes this stored counter.
			nd, nu := delta(last, x)
			var od, ou uint64
			if lastStored != nil {
				od, ou = delta(lastStored, x)
			}
			w.add(x.svc, x.at, int64(nd)-int64(od), int64(nu)-int64(ou))
		}
		last, lastStored = x, x
	}
}

// checkNew returns why new sample x cannot be accepted after last and
// before the next stored counter, or "".
func (s *Store) checkNew(x, last *point, stored []point, si int, floor int64) string {
	if x.at <= floor {
		return ReasonTooOld
	}
	if last != nil && s.absurd(last, x) {
		return ReasonAbsurd
	}
	if si < len(stored) && s.absurd(x, &stored[si]) {
		return ReasonAbsurd
	}
	return ""
}

// delta is the traffic between counters a and b (a earlier). A counter
// that went backwards was reset, so the new value is all that is known.
func delta(a, b *point) (down, up uint64) {
	down, up = uint64(b.down), uint64(b.up)
	if b.down >= a.down {
		down -= uint64(a.down)
	}
	if b.up >= a.up {
		up -= uint64(a.up)
	}
	return down, up
}

// absurd reports whether the delta from a to b exceeds the sanity cap.
func (s *Store) absurd(a, b *point) bool {
	dt := uint64(b.at - a.at)
	if dt > math.MaxUint64/max(s.maxBytesPerSec, 1) {
		return false
	}
	limit := s.maxBytesPerSec * dt
	d, u := delta(a, b)
	return d > limit || u > limit
}
