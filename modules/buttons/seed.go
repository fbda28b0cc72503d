package buttons

import (
	"context"
	"database/sql"

	"github.com/ispportal/portal/internal/app"
)

// seed adds a speed test link and a "write to us" mail link, unless they exist.
func (m *Module) seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	demo := []Button{
		{ExternalID: "demo-speedtest", LabelEN: "Speed test", LabelCS: "Test rychlosti", URL: "https://speedtest.netwave.example/",
			SortOrder: 1, NewTab: true, Active: true},
		{ExternalID: "demo-write", LabelEN: "Write to us", LabelCS: "Napište nám", URL: "mailto:podpora@netwave.example",
			SortOrder: 2, Active: true},
	}
	for _, b := range demo {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM custom_buttons WHERE external_id = ?`, b.ExternalID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		if _, err := SaveButton(ctx, tx, b, env.Now); err != nil {
			return err
		}
	}
	return nil
}
