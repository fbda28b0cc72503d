package traffic

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
)

// rowsPerStatement is the number of rows per multi-row statement. More rows
// mean fewer statement executions, but modernc binds each numbered
// placeholder ($n) by a linear search of the statement's parameter names,
// so the cost per row grows with the statement; 50 rows (200 parameters)
// measured fastest: 1M samples in ~5 s, against ~7 s at 100 and ~13 s at
// 200. Plain "?" would avoid that search but is not valid PostgreSQL.
const rowsPerStatement = 50

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
// columns, rowsPerStatement rows per execution, reusing one prepared
// statement for all full chunks.
func execBulk(ctx context.Context, tx *sql.Tx, tmpl string, n int, row func(i int) [4]any) error {
	if n == 0 {
		return nil
	}
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	args := make([]any, 0, 4*rowsPerStatement)
	for start := 0; start < n; start += rowsPerStatement {
		end := min(start+rowsPerStatement, n)
		args = args[:0]
		for i := start; i < end; i++ {
			r := row(i)
			args = append(args, r[:]...)
		}
		var err error
		if end-start == rowsPerStatement {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, valuesSQL(tmpl, rowsPerStatement)); err != nil {
					return err
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, valuesSQL(tmpl, end-start), args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// valuesSQL fills tmpl with rows placeholder tuples ($1, $2, $3, $4), ...
// Numbered placeholders work in both SQLite and PostgreSQL.
func valuesSQL(tmpl string, rows int) string {
	var b strings.Builder
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteString(",")
		}
		b.WriteString("(")
		for c := 1; c <= 4; c++ {
			if c > 1 {
				b.WriteString(",")
			}
			b.WriteString("$")
			b.WriteString(strconv.Itoa(r*4 + c))
		}
		b.WriteString(")")
	}
	return strings.Replace(tmpl, "%s", b.String(), 1)
}
