package services

import (
	"context"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// exportClient is the module's part of a client's own-data export: every service
// with its tariff and addresses, and the parameters staff recorded on them.
func exportClient(ctx context.Context, q core.Querier, clientID int64) ([]app.ExportSection, error) {
	return app.ExportQueries(ctx, q, "services", clientID,
		[2]string{"services", `SELECT s.name AS name, s.kind AS kind, t.name AS tariff, s.state AS state,
			s.activated_on AS activated, s.address AS address, s.ip_address AS ip, s.mac_address AS mac
			FROM services s JOIN tariffs t ON t.id = s.tariff_id WHERE s.client_id = ? ORDER BY s.id`},
		[2]string{"params", `SELECT s.name AS service, p.name AS name, p.value AS value
			FROM service_params p JOIN services s ON s.id = p.service_id WHERE s.client_id = ? ORDER BY s.id, p.position`})
}
