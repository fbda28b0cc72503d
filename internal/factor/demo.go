package factor

import (
	"context"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
)

// The demo second factor: the demo accounts with a factor (client "demo2fa", staff
// "twofactor"; docs/modules/auth.md, "Demo") have this authenticator-app key and these
// recovery codes. They are public: only demo data may use them.
const DemoTOTPSecret = "NETWAVEDEMOTOTP2"

// DemoRecoveryCodes are the demo accounts' ten recovery codes (each works once).
var DemoRecoveryCodes = []string{"DEMX-PASS-2222", "DEMX-PASS-3333", "DEMX-PASS-4444", "DEMX-PASS-5555", "DEMX-PASS-6666",
	"DEMX-PASS-7777", "DEMX-PASS-8888", "DEMX-PASS-9999", "DEMX-PASS-AAAA", "DEMX-PASS-BBBB"}

// SeedDemo gives k the demo authenticator app (confirmed) and the demo recovery codes,
// unless k has a TOTP already (so used codes stay used when the demo runs again).
func SeedDemo(ctx context.Context, tx *sql.Tx, k Key, now time.Time) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO factor_totp (kind, account_id, secret, confirmed_at, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (kind, account_id) DO NOTHING`, k.Kind, k.ID, DemoTOTPSecret, core.Now(now), core.Now(now))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	for _, c := range DemoRecoveryCodes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO factor_recovery (kind, account_id, code_hash) VALUES (?, ?, ?)
			ON CONFLICT (kind, account_id, code_hash) DO NOTHING`,
			k.Kind, k.ID, web.HashToken(normalRecovery(c))); err != nil {
			return err
		}
	}
	return nil
}

// PrintCode is `portal totp-code [SECRET]`: the current code of an authenticator-app
// key (the demo's when none is given), for trying the login step without a phone.
// It reads no account: it only computes from the key typed.
func PrintCode(now time.Time, secret string) (string, error) {
	if secret == "" {
		secret = DemoTOTPSecret
	}
	norm := strings.ToUpper(strings.ReplaceAll(secret, " ", ""))
	if _, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(norm, "=")); err != nil || norm == "" {
		return "", ErrBadSecret
	}
	secret = norm
	left := Period - now.Unix()%Period
	return fmt.Sprintf("%s (valid for %d more seconds)", Code(secret, now), left), nil
}

// ErrBadSecret: an authenticator-app key must be base32 (A-Z, 2-7).
var ErrBadSecret = errors.New("the key is not base32 (letters A-Z and digits 2-7)")
