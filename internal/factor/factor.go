// Package factor holds the second factors of logins, one implementation for both
// audiences (subscribers and staff), keyed by (kind, account id): TOTP (RFC 6238,
// github.com/pquerna/otp), single-use recovery codes, and the pending login between a
// right password and its second factor. The pages live in modules/auth (subscribers)
// and modules/admin (staff); the lockout of wrong codes is internal/lockout's Guard,
// under the same principal as the password.
//
// Security decisions (see docs/modules/auth.md, "Second factors"):
//   - a TOTP code is accepted for the current 30 s step and one step either side, and
//     never for a step at or before the last one accepted (no replay inside the window,
//     even in parallel: the step is advanced by a conditional UPDATE in the caller's
//     write transaction);
//   - enrolment stores the secret unconfirmed until a code from it is typed; it is
//     shown only on the enrolment page and never again;
//   - recovery codes have about 59 random bits each, are stored as SHA-256 and are spent by a
//     conditional UPDATE, so one code used twice in parallel works once;
//   - the pending login is a 32-byte random cookie stored as SHA-256, living
//     PendingTTL, spent by the step that finishes the login.
package factor

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"errors"
	"io/fs"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/web"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations is the factor tables' migration source, for the boot migration list.
func Migrations() db.Source {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // constant path of the embed above
	}
	return db.Source{Name: "factor", FS: sub}
}

// Kinds of accounts, the same words as the lockout's.
const (
	KindClient = "client"
	KindStaff  = "staff"
)

// Key names an account: its kind and id.
type Key struct {
	Kind string
	ID   int64
}

// Policies (the values of ci_second_factor).
const (
	PolicyOff      = "off"      // no second factor is offered or asked
	PolicyOptional = "optional" // offered to everyone, asked from those enrolled
	PolicyStaff    = "staff"    // staff must enrol; subscribers may
	PolicyAll      = "all"      // everyone must enrol
)

// Offered reports whether accounts may enrol (and are asked for) a second factor.
func Offered(policy string) bool {
	return policy == PolicyOptional || policy == PolicyStaff || policy == PolicyAll
}

// Required reports whether an account of kind must have a second factor.
func Required(policy, kind string) bool {
	return policy == PolicyAll || (policy == PolicyStaff && kind == KindStaff)
}

// Errors of the service functions; pages translate them.
var (
	ErrBadCode  = errors.New("factor: wrong code")
	ErrEnrolled = errors.New("factor: already enrolled")
	ErrNoEnrol  = errors.New("factor: no enrolment in progress")
)

// Querier is what reads need: a *sql.DB, *sql.Tx or *sql.Conn.
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Status is what an account has enrolled.
type Status struct {
	TOTP         bool      // confirmed TOTP
	TOTPSince    time.Time // when it was confirmed
	RecoveryLeft int       // unused recovery codes
	Passkeys     int       // registered passkeys
}

// Enrolled reports whether the account has a second factor to be asked for.
// Recovery codes alone are not one: they back up a factor.
func (s Status) Enrolled() bool { return s.TOTP || s.Passkeys > 0 }

// StatusOf reads what k has enrolled.
func StatusOf(ctx context.Context, q Querier, k Key) (Status, error) {
	var s Status
	var since sql.NullString
	err := q.QueryRowContext(ctx, `SELECT confirmed_at FROM factor_totp WHERE kind = ? AND account_id = ?`, k.Kind, k.ID).Scan(&since)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return s, err
	}
	if since.Valid {
		s.TOTP, s.TOTPSince = true, core.ParseTime(since.String)
	}
	err = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM factor_recovery WHERE kind = ? AND account_id = ? AND used_at IS NULL`,
		k.Kind, k.ID).Scan(&s.RecoveryLeft)
	if err != nil {
		return s, err
	}
	err = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM factor_passkeys WHERE kind = ? AND account_id = ?`, k.Kind, k.ID).Scan(&s.Passkeys)
	return s, err
}

// Reset removes every factor of k and its pending logins (staff reset, account
// deletion). It reports whether anything was enrolled.
func Reset(ctx context.Context, tx *sql.Tx, k Key) (bool, error) {
	n := int64(0)
	for _, t := range []string{"factor_totp", "factor_recovery", "factor_passkeys", "factor_pending", "factor_ceremonies"} {
		res, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE kind = ? AND account_id = ?`, k.Kind, k.ID)
		if err != nil {
			return false, err
		}
		if t != "factor_pending" && t != "factor_ceremonies" {
			c, _ := res.RowsAffected()
			n += c
		}
	}
	return n > 0, nil
}

// PendingTTL is how long a login may wait between its password and its second factor.
const PendingTTL = 10 * time.Minute

// Pending is a login waiting for its second factor.
type Pending struct {
	Hash       string
	Key        Key
	Restricted bool // a one-time-password login
}

// StartPending records a login of k that proved its password and returns the token
// for its cookie. Expired pending logins are removed on the way.
func StartPending(ctx context.Context, tx *sql.Tx, k Key, restricted bool, now time.Time) (string, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM factor_pending WHERE expires_at < ?`, core.Now(now)); err != nil {
		return "", err
	}
	tok := web.NewToken()
	_, err := tx.ExecContext(ctx, `INSERT INTO factor_pending (token_hash, kind, account_id, restricted, expires_at) VALUES (?, ?, ?, ?, ?)`,
		web.HashToken(tok), k.Kind, k.ID, restricted, core.Now(now.Add(PendingTTL)))
	return tok, err
}

// PendingFor reads the pending login of a cookie token of kind; false when there is
// none, it expired or it belongs to the other audience.
func PendingFor(ctx context.Context, q Querier, kind, tok string, now time.Time) (Pending, bool, error) {
	if tok == "" || len(tok) > 100 {
		return Pending{}, false, nil
	}
	p := Pending{Hash: web.HashToken(tok)}
	err := q.QueryRowContext(ctx, `SELECT kind, account_id, restricted FROM factor_pending WHERE token_hash = ? AND kind = ? AND expires_at >= ?`,
		p.Hash, kind, core.Now(now)).Scan(&p.Key.Kind, &p.Key.ID, &p.Restricted)
	if errors.Is(err, sql.ErrNoRows) {
		return Pending{}, false, nil
	}
	return p, err == nil, err
}

// FinishPending spends a pending login in tx; false when a parallel request spent it
// first (only one of them may start a session).
func FinishPending(ctx context.Context, tx *sql.Tx, p Pending) (bool, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM factor_pending WHERE token_hash = ?`, p.Hash)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// randomString returns n characters from alphabet, each equally likely (bytes
// beyond the largest multiple of its length are drawn again).
func randomString(n int, alphabet string) string {
	limit := 256 - 256%len(alphabet)
	var sb strings.Builder
	b := make([]byte, 1)
	for sb.Len() < n {
		if _, err := rand.Read(b); err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
		if int(b[0]) < limit {
			sb.WriteByte(alphabet[int(b[0])%len(alphabet)])
		}
	}
	return sb.String()
}
