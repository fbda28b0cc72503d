package factor

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	qrcode "github.com/skip2/go-qrcode"
)

// TOTP parameters: what every authenticator app understands.
const (
	Period = 30 // seconds per step
	Digits = 6
	// Skew is how many steps before and after the current one a code is accepted
	// (clock drift of the phone, time to type).
	Skew = 1
)

// Enrolment is what the enrolment page shows, once.
type Enrolment struct {
	Secret string // base32, for typing into an app by hand
	URI    string // otpauth:// URI
	QR     string // data: URI of a PNG of the URI
}

// BeginTOTP creates a new unconfirmed TOTP secret for k (replacing an earlier
// unconfirmed one). issuer and account name it in the authenticator app.
// ErrEnrolled when k already has a confirmed TOTP.
func BeginTOTP(ctx context.Context, tx *sql.Tx, k Key, issuer, account string, now time.Time) (Enrolment, error) {
	var confirmed sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT confirmed_at FROM factor_totp WHERE kind = ? AND account_id = ?`, k.Kind, k.ID).Scan(&confirmed)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Enrolment{}, err
	}
	if confirmed.Valid {
		return Enrolment{}, ErrEnrolled
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: Period, Digits: otp.DigitsSix,
		SecretSize: 20, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return Enrolment{}, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO factor_totp (kind, account_id, secret, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (kind, account_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at, last_step = 0`,
		k.Kind, k.ID, key.Secret(), core.Now(now)); err != nil {
		return Enrolment{}, err
	}
	return EnrolmentOf(key.Secret(), issuer, account)
}

// PendingSecret returns k's unconfirmed secret, for showing the enrolment page again
// after a wrong confirming code; ErrNoEnrol when there is none.
func PendingSecret(ctx context.Context, q Querier, k Key) (string, error) {
	var secret string
	err := q.QueryRowContext(ctx, `SELECT secret FROM factor_totp WHERE kind = ? AND account_id = ? AND confirmed_at IS NULL`,
		k.Kind, k.ID).Scan(&secret)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNoEnrol
	}
	return secret, err
}

// EnrolmentOf builds the enrolment page's data for a secret: the otpauth URI
// (Key URI Format) and its QR code.
func EnrolmentOf(secret, issuer, account string) (Enrolment, error) {
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", issuer)
	v.Set("algorithm", "SHA1")
	v.Set("digits", "6")
	v.Set("period", "30")
	uri := "otpauth://totp/" + url.PathEscape(issuer+":"+account) + "?" + v.Encode()
	png, err := qrcode.Encode(uri, qrcode.Medium, 256)
	if err != nil {
		return Enrolment{}, err
	}
	return Enrolment{Secret: secret, URI: uri, QR: "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)}, nil
}

// ConfirmTOTP finishes an enrolment with a code from the new secret: ErrNoEnrol when
// none is in progress, ErrBadCode for a wrong code. The accepted step is recorded, so
// the confirming code cannot log in again.
func ConfirmTOTP(ctx context.Context, tx *sql.Tx, k Key, code string, now time.Time) error {
	secret, err := PendingSecret(ctx, tx, k)
	if err != nil {
		return err
	}
	step, ok := matchStep(secret, code, now, 0)
	if !ok {
		return ErrBadCode
	}
	_, err = tx.ExecContext(ctx, `UPDATE factor_totp SET confirmed_at = ?, last_step = ? WHERE kind = ? AND account_id = ? AND confirmed_at IS NULL`,
		core.Now(now), step, k.Kind, k.ID)
	return err
}

// CheckTOTP reports whether code is a right, unused code of k's confirmed TOTP at
// now, and if so spends its step (and every earlier one) in tx. A code of a step at or
// before the last accepted one is refused: no replay, and two parallel requests with
// one code succeed once.
func CheckTOTP(ctx context.Context, tx *sql.Tx, k Key, code string, now time.Time) (bool, error) {
	var secret string
	var last int64
	err := tx.QueryRowContext(ctx, `SELECT secret, last_step FROM factor_totp WHERE kind = ? AND account_id = ? AND confirmed_at IS NOT NULL`,
		k.Kind, k.ID).Scan(&secret, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	step, ok := matchStep(secret, code, now, last)
	if !ok {
		return false, nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE factor_totp SET last_step = ? WHERE kind = ? AND account_id = ? AND last_step < ?`,
		step, k.Kind, k.ID, step)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// matchStep finds the step within Skew of now whose code is code and which is later
// than after.
func matchStep(secret, code string, now time.Time, after int64) (int64, bool) {
	code = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, code)
	if len(code) != Digits {
		return 0, false
	}
	cur := now.Unix() / Period
	for s := cur - Skew; s <= cur+Skew; s++ {
		if s <= after {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*Period, 0), totp.ValidateOpts{Period: Period, Digits: otp.DigitsSix,
			Algorithm: otp.AlgorithmSHA1})
		if err == nil && constEq(want, code) {
			return s, true
		}
	}
	return 0, false
}

// Code computes the code of secret at t (tests and the demo data use it).
func Code(secret string, t time.Time) string {
	c, err := totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: Period, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		panic(err) // only for a secret that is not base32: a test's mistake
	}
	return c
}

// RemoveTOTP removes k's confirmed TOTP when code is a right, unused code of it (the
// owner proves they still hold the app). Recovery codes go too when no passkey is
// left to back. ErrBadCode for a wrong code.
func RemoveTOTP(ctx context.Context, tx *sql.Tx, k Key, code string, now time.Time) error {
	ok, err := CheckTOTP(ctx, tx, k, code, now)
	if err != nil {
		return err
	}
	if !ok {
		return ErrBadCode
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM factor_totp WHERE kind = ? AND account_id = ?`, k.Kind, k.ID); err != nil {
		return err
	}
	st, err := StatusOf(ctx, tx, k)
	if err != nil || st.Passkeys > 0 {
		return err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM factor_recovery WHERE kind = ? AND account_id = ?`, k.Kind, k.ID)
	return err
}
