package admin

import (
	"context"
	"database/sql"
	"errors"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/password"
)

// demoStaff are the demo console accounts beside the administrator that the app seeds
// (admin / admin1234); their passwords are in docs/modules/admin.md only.
var demoStaff = []struct{ login, name, role, pw string }{
	{"support", "Demo Support", core.RoleSupport, "support1234"},
	{"readonly", "Demo Read-only", core.RoleReadOnly, "readonly1234"},
}

// seed adds the demo support and read-only accounts unless they exist. Their demo
// passwords are below the staff policy on purpose (easy to type) and so bypass it.
func seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
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
		if _, err := core.SaveStaff(ctx, tx, core.Staff{Login: s.login, Name: s.name, Email: s.login + "@netwave.example",
			Role: s.role, PasswordHash: h, Active: true}, core.Now(env.Now)); err != nil {
			return err
		}
	}
	return nil
}
