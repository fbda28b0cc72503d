package auth

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/internal/web"
)

// Credential is a client's stored password.
type Credential struct {
	ClientID     int64
	Hash         string
	MustChange   bool // a one-time password from staff
	OTPExpiresAt time.Time
	OTPUsedAt    time.Time
	ChangedAt    time.Time
}

// usableOTP reports whether a one-time password may still log in at now.
func (c Credential) usableOTP(now time.Time) bool {
	return c.MustChange && c.OTPUsedAt.IsZero() && now.Before(c.OTPExpiresAt)
}

func credentialFor(ctx context.Context, q core.Querier, clientID int64) (Credential, error) {
	var c Credential
	var exp, used sql.NullString
	var changed string
	err := q.QueryRowContext(ctx, `SELECT client_id, password_hash, must_change, otp_expires_at, otp_used_at, changed_at
		FROM client_credentials WHERE client_id = ?`, clientID).Scan(&c.ClientID, &c.Hash, &c.MustChange, &exp, &used, &changed)
	if errors.Is(err, sql.ErrNoRows) {
		return c, core.ErrNotFound
	}
	if exp.Valid {
		c.OTPExpiresAt = core.ParseTime(exp.String)
	}
	if used.Valid {
		c.OTPUsedAt = core.ParseTime(used.String)
	}
	c.ChangedAt = core.ParseTime(changed)
	return c, err
}

// HasPassword reports whether a client has a portal password (for the staff console).
func HasPassword(ctx context.Context, q core.Querier, clientID int64) (bool, error) {
	_, err := credentialFor(ctx, q, clientID)
	if errors.Is(err, core.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// SavePassword stores a password hash for a client, replacing the old one. A one-time
// password (mustChange) expires at otpExpires. It does not kill tokens or sessions:
// callers use PasswordChanged for that in the same transaction.
func SavePassword(ctx context.Context, tx *sql.Tx, clientID int64, hash string, mustChange bool, otpExpires, now time.Time) error {
	var exp any
	if mustChange {
		exp = core.Now(otpExpires)
	}
	res, err := tx.ExecContext(ctx, `UPDATE client_credentials SET password_hash = ?, must_change = ?, otp_expires_at = ?,
		otp_used_at = NULL, changed_at = ? WHERE client_id = ?`, hash, mustChange, exp, core.Now(now), clientID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO client_credentials (client_id, password_hash, must_change, otp_expires_at, changed_at)
		VALUES (?, ?, ?, ?, ?)`, clientID, hash, mustChange, exp, core.Now(now))
	return err
}

// PasswordChanged does what every password change must (self-service, link, staff
// one-time password): kill every outstanding link of the client, end their sessions
// except keep (a session id hash, or "" for all), and clear their lockout.
func PasswordChanged(ctx context.Context, tx *sql.Tx, clientID int64, keep string, now time.Time) error {
	if err := web.EndClientSessions(ctx, tx, clientID, keep); err != nil {
		return err
	}
	return keepingSessions(ctx, tx, clientID, "", now)
}

// keepingSessions is PasswordChanged for the one change that may leave
// the other sessions alone: the client's own change with "log out everywhere else"
// unticked. Links die and the lockout clears all the same.
func keepingSessions(ctx context.Context, tx *sql.Tx, clientID int64, _ string, now time.Time) error {
	if err := KillTokens(ctx, tx, clientID, now); err != nil {
		return err
	}
	return lockout.Clear(ctx, tx, lockout.KindClient, lockout.Account(clientID))
}

// markOTPUsed spends a one-time password at its login. Only one of several parallel
// logins with it can win (rows affected).
func markOTPUsed(ctx context.Context, tx *sql.Tx, clientID int64, now time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE client_credentials SET otp_used_at = ?
		WHERE client_id = ? AND must_change = 1 AND otp_used_at IS NULL AND otp_expires_at > ?`, core.Now(now), clientID, core.Now(now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func updateHash(ctx context.Context, tx *sql.Tx, clientID int64, old, hash string) error {
	// Only if nobody changed the password meanwhile.
	_, err := tx.ExecContext(ctx, `UPDATE client_credentials SET password_hash = ? WHERE client_id = ? AND password_hash = ?`, hash, clientID, old)
	return err
}

// Token purposes.
const (
	tokenReset = "reset" // asked for by the client
	tokenStaff = "staff" // sent by staff
)

// KillTokens marks every outstanding link of a client as used.
func KillTokens(ctx context.Context, tx *sql.Tx, clientID int64, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE password_tokens SET used_at = ? WHERE client_id = ? AND used_at IS NULL`,
		core.Now(now), clientID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM password_reset_states WHERE token_hash IN
		(SELECT token_hash FROM password_tokens WHERE client_id = ?)`, clientID)
	return err
}

// insertToken stores a new link for a client after killing the older ones, and
// returns the raw token (for the mail only).
func insertToken(ctx context.Context, tx *sql.Tx, clientID int64, purpose string, ttl time.Duration, now time.Time) (string, error) {
	if err := KillTokens(ctx, tx, clientID, now); err != nil {
		return "", err
	}
	tok := web.NewToken()
	_, err := tx.ExecContext(ctx, `INSERT INTO password_tokens (token_hash, client_id, purpose, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`, web.HashToken(tok), clientID, purpose, core.Now(now), core.Now(now.Add(ttl)))
	// Keep the table small: links dead for a week are of no use even to an audit.
	if err == nil {
		_, err = tx.ExecContext(ctx, `DELETE FROM password_tokens WHERE expires_at < ?`, core.Now(now.Add(-7*24*time.Hour)))
	}
	return tok, err
}

// liveToken is a usable link.
type liveToken struct {
	Hash      string
	ClientID  int64
	ExpiresAt time.Time
}

// tokenByHash returns the link with this hash if it is unused and unexpired at now.
func tokenByHash(ctx context.Context, q core.Querier, hash string, now time.Time) (liveToken, bool) {
	var t liveToken
	var exp string
	err := q.QueryRowContext(ctx, `SELECT token_hash, client_id, expires_at FROM password_tokens
		WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`, hash, core.Now(now)).Scan(&t.Hash, &t.ClientID, &exp)
	if err != nil {
		return t, false
	}
	t.ExpiresAt = core.ParseTime(exp)
	return t, true
}

// useToken spends a link: exactly one caller can succeed, however many race.
func useToken(ctx context.Context, tx *sql.Tx, hash string, now time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE password_tokens SET used_at = ?
		WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`, core.Now(now), hash, core.Now(now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// tokenByState returns the live link behind an opened-link state key.
func tokenByState(ctx context.Context, q core.Querier, stateHash string, now time.Time) (liveToken, bool) {
	var th, exp string
	err := q.QueryRowContext(ctx, `SELECT token_hash, expires_at FROM password_reset_states WHERE state_hash = ?`, stateHash).Scan(&th, &exp)
	if err != nil || !now.Before(core.ParseTime(exp)) {
		return liveToken{}, false
	}
	return tokenByHash(ctx, q, th, now)
}
