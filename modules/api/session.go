package api

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

var errNotAuthenticated = &rpcError{Code: codeUnauthorized,
	Message: `not authenticated: send "auth": {"login", "password"} or "SID" (in the call, its params or the X-Session-Id header)`}

// authenticate finds the caller of a call: a login with password starts a new session;
// a session id continues one; a call without either uses the session an earlier call
// of the same request established.
func (m *Module) authenticate(ctx context.Context, st *batchState, sid string, auth *credentials) (*core.Staff, string, *rpcError) {
	switch {
	case auth != nil:
		staff, tok, err := m.login(ctx, auth.Login, auth.Password, st.ip)
		if err != nil {
			return nil, "", err
		}
		st.staff, st.session = staff, tok
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

func (m *Module) policy() lockout.Policy {
	return lockout.Policy{MaxFailures: settings.LoginAttempts.Get(m.d.Settings),
		LockFor: time.Duration(settings.LockoutMinutes.Get(m.d.Settings)) * time.Minute}
}

// login checks a staff login and password and starts an API session. It shares the
// staff web login's lockout counter (kind staff, the account's principal, or the
// hashed name for unknown logins), and unknown or inactive accounts cost the same
// password hash as wrong passwords.
func (m *Module) login(ctx context.Context, login, pw, ip string) (*core.Staff, string, *rpcError) {
	now := m.d.Now()
	staff, err := core.StaffByLogin(ctx, m.d.DB.R, login)
	known := err == nil
	if err != nil && !errors.Is(err, core.ErrNotFound) {
		m.d.Log.Error("api.login", "err", err)
		return nil, "", &rpcError{Code: codeInternal, Message: "internal error"}
	}
	principal := lockout.Name(login)
	if known {
		principal = lockout.Account(staff.ID)
	}
	state, err := lockout.Get(ctx, m.d.DB.R, lockout.KindStaff, principal, now)
	if err != nil {
		return nil, "", &rpcError{Code: codeInternal, Message: "internal error"}
	}
	hash := password.Dummy
	if known && staff.Active && !state.Locked(now) {
		hash = staff.PasswordHash
	}
	// The hash runs outside the transaction: the single writer is never held for it.
	ok := password.Verify(pw, hash) && known && staff.Active && !state.Locked(now)
	locked := errors.New("locked")
	tok := web.NewToken()
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if !ok {
			if _, err := lockout.Fail(ctx, tx, lockout.KindStaff, principal, now, m.policy()); err != nil {
				return err
			}
			return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: "api:" + lockout.Fold(login), Action: "api.login.fail", IP: ip})
		}
		if err := lockout.Succeed(ctx, tx, lockout.KindStaff, principal, now); err != nil {
			if errors.Is(err, lockout.ErrLocked) {
				return locked
			}
			return err
		}
		// Sessions that ran out are worthless; drop them while we write anyway.
		if _, err := tx.ExecContext(ctx, `DELETE FROM api_sessions WHERE expires_at <= ? OR hard_expires_at <= ?`,
			core.Now(now), core.Now(now)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_sessions (token_hash, staff_id, ip, created_at, last_used, expires_at, hard_expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, web.HashToken(tok), staff.ID, ip, core.Now(now), core.Now(now),
			core.Now(now.Add(idleTTL)), core.Now(now.Add(absoluteTTL))); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: "api:" + staff.Login, Action: "api.login", IP: ip})
	})
	switch {
	case errors.Is(err, locked) || (!ok && state.Locked(now)):
		return nil, "", &rpcError{Code: codeUnauthorized, Message: "login failed: too many failed attempts, the account is locked for a while"}
	case err != nil:
		m.d.Log.Error("api.login", "err", err)
		return nil, "", &rpcError{Code: codeInternal, Message: "internal error"}
	case !ok:
		return nil, "", &rpcError{Code: codeUnauthorized, Message: "login failed: wrong login or password"}
	}
	return &staff, tok, nil
}

// resume loads the staff account of a live session and moves its idle expiry.
func (m *Module) resume(ctx context.Context, tok string) (*core.Staff, *rpcError) {
	now := m.d.Now()
	expired := &rpcError{Code: codeUnauthorized, Message: "session expired or unknown; log in again with auth"}
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
		return nil, &rpcError{Code: codeInternal, Message: "internal error"}
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
