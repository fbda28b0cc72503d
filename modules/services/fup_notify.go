package services

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// fupEvery is how often the worker compares active services' traffic with their
// tariff's FUP limit and reports 80 % and 100 % to notify (Hooks.Notify).
var fupEvery = 10 * time.Minute

// ScanFUP reports every active service that used 80 % or all of its FUP limit in the
// current period to notify, once per service, threshold and period (notify's unique
// key), and returns how many events it reported. Nothing when notify is not mounted.
func (m *Module) ScanFUP(ctx context.Context) (int, error) {
	h := m.d.Hooks
	if h == nil || h.Notify == nil {
		return 0, nil
	}
	svcs, err := core.List(ctx, m.d.DB.R, scanRow, `SELECT `+serviceCols+serviceFrom+
		`WHERE s.state = 'active' AND t.fup_limit_bytes > 0 ORDER BY s.id`)
	if err != nil {
		return 0, err
	}
	st, now := TrafficStore(m.d), m.d.Now()
	n := 0
	for _, s := range svcs {
		f, ok, err := FUP(ctx, st, s, now)
		if err != nil || !ok || f.Percent < 80 {
			if err != nil {
				return n, err
			}
			continue
		}
		topics := []string{"fup80"}
		if f.Over {
			topics = append(topics, "fup100")
		}
		err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
			for _, topic := range topics {
				if _, err := h.Notify(ctx, tx, app.Event{ClientID: s.ClientID, Topic: topic,
					Key: fmt.Sprintf("service:%d:%s", s.ID, f.From.Format(time.DateOnly)),
					Vars: map[string]string{"SERVICE": s.Name, "LIMIT": s.Tariff.FUPGB() + " GB",
						"UNTIL": f.To.Add(-time.Second).Format(time.DateOnly), "PATH": fmt.Sprintf("services/%d/traffic", s.ID)}}); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func scanRow(r core.Row) (Service, error) { return scanService(r) }

// fupWorker runs ScanFUP every fupEvery until ctx is done.
func (m *Module) fupWorker(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(fupEvery):
		}
		if _, err := m.ScanFUP(ctx); err != nil && ctx.Err() == nil {
			m.d.Log.Error("services.fupWorker", "err", err)
		}
	}
}
