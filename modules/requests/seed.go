package requests

import (
	"context"
	"database/sql"
	"time"

	"github.com/ispportal/portal/internal/app"
)

// seed gives the demo client two past requests in different states.
func (m *Module) seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	demo := env.ClientIDs[app.DemoClientNumber]
	if demo == 0 {
		return nil
	}
	reqs := []struct {
		r     Request
		age   time.Duration
		reply string
	}{
		{Request{ExternalID: "demo-req-1", ClientID: demo, Category: "technical", State: StateDone, Subject: "Slow Wi-Fi in the evening",
			Body: "Since Monday the connection drops to a few Mbit/s every evening.\nThe router has been restarted."}, 20 * 24 * time.Hour,
			"We moved your router to a less busy Wi-Fi channel; please tell us if the evenings are still slow."},
		{Request{ExternalID: "demo-req-2", ClientID: demo, Category: "service_change", State: StateInProgress, Subject: "Move to a faster tariff",
			Body: "I would like to switch to the 500 Mbit/s tariff from next month."}, 2 * 24 * time.Hour, ""},
	}
	for _, x := range reqs {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM support_requests WHERE external_id = ?`, x.r.ExternalID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		at := env.Now.Add(-x.age)
		id, err := SaveRequest(ctx, tx, x.r, at)
		if err != nil {
			return err
		}
		if err := assignNew(ctx, tx, id, "", at); err != nil {
			return err
		}
		if x.reply != "" {
			if err := addEvent(ctx, tx, id, at.Add(time.Hour), "Support", EventReply, x.reply); err != nil {
				return err
			}
		}
	}
	return nil
}
