package factor

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
)

// RecoveryCount is how many recovery codes an account gets at a time.
const RecoveryCount = 10

// recoveryAlphabet has 31 letters and digits without look-alikes (no 0/O, 1/I/L):
// 12 of them are about 59 random bits.
const recoveryAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

const recoveryLen = 12

// NewRecoveryCodes replaces every recovery code of k with RecoveryCount new ones and
// returns them, formatted XXXX-XXXX-XXXX, to be shown once.
func NewRecoveryCodes(ctx context.Context, tx *sql.Tx, k Key) ([]string, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM factor_recovery WHERE kind = ? AND account_id = ?`, k.Kind, k.ID); err != nil {
		return nil, err
	}
	out := make([]string, 0, RecoveryCount)
	for len(out) < RecoveryCount {
		c := randomString(recoveryLen, recoveryAlphabet)
		res, err := tx.ExecContext(ctx, `INSERT INTO factor_recovery (kind, account_id, code_hash) VALUES (?, ?, ?)
			ON CONFLICT (kind, account_id, code_hash) DO NOTHING`,
			k.Kind, k.ID, web.HashToken(c))
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			out = append(out, c[:4]+"-"+c[4:8]+"-"+c[8:])
		}
	}
	return out, nil
}

// normalRecovery folds a typed recovery code: case, spaces and dashes do not matter.
func normalRecovery(code string) string {
	code = strings.ToUpper(code)
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, code)
}

// LooksLikeRecovery reports whether a typed code has the shape of a recovery code
// rather than a TOTP code.
func LooksLikeRecovery(code string) bool { return len(normalRecovery(code)) == recoveryLen }

// UseRecoveryCode spends code if it is an unused recovery code of k, in tx. Two
// parallel uses of one code: the conditional UPDATE lets exactly one win.
func UseRecoveryCode(ctx context.Context, tx *sql.Tx, k Key, code string, now time.Time) (bool, error) {
	c := normalRecovery(code)
	if len(c) != recoveryLen {
		return false, nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE factor_recovery SET used_at = ? WHERE kind = ? AND account_id = ? AND code_hash = ? AND used_at IS NULL`,
		core.Now(now), k.Kind, k.ID, web.HashToken(c))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func constEq(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
