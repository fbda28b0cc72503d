package auth

import (
	"context"
	"database/sql"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/lockout"
)

// LockState returns a client's failed-login counter (for staff).
func LockState(ctx context.Context, d app.Deps, clientID int64) (lockout.State, error) {
	return lockout.Get(ctx, d.DB.R, lockout.KindClient, lockout.Account(clientID), d.Now())
}

// Unlock clears a client's lockout and failure count, and audits it with the actor
// and their address (ip, "" for the CLI).
func Unlock(ctx context.Context, d app.Deps, clientID int64, actor, ip string) error {
	return d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := lockout.Clear(ctx, tx, lockout.KindClient, lockout.Account(clientID)); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: d.Now(), Actor: actor, Action: "client.unlock", ClientID: clientID, IP: ip})
	})
}
