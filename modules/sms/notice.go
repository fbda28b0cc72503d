package sms

import (
	"context"
	"database/sql"

	"github.com/ispportal/portal/internal/core"
	smslib "github.com/ispportal/portal/internal/sms"
	"github.com/ispportal/portal/settings"
)

// queueNotice is app.Hooks.SMS: a notification to a client (notify) queued like the
// client's own messages but outside the monthly allowance. core.ErrNotFound when no
// transport is configured (ci_sms_enable, the client's Send SMS tab, does not matter);
// a number that is not one is a *core.FieldError.
func (m *Module) queueNotice(ctx context.Context, tx *sql.Tx, clientID int64, number, text string) (int64, error) {
	if kind, _, _, err := transportConfig(m.d.Settings); kind == "" || err != nil {
		return 0, core.ErrNotFound
	}
	e164, err := smslib.NormalizeNumber(number, settings.SMSDefaultCountry.Get(m.d.Settings))
	if err != nil {
		return 0, &core.FieldError{Field: "mobile", Err: err}
	}
	return EnqueueSMS(ctx, tx, clientID, e164, text, 0, m.d.Now())
}
