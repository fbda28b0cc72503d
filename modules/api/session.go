package api

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ulule/limiter/v3"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/web"
)

var errNotAuthenticated = &rpc.Error{Code: rpc.CodeUnauthorized,
	Message: `not authenticated: send "auth": {"login", "password"} or "SID" (in the call, its params or the X-Session-Id header)`}

// Answers of a login. A wrong login, a wrong password, an inactive account and a
// locked account all get errLoginFailed: the answer must not depend on whether the
// password was right, and whether the account is locked is decided only inside the
// transaction that counts the failure, so parallel guesses cannot see a difference.
var (
	errLoginFailed = &rpc.Error{Code: rpc.CodeUnauthorized,
		Message: "login failed: wrong login or password, or the account is locked for a while after too many failed attempts"}
	errOneLogin = &rpc.Error{Code: rpc.CodeUnauthorized,
		Message: "login refused: auth is accepted once per request; send it in the first call, later calls without credentials use that session"}
	errLoginRate = &rpc.Error{Code: rpc.CodeRateLimited, Message: "too many login attempts from this address; try again in a minute"}
)

// Bounds of what a login reads. No staff login is longer than maxLogin; a longer name
// is simply wrong. Of a name that matches no account, at most auditNameLen characters
// reach the audit log.
const (
	maxLogin     = 200
	maxPassword  = 4096
	auditNameLen = 64
)

// loginRate is the per-address budget of auth attempts, shared with the console's
// login form (web.StaffLoginBucket). A variable so that tests can change it before the
// module is mounted.
var loginRate = limiter.Rate{Period: time.Minute, Limit: web.StaffLoginRate}

// authenticate finds the caller of a call: a login with password starts a new session;
// a session id continues one; a call without either uses the session an earlier call
// of the same request established.
//
// A request checks a password at most once: a batch of 100 calls with 100 passwords
// would otherwise cost 100 argon2id runs and try 100 guesses at once. The first auth
// of a request is checked; a later call that repeats exactly the same credentials gets
// the same outcome without a second check, and different credentials are refused.
func (m *Module) authenticate(ctx context.Context, st *batchState, sid string, auth *credentials) (*core.Staff, string, *rpc.Error) {
	switch {
	case auth != nil && st.auth != nil:
		if !st.auth.same(*auth) {
			return nil, "", errOneLogin
		}
		if st.authErr != nil {
			return nil, "", st.authErr
		}
		sid = st.authSession
	case auth != nil:
		st.auth = auth
		staff, tok, err := m.login(ctx, auth.Login, auth.Password, st.ip, st.agent)
		if err != nil {
			st.authErr = err
			return nil, "", err
		}
		st.staff, st.session, st.authSession = staff, tok, tok
		return staff, tok, nil
	case sid == "" && st.header != "":
		sid = st.header
	case sid == "" && st.staff != nil:
		return st.staff, st.session, nil
	case sid == "":
		return nil, "", errNotAuthenticated
	}
	if st.staff != nil && sid == st.session {
		return st.staff, st.session, nil
	}
	staff, err := m.resume(ctx, sid)
	if err != nil {
		return nil, "", err
	}
	st.staff, st.session = staff, sid
	return staff, sid, nil
}

// same compares credentials in constant time.
func (a credentials) same(b credentials) bool {
	l := subtle.ConstantTimeCompare([]byte(a.Login), []byte(b.Login))
	p := subtle.ConstantTimeCompare([]byte(a.Password), []byte(b.Password))
	return l&p == 1
}

// login checks a staff login and password and starts an API session. Like the
// console's login form it spends one request of the address's budget of staff login
// attempts, shares the staff lockout counter (kind staff, the account's principal, or
// the hashed name for unknown logins), runs argon2id once on every path (against
// password.Dummy for unknown, inactive and locked accounts), and decides inside one
// transaction whether the account is locked and counts the failure.
func (m *Module) login(ctx context.Context, login, pw, ip, agent string) (*core.Staff, string, *rpc.Error) {
	if len(agent) > 300 {
		agent = agent[:300]
	}
	if ok, _ := m.loginLim.Take(ctx, ip); !ok {
		m.d.Log.Info("api.login: rate limited", "ip", ip)
		return nil, "", errLoginRate
	}
	now := m.d.Now()
	actor := "api:" + auditName(login)
	principal := lockout.Name(login)
	var staff core.Staff
	known := false
	if len(login) > maxLogin || len(pw) > maxPassword {
		// Still hash (a prefix), so that an overlong input costs the same time; the
		// failure counts under one name that is no account.
		pw = pw[:min(len(pw), maxPassword)]
		principal = lockout.Name("\x00overlong")
	} else {
		var err error
		staff, err = core.StaffByLogin(ctx, m.d.DB.R, login)
		switch {
		case err == nil:
			known, principal, actor = true, lockout.Account(staff.ID), "api:"+staff.Login
		case !errors.Is(err, core.ErrNotFound):
			m.d.Log.Error("api.login", "err", err)
			return nil, "", &rpc.Error{Code: rpc.CodeInternal, Message: "internal error"}
		}
	}
	// The state read here only spares a locked account's real hash; whether the login
	// is refused as locked is decided again in the transaction below.
	a, err := lockout.Login(lockout.KindStaff, m.d.Settings).Begin(ctx, m.d.DB.R, principal, now)
	if err != nil {
		m.d.Log.Error("api.login", "err", err)
		return nil, "", &rpc.Error{Code: rpc.CodeInternal, Message: "internal error"}
	}
	hash := ""
	if known && staff.Active {
		hash = staff.PasswordHash
	}
	// The hash runs outside the transaction: the single writer is never held for it.
	ok := a.Verify(pw, hash)
	tok := web.NewToken()
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if ok {
			// A right password refused because parallel attempts locked the account
			// meanwhile goes on below as a failure like any other.
			var err error
			if ok, err = a.Succeed(ctx, tx); err != nil {
				return err
			}
		}
		if !ok {
			action, err := a.Failed(ctx, tx, "api.login.fail", "api.login.lock")
			if err != nil {
				return err
			}
			return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: action, IP: ip})
		}
		// Sessions that ran out are worthless; drop them while we write anyway.
		if _, err := tx.ExecContext(ctx, `DELETE FROM api_sessions WHERE expires_at <= ? OR hard_expires_at <= ?`,
			core.Now(now), core.Now(now)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_sessions (token_hash, staff_id, ip, created_at, last_used, expires_at, hard_expires_at, user_agent)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, web.HashToken(tok), staff.ID, ip, core.Now(now), core.Now(now),
			core.Now(now.Add(idleTTL)), core.Now(now.Add(absoluteTTL)), agent); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "api.login", IP: ip})
	})
	switch {
	case err != nil:
		m.d.Log.Error("api.login", "err", err)
		return nil, "", &rpc.Error{Code: rpc.CodeInternal, Message: "internal error"}
	case !ok:
		return nil, "", errLoginFailed
	}
	return &staff, tok, nil
}

// auditName is what the audit log keeps of a typed login name that is no account:
// folded, on one line, at most auditNameLen characters ("…" marks a cut).
func auditName(login string) string {
	name := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, lockout.Fold(login))
	if utf8.RuneCountInString(name) <= auditNameLen {
		return name
	}
	return string([]rune(name)[:auditNameLen]) + "…"
}

// resume loads the staff account of a live session and moves its idle expiry.
func (m *Module) resume(ctx context.Context, tok string) (*core.Staff, *rpc.Error) {
	now := m.d.Now()
	expired := &rpc.Error{Code: rpc.CodeUnauthorized, Message: "session expired or unknown; log in again with auth"}
	if len(tok) < 40 || len(tok) > 64 {
		return nil, expired
	}
	var id, staffID int64
	var last, exp, hard string
	err := m.d.DB.R.QueryRowContext(ctx, `SELECT id, staff_id, last_used, expires_at, hard_expires_at FROM api_sessions WHERE token_hash = ?`,
		web.HashToken(tok)).Scan(&id, &staffID, &last, &exp, &hard)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, expired
	}
	if err != nil {
		m.d.Log.Error("api.resume", "err", err)
		return nil, &rpc.Error{Code: rpc.CodeInternal, Message: "internal error"}
	}
	hardAt := core.ParseTime(hard)
	if !now.Before(core.ParseTime(exp)) || !now.Before(hardAt) {
		return nil, expired
	}
	staff, err := core.StaffByID(ctx, m.d.DB.R, staffID)
	if err != nil || !staff.Active {
		return nil, expired
	}
	if now.Sub(core.ParseTime(last)) >= touchEvery {
		next := now.Add(idleTTL)
		if next.After(hardAt) {
			next = hardAt
		}
		if _, err := m.d.DB.W.ExecContext(ctx, `UPDATE api_sessions SET last_used = ?, expires_at = ? WHERE id = ?`,
			core.Now(now), core.Now(next), id); err != nil {
			m.d.Log.Error("api.resume: touch", "err", err)
		}
	}
	return &staff, nil
}
