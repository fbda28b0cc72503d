package sms

import (
	"context"
	"database/sql"
	"errors"

	"github.com/ispportal/portal/internal/app"
)

// warnings answer the console home's question (app.Hooks.Warnings): SMS are switched
// on but no transport is configured, or the newest SMS the worker tried failed.
func (m *Module) warnings(ctx context.Context) []app.Warning {
	kind, _, _, err := transportConfig(m.d.Settings)
	if kind == "" {
		return nil
	}
	var out []app.Warning
	if err != nil {
		out = append(out, app.Warning{Key: "sms.staff.warn_not_configured", Arg: clip(err.Error())})
	}
	failed, err := lastAttemptFailed(ctx, m.d.DB.R)
	if err != nil {
		m.d.Log.Error("sms.Module.warnings", "err", err)
	}
	if failed {
		out = append(out, app.Warning{Key: "sms.staff.warn_failing"})
	}
	return out
}

// lastAttemptFailed reports whether the newest SMS the worker tried to send failed.
func lastAttemptFailed(ctx context.Context, r *sql.DB) (bool, error) {
	var status string
	err := r.QueryRowContext(ctx, `SELECT status FROM sms_queue WHERE status = 'sent' OR last_error <> ''
		ORDER BY id DESC LIMIT 1`).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil && status != "sent", err
}
