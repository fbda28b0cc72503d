package admin

import (
	"context"
	"database/sql"
	"errors"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/factor"
	"github.com/ispportal/portal/internal/password"
)

// demoStaff are the demo console accounts beside the administrator that the app seeds
// (admin / admin1234); their passwords are in docs/modules/admin.md only.
// "twofactor" has the demo second factor (factor.DemoTOTPSecret and its recovery
// codes), to try the console's login step.
var demoStaff = []struct {
	login, name, role, pw string
	factor                bool
}{
	{"support", "Demo Support", core.RoleSupport, "support1234", false},
	{"readonly", "Demo Read-only", core.RoleReadOnly, "readonly1234", false},
	{"twofactor", "Demo Two-Factor", core.RoleSupport, "twofactor1234", true},
}

// demoNote is the staff note on demo client 1001's card.
const demoNote = "Prefers calls after 4 pm; the router is in the cellar. / Volat po 16. hodině, router je ve sklepě."

// seed adds the demo support and read-only accounts unless they exist (their demo
// passwords are below the staff policy on purpose, easy to type, and so bypass it) and
// a staff note on client 1001.
func seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	if id, ok := env.ClientIDs["1001"]; ok {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM client_notes WHERE client_id = ?`, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO client_notes (client_id, author, body, created_at) VALUES (?, 'staff:support', ?, ?)`,
				id, demoNote, core.Now(env.Now)); err != nil {
				return err
			}
		}
	}
	for _, s := range demoStaff {
		_, err := core.StaffByLogin(ctx, tx, s.login)
		if err == nil {
			continue
		}
		if !errors.Is(err, core.ErrNotFound) {
			return err
		}
		h, err := password.Hash(s.pw)
		if err != nil {
			return err
		}
		id, err := core.SaveStaff(ctx, tx, core.Staff{Login: s.login, Name: s.name, Email: s.login + "@netwave.example",
			Role: s.role, PasswordHash: h, Active: true}, core.Now(env.Now))
		if err != nil {
			return err
		}
		if s.factor {
			if err := factor.SeedDemo(ctx, tx, factor.Key{Kind: factor.KindStaff, ID: id}, env.Now); err != nil {
				return err
			}
		}
	}
	return nil
}
