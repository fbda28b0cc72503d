package signup

import (
	"context"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// exportClient is the module's part of a client's own-data export: the sign-up that
// created the account (when, from which address and browser, its state). No password
// hash and no token is exported.
func exportClient(ctx context.Context, q core.Querier, clientID int64) ([]app.ExportSection, error) {
	return app.ExportQueries(ctx, q, "signup", clientID,
		[2]string{"signup", `SELECT created_at AS sent, verified_at AS confirmed, email, username, currency, ip,
			user_agent, state, reason FROM signups WHERE client_id = ? ORDER BY id`})
}
