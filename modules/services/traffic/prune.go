package traffic

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Prune deletes rows that have outlived their retention as of now:
// 5-minute buckets and raw counters older than fineRetention (default
// DefaultFineRetention when ≤ 0), hourly rollups older than
// Config.HourRetention and, if Config.DayRetention is set, daily rollups.
// It returns the number of rows deleted.
//
// For each service the newest raw counter before the cutoff is kept, so the
// next sample still has a predecessor to take its delta from. The cutoff is
// also remembered: later samples older than it are rejected by Ingest,
// because the counters around them are gone.
func (s *Store) Prune(ctx context.Context, now time.Time, fineRetention time.Duration) (int64, error) {
	if fineRetention <= 0 {
		fineRetention = DefaultFineRetention
	}
	cutoff := floorDiv(now.Add(-fineRetention).Unix(), fineStep)
	hourCutoff := floorDiv(now.Add(-s.hourRetention).Unix(), hourStep)
	stmts := []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM traffic_5m WHERE bucket < $1`, []any{cutoff}},
		{`DELETE FROM traffic_counters WHERE at < $1 AND at < (
			SELECT MAX(c.at) FROM traffic_counters c
			WHERE c.service_id = traffic_counters.service_id AND c.at < $1)`, []any{cutoff}},
		{`DELETE FROM traffic_hour WHERE bucket < $1`, []any{hourCutoff}},
	}
	if s.dayRetention > 0 {
		dayCutoff := localMidnight(now.Add(-s.dayRetention).Unix(), s.loc)
		stmts = append(stmts, struct {
			sql  string
			args []any
		}{`DELETE FROM traffic_day WHERE bucket < $1`, []any{dayCutoff}})
	}
	var total int64
	err := s.d.Tx(ctx, func(tx *sql.Tx) error {
		for _, st := range stmts {
			r, err := tx.ExecContext(ctx, st.sql, st.args...)
			if err != nil {
				return err
			}
			n, _ := r.RowsAffected()
			total += n
		}
		if err := bumpRevision(ctx, tx); err != nil {
			return err
		}
		// The floor only moves forward: a longer retention passed later
		// cannot bring deleted counters back.
		_, err := tx.ExecContext(ctx, `INSERT INTO traffic_meta (name, value) VALUES ('counter_floor', $1)
ON CONFLICT (name) DO UPDATE SET value = CASE WHEN excluded.value > traffic_meta.value
	THEN excluded.value ELSE traffic_meta.value END`, cutoff)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("traffic.Prune: %w", err)
	}
	return total, nil
}

// DeleteService removes all traffic data of a service inside the caller's
// transaction. The services package calls it when it deletes a service,
// since this package keeps no foreign key to a table it does not own.
func DeleteService(ctx context.Context, tx *sql.Tx, serviceID int64) error {
	for _, q := range []string{
		`DELETE FROM traffic_counters WHERE service_id = $1`,
		`DELETE FROM traffic_5m WHERE service_id = $1`,
		`DELETE FROM traffic_hour WHERE service_id = $1`,
		`DELETE FROM traffic_day WHERE service_id = $1`,
	} {
		if _, err := tx.ExecContext(ctx, q, serviceID); err != nil {
			return fmt.Errorf("traffic.DeleteService: %w", err)
		}
	}
	if err := bumpRevision(ctx, tx); err != nil {
		return fmt.Errorf("traffic.DeleteService: %w", err)
	}
	return nil
}
