package usage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ispportal/portal/internal/app"
)

// seed gives the demo client's VoIP and TV services a month of usage: calls
// with their per-minute rate, SMS, and film rentals. Idempotent by
// external id (DEMO-U-<client>-<n>); without the services module there is nothing
// to attach the records to.
func (m *Module) seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	if m.d.Hooks == nil || m.d.Hooks.ClientServices == nil {
		return nil
	}
	id, ok := env.ClientIDs["1001"]
	if !ok {
		return nil
	}
	services, err := m.d.Hooks.ClientServices(ctx, tx, id)
	if err != nil {
		return err
	}
	w, err := NewWriter(ctx, tx)
	if err != nil {
		return err
	}
	defer w.Close()
	dests := []struct {
		name string
		rate string
		per  int64 // haléř per minute
	}{{"+420 601 234 567 Czech Republic mobile", "0.49", 49}, {"+420 2 2123 4567 Czech Republic fixed", "0.39", 39},
		{"+49 30 1234567 Germany fixed", "1.20", 120}, {"+421 905 123 456 Slovakia mobile", "2.90", 290}}
	start := env.Now.AddDate(0, 0, -30)
	n := 0
	for _, s := range services {
		if s.State == "terminated" {
			continue
		}
		for day := 0; day < 30; day++ {
			at := time.Date(start.Year(), start.Month(), start.Day()+day, 9+day%9, 7*day%60, 0, 0, time.Local)
			var r Record
			switch s.Kind {
			case "voip":
				d := dests[day%len(dests)]
				secs := int64(40 + day*37%600)
				r = Record{Type: "call", Destination: d.name, Quantity: secs, Unit: "s", Rate: d.rate, Cost: (secs*d.per + 59) / 60}
				if day%5 == 4 {
					r = Record{Type: "sms", Destination: "+420 601 234 567", Quantity: 1, Unit: "msg", Rate: "1.50", Cost: 150}
				}
			case "tv":
				if day%7 != 3 {
					continue
				}
				r = Record{Type: "other", Destination: "Video on demand: film rental", Quantity: 1, Unit: "pcs", Rate: "59.00", Cost: 5900}
			default:
				continue
			}
			n++
			r.ExternalID = fmt.Sprintf("DEMO-U-%d-%d-%d", id, s.ID, day)
			r.ClientID, r.ServiceID, r.At, r.Currency = id, s.ID, at, "CZK"
			if err := w.Put(ctx, r); err != nil {
				return err
			}
		}
	}
	return nil
}
