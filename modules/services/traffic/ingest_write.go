package traffic

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// rowsPerStatement is the number of rows per multi-row statement: more rows mean
// fewer statement executions (database/sql and the driver cost several µs each).
// The placeholders are plain "?": modernc binds numbered ones ($n) by a linear
// search of the statement's parameter names, which made the cost per row grow
// with the statement (50 rows measured fastest then); with "?" it does not.
const rowsPerStatement = 200

// bucketDelta is an amount to add to one bucket (negative when a late
// sample takes traffic back from a later bucket).
type bucketDelta struct {
	svc, bucket int64
	down, up    int64
}

// writer collects the rows of one Ingest call. Callers add in time order
// per service, so equal buckets are adjacent and merged without a map,
// which keeps a million-sample call at a few tens of megabytes.
type writer struct {
	days     dayCache
	counters []point
	fine     []bucketDelta
	hour     []bucketDelta
	day      []bucketDelta
}

func newWriter(loc *time.Location) *writer { return &writer{days: dayCache{loc: loc}} }

func (w *writer) counter(p *point) { w.counters = append(w.counters, *p) }

// add books traffic for the interval ending at unix time at.
func (w *writer) add(svc, at, down, up int64) {
	if down == 0 && up == 0 {
		return
	}
	fine := fineBucketOf(at)
	w.fine = appendDelta(w.fine, bucketDelta{svc, fine, down, up})
	w.hour = appendDelta(w.hour, bucketDelta{svc, hourOf(fine), down, up})
	w.day = appendDelta(w.day, bucketDelta{svc, w.days.of(fine), down, up})
}

func appendDelta(list []bucketDelta, d bucketDelta) []bucketDelta {
	if n := len(list); n > 0 && list[n-1].svc == d.svc && list[n-1].bucket == d.bucket {
		list[n-1].down += d.down
		list[n-1].up += d.up
		return list
	}
	return append(list, d)
}

func (w *writer) flush(ctx context.Context, tx *sql.Tx) error {
	err := execBulk(ctx, tx, sqlInsertCounters, len(w.counters), func(i int) [4]any {
		c := &w.counters[i]
		return [4]any{c.svc, c.at, c.down, c.up}
	})
	if err != nil {
		return err
	}
	for _, t := range []struct {
		table string
		rows  []bucketDelta
	}{{"traffic_5m", w.fine}, {"traffic_hour", w.hour}, {"traffic_day", w.day}} {
		rows := t.rows
		err := execBulk(ctx, tx, sqlUpsertBuckets(t.table), len(rows), func(i int) [4]any {
			r := &rows[i]
			return [4]any{r.svc, r.bucket, r.down, r.up}
		})
		if err != nil {
			return err
		}
	}
	return bumpRevision(ctx, tx)
}

// The counter insert ignores conflicts only as a safety net: duplicates are
// already filtered in memory against the stored counters.
const sqlInsertCounters = `INSERT INTO traffic_counters (service_id, at, down, up) VALUES %s
ON CONFLICT (service_id, at) DO NOTHING`

func sqlUpsertBuckets(table string) string {
	return `INSERT INTO ` + table + ` (service_id, bucket, down, up) VALUES %s
ON CONFLICT (service_id, bucket) DO UPDATE SET down = ` + table + `.down + excluded.down, up = ` + table + `.up + excluded.up`
}

// execBulk runs tmpl (with %s for the VALUES list) over n rows of four
// columns, rowsPerStatement rows per execution, with one prepared statement per
// row count.
func execBulk(ctx context.Context, tx *sql.Tx, tmpl string, n int, row func(i int) [4]any) error {
	if n == 0 {
		return nil
	}
	stmts := newChunkStmts(tx, tmpl, "(?, ?, ?, ?)")
	defer stmts.close()
	args := make([]any, 0, 4*rowsPerStatement)
	for start := 0; start < n; start += rowsPerStatement {
		end := min(start+rowsPerStatement, n)
		args = args[:0]
		for i := start; i < end; i++ {
			r := row(i)
			args = append(args, r[:]...)
		}
		st, err := stmts.get(ctx, end-start)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

// chunkStmts prepares tmpl with its %s replaced by rows copies of tuple, once per
// row count, within one transaction (a call has at most two counts: full chunks
// and the rest).
type chunkStmts struct {
	tx    *sql.Tx
	tmpl  string
	tuple string
	byN   map[int]*sql.Stmt
}

func newChunkStmts(tx *sql.Tx, tmpl, tuple string) *chunkStmts {
	return &chunkStmts{tx: tx, tmpl: tmpl, tuple: tuple, byN: map[int]*sql.Stmt{}}
}

func (c *chunkStmts) get(ctx context.Context, rows int) (*sql.Stmt, error) {
	if st := c.byN[rows]; st != nil {
		return st, nil
	}
	values := strings.TrimSuffix(strings.Repeat(c.tuple+",", rows), ",")
	st, err := c.tx.PrepareContext(ctx, strings.Replace(c.tmpl, "%s", values, 1))
	if err != nil {
		return nil, err
	}
	c.byN[rows] = st
	return st, nil
}

func (c *chunkStmts) close() {
	for _, st := range c.byN {
		st.Close()
	}
}
