package helpdesk

import (
	"context"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// exportClient is the module's part of a client's own-data export: the client's
// tickets and every message of them, staff notes included (they are about the client).
func exportClient(ctx context.Context, q core.Querier, clientID int64) ([]app.ExportSection, error) {
	return app.ExportQueries(ctx, q, "helpdesk", clientID,
		[2]string{"tickets", `SELECT t.id AS ticket, t.subject AS subject, d.name AS department, t.state AS state,
			t.created_at AS created, t.updated_at AS updated
			FROM helpdesk_tickets t JOIN helpdesk_departments d ON d.id = t.department_id WHERE t.client_id = ? ORDER BY t.id`},
		[2]string{"messages", `SELECT i.ticket_id AS ticket, i.created_at AS created, i.type AS type, i.direction AS direction,
			i.author AS author, i.body AS body
			FROM helpdesk_items i JOIN helpdesk_tickets t ON t.id = i.ticket_id WHERE t.client_id = ? ORDER BY i.ticket_id, i.created_at, i.id`})
}
