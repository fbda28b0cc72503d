package auth

import (
	"context"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// exportClient is the module's part of a client's own-data export: the login
// history (logins, failures, logouts, password and session events from the audit
// log), the devices known to the account and the live sessions. No password hash and
// no token is exported.
func exportClient(ctx context.Context, q core.Querier, clientID int64) ([]app.ExportSection, error) {
	return app.ExportQueries(ctx, q, "auth", clientID,
		[2]string{"logins", `SELECT at, action, ip FROM audit_log WHERE client_id = ?
			AND (action LIKE 'login.%' OR action = 'logout' OR action LIKE 'password.%' OR action LIKE 'session.%')
			ORDER BY id`},
		[2]string{"devices", `SELECT device, first_seen, last_seen FROM known_devices WHERE client_id = ? ORDER BY first_seen`},
		[2]string{"sessions", `SELECT created_at AS created, last_seen, ip, user_agent FROM sessions
			WHERE client_id = ? AND kind = 'client' AND view_as = 0 ORDER BY created_at`})
}
