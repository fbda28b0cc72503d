package services

import (
	"context"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/settings"
)

// pruneEvery is how often the worker prunes fine traffic data; pruneFirst is the
// wait after start, which lets the server come up before a possibly long delete.
var (
	pruneEvery = 24 * time.Hour
	pruneFirst = time.Minute
)

// PruneTraffic deletes 5-minute traffic and raw counters older than
// traffic_fine_retention_days (hourly and daily totals stay) and returns the rows
// deleted.
func PruneTraffic(ctx context.Context, d app.Deps) (int64, error) {
	days := settings.TrafficRetentionDays.Get(d.Settings)
	return TrafficStore(d).Prune(ctx, d.Now(), time.Duration(days)*24*time.Hour)
}

// pruneWorker prunes shortly after start and then daily, until ctx is done.
// It also starts the FUP scan for notifications (fupWorker).
func (m *Module) pruneWorker(ctx context.Context) {
	go m.fupWorker(ctx)
	wait := pruneFirst
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = pruneEvery
		if err := m.d.Settings.Sync(ctx); err != nil {
			m.d.Log.Warn("services.pruneWorker: settings sync", "err", err)
		}
		n, err := PruneTraffic(ctx, m.d)
		if err != nil {
			if ctx.Err() == nil {
				m.d.Log.Error("services.pruneWorker", "err", err)
			}
			continue
		}
		m.d.Log.Info("services.pruneWorker: pruned traffic", "rows", n)
	}
}
