package auth

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/settings"
)

// minGenerated is the shortest generated one-time password: 12 characters from a
// 56-character alphabet are about 70 bits, plenty for a password that works once and
// expires.
const minGenerated = 12

// GenerateOneTimePassword sets a random one-time password for a client and returns it,
// to be shown to staff once and never stored in clear.
// actor and ip (the staff member's address, "" for the CLI) go to the audit log.
func GenerateOneTimePassword(ctx context.Context, d app.Deps, clientID int64, actor, ip string) (string, error) {
	n := max(settings.PasswordMinLength.Get(d.Settings), minGenerated)
	pw := password.Generate(n)
	for password.IsCommon(pw) { // practically never; keeps the policy true for every OTP
		pw = password.Generate(n)
	}
	return pw, setOTP(ctx, d, clientID, pw, actor, ip, "generated")
}

// SetOneTimePassword sets a one-time password typed by staff (e.g. agreed on the
// phone). It must meet the policy like any password. Note: ASVS 5.0 6.4.6 (level 3)
// says administrators should not choose users' passwords; the seed requires it, and the
// password works for one login only, within ci_one_time_password_hours.
func SetOneTimePassword(ctx context.Context, d app.Deps, clientID int64, pw, actor, ip string) error {
	c, err := core.ClientByID(ctx, d.DB.R, clientID)
	if err != nil {
		return err
	}
	min := settings.PasswordMinLength.Get(d.Settings)
	if err := password.Check(pw, min, c.Number, c.Username, c.Email); err != nil {
		return PolicyError(err, min)
	}
	return setOTP(ctx, d, clientID, pw, actor, ip, "typed by staff")
}

// PolicyError turns a policy error into a message for staff.
func PolicyError(err error, min int) error {
	switch policyKey(err) {
	case "auth.error.too_short":
		return fmt.Errorf("the password must have at least %d characters", min)
	case "auth.error.too_long":
		return fmt.Errorf("the password must have at most %d bytes", password.MaxBytes)
	case "auth.error.common":
		return fmt.Errorf("the password is too easy to guess (a common password, or common words, names, dates or keyboard patterns); choose another")
	case "auth.error.personal":
		return fmt.Errorf("the password must not be the client's number, username or e-mail address")
	}
	return fmt.Errorf("the password must be valid text without control characters")
}

// setOTP stores a one-time password. A deactivated client gets none (ErrInactive): it
// could not log in with it.
func setOTP(ctx context.Context, d app.Deps, clientID int64, pw, actor, ip, how string) error {
	c, err := core.ClientByID(ctx, d.DB.R, clientID)
	if err != nil {
		return err
	}
	if !c.Active {
		return ErrInactive
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	now := d.Now()
	exp := now.Add(time.Duration(settings.OneTimePasswordHours.Get(d.Settings)) * time.Hour)
	return d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := SavePassword(ctx, tx, c.ID, hash, true, exp, now); err != nil {
			return err
		}
		if err := PasswordChanged(ctx, tx, c.ID, "", now); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "password.otp", ClientID: c.ID, IP: ip,
			Detail: how + ", valid until " + core.Now(exp)})
	})
}
