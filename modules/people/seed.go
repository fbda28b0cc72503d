package people

import (
	"context"
	"database/sql"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/web"
)

// Demo people of the demo client: an accountant (billing) and a technician, both with
// the demo password (below the policy on purpose, like the holder's).
const (
	DemoAccountant = "demo-ucetni"
	DemoTechnician = "demo-technik"
)

// seed adds the demo client's accountant and technician unless they exist.
func (m *Module) seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	id, ok := env.ClientIDs[app.DemoClientNumber]
	if !ok {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM people WHERE login IN (?, ?)`, DemoAccountant, DemoTechnician).Scan(&n); err != nil || n > 0 {
		return err // seeded before (argon2id is not worth spending again)
	}
	hash, err := password.Hash(app.DemoClientPassword)
	if err != nil {
		return err
	}
	for _, p := range []struct{ login, email, role string }{
		{DemoAccountant, "ucetni@example.cz", web.RoleBilling},
		{DemoTechnician, "technik@example.cz", web.RoleTechnical},
	} {
		if _, err := tx.ExecContext(ctx, `INSERT INTO people (client_id, email, login, password_hash, role, invited_by, created_at, accepted_at)
			SELECT ?, ?, ?, ?, ?, 'demo', ?, ? WHERE NOT EXISTS (SELECT 1 FROM people WHERE login = ?)`,
			id, p.email, p.login, hash, p.role, core.Now(env.Now), core.Now(env.Now), p.login); err != nil {
			return err
		}
	}
	return nil
}

// exportClient is the people part of a client's own-data export.
func exportClient(ctx context.Context, q core.Querier, clientID int64) ([]app.ExportSection, error) {
	return app.ExportQueries(ctx, q, "people", clientID, [2]string{"people", `SELECT id, email AS "e-mail",
		COALESCE(login, '') AS login, role, active, created_at, COALESCE(accepted_at, '') AS accepted_at,
		COALESCE(last_login, '') AS last_login FROM people WHERE client_id = ? ORDER BY id`})
}
