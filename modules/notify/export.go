package notify

import (
	"context"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// exportClient is the module's part of a client's own-data export: the choices and
// the notifications sent.
func exportClient(ctx context.Context, q core.Querier, clientID int64) ([]app.ExportSection, error) {
	return app.ExportQueries(ctx, q, "notify", clientID,
		[2]string{"choices", `SELECT topic, channel FROM notify_choices WHERE client_id = ? ORDER BY topic, channel`},
		[2]string{"sent", `SELECT created_at AS created, topic, channel, status, title FROM notify_sent WHERE client_id = ? ORDER BY id`})
}
