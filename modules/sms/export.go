package sms

import (
	"context"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// exportClient is the module's part of a client's own-data export: the SMS sent to
// the client and the contacts they keep.
func exportClient(ctx context.Context, q core.Querier, clientID int64) ([]app.ExportSection, error) {
	return app.ExportQueries(ctx, q, "sms", clientID,
		[2]string{"messages", `SELECT created_at AS created, number, text, status, COALESCE(sent_at, '') AS sent
			FROM sms_queue WHERE client_id = ? ORDER BY id`},
		[2]string{"contacts", `SELECT name, number FROM sms_contacts WHERE client_id = ? ORDER BY name, id`})
}
