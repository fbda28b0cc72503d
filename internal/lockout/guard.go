package lockout

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/settings"
)

// Guard is the sequence every password or second-factor check runs around the counter
// (the web login, the staff console's, the JSON-RPC API's, the second factor and the
// two password change forms), so that they cannot drift apart:
//
//  1. Begin reads the counter before the password is checked, outside any
//     transaction: it only decides whether the account's real hash is tried.
//  2. Verify runs argon2id exactly once on every path, against password.Dummy for an
//     unknown, barred or locked account, so the time tells nothing.
//  3. In one write transaction, Succeed clears the counter after a right password, or
//     refuses it when parallel failures locked the account meanwhile; Fail counts a
//     failure. Whether the account is locked is decided only there.
//  4. Locked, NewLock and Minutes give the uniform answer and the audit action.
//
// What a login does beyond that (sessions, one-time passwords, rehashing, the audit
// entry itself) stays with the caller, between Succeed and Fail in its transaction.
type Guard struct {
	Kind   string // KindClient or KindStaff
	Policy Policy
}

// Login is the guard of every password and second-factor check of kind: the web
// login, the console's and the API's, the second factor and the password change
// forms. ci_login_attempts consecutive failures lock the account for
// ci_lockout_minutes; one function, so that no login reads the settings differently.
func Login(kind string, s *settings.Store) Guard {
	return Guard{Kind: kind, Policy: Policy{MaxFailures: settings.LoginAttempts.Get(s),
		LockFor: time.Duration(settings.LockoutMinutes.Get(s)) * time.Minute}}
}

// Attempt is one login attempt under a Guard, from the first read of the counter to
// the answer. It is not safe for concurrent use; each request has its own.
type Attempt struct {
	g         Guard
	principal string
	now       time.Time
	state     State
	wasLocked bool // the counter was locked when Fail began, inside its transaction
}

// Begin reads the counter of principal at now, before the password is checked.
func (g Guard) Begin(ctx context.Context, q Querier, principal string, now time.Time) (*Attempt, error) {
	s, err := Get(ctx, q, g.Kind, principal, now)
	if err != nil {
		return nil, err
	}
	return &Attempt{g: g, principal: principal, now: now, state: s}, nil
}

// Verify reports whether pw matches hash, the account's password hash, or "" when no
// account may log in under the typed name. It runs argon2id once whatever the inputs:
// against password.Dummy when hash is "" or the account is locked, and a match
// against Dummy is never a success.
func (a *Attempt) Verify(pw, hash string) bool {
	if hash == "" || a.Locked() {
		hash = password.Dummy
	}
	return password.Verify(pw, hash) && hash != password.Dummy
}

// Succeed is called in the login's transaction after a right password. It clears the
// counter and reports true, or, when the account got locked while the password was
// being checked, reports false: the attempt is then a failure like any other, and
// the caller goes on with Fail so that its answer is exactly the one the failures get.
func (a *Attempt) Succeed(ctx context.Context, tx *sql.Tx) (bool, error) {
	err := Succeed(ctx, tx, a.g.Kind, a.principal, a.now)
	if errors.Is(err, ErrLocked) {
		a.state, err = Get(ctx, tx, a.g.Kind, a.principal, a.now)
		return false, err
	}
	return err == nil, err
}

// Fail counts a failed attempt in the login's transaction (nothing while the account
// is locked). The state before it is read in the same transaction, so NewLock is true
// for exactly the one failure that set the lock, however many ran in parallel.
func (a *Attempt) Fail(ctx context.Context, tx *sql.Tx) error {
	before, err := Get(ctx, tx, a.g.Kind, a.principal, a.now)
	if err != nil {
		return err
	}
	a.wasLocked = before.Locked(a.now)
	a.state, err = Fail(ctx, tx, a.g.Kind, a.principal, a.now, a.g.Policy)
	return err
}

// Failed is Fail with the audit action it calls for: fail, or lock for the one
// failure that locked the account.
func (a *Attempt) Failed(ctx context.Context, tx *sql.Tx, fail, lock string) (string, error) {
	if err := a.Fail(ctx, tx); err != nil {
		return "", err
	}
	if a.NewLock() {
		return lock, nil
	}
	return fail, nil
}

// Locked reports whether the account is locked, as last read: by Begin, or by
// Succeed or Fail in the transaction.
func (a *Attempt) Locked() bool { return a.state.Locked(a.now) }

// NewLock reports whether this attempt's failure locked the account, for the audit
// log, which records a lock once and the attempts refused under it as failures.
func (a *Attempt) NewLock() bool { return !a.wasLocked && a.Locked() }

// Minutes is how long the lock still lasts, rounded up to whole minutes, as the
// "locked" answer shows it (0 when not locked).
func (a *Attempt) Minutes() int {
	return int((a.state.Remaining(a.now) + time.Minute - 1) / time.Minute)
}

// Hold is Succeed for a right password that a second factor must still follow: in the
// login's transaction it reports whether the account is still unlocked, but keeps the
// counter, so that wrong second-factor codes after right passwords add up to a lock
// instead of being forgiven by each right password. The second factor's own attempt
// (Begin again, then Succeed or Fail) clears or counts it.
func (a *Attempt) Hold(ctx context.Context, tx *sql.Tx) (bool, error) {
	var err error
	a.state, err = Get(ctx, tx, a.g.Kind, a.principal, a.now)
	return err == nil && !a.Locked(), err
}

// Pass is Hold when a second factor follows (hold), else Succeed.
func (a *Attempt) Pass(ctx context.Context, tx *sql.Tx, hold bool) (bool, error) {
	if hold {
		return a.Hold(ctx, tx)
	}
	return a.Succeed(ctx, tx)
}
