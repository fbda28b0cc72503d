// Package lockout counts consecutive failed logins per account and locks an account
// for a while after too many, in the database so that a lock survives restarts and is
// shared by every process (web login, staff console, JSON-RPC API).
//
// The model follows Keycloak's temporary lockout: the N-th consecutive failure locks
// the account for a fixed time; while it is locked the right password is refused too
// and further attempts are not counted; a success (or staff unlocking it, or a
// password reset) deletes the counter. Failures older than ResetAfter are forgotten,
// so a client who mistypes once a month is never locked by that.
//
// Exactness under concurrency: Fail reads and writes the counter in the caller's
// write transaction, and the portal's write transactions are IMMEDIATE on a single
// writer, so N parallel wrong passwords give exactly N counted failures.
//
// Callers run the password hash before Fail/Succeed, outside the transaction, so that
// the single writer is never held for the ~50 ms of an argon2id check; the lock is then
// checked again inside the transaction (Succeed refuses a login that got locked
// meanwhile).
//
// SQL: the package owns the lockouts table (migrations/0001_lockouts.sql, exposed by
// Migrations and Schema) and uses only portable statements on it.
package lockout

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations is the lockouts table's migration source, for the boot migration list.
func Migrations() db.Source {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // constant path of the embed above
	}
	return db.Source{Name: "lockout", FS: sub}
}

// Kinds of accounts.
const (
	KindClient = "client"
	KindStaff  = "staff"
)

// ResetAfter is how long after the last failure the count starts again from zero.
const ResetAfter = 24 * time.Hour

// Policy is when to lock and for how long.
type Policy struct {
	MaxFailures int           // the MaxFailures-th consecutive failure locks
	LockFor     time.Duration // how long a lock lasts
}

// State is an account's counter.
type State struct {
	Failures    int
	LockedUntil time.Time // zero when not locked
	LastFailure time.Time
}

// Locked reports whether the account is locked at now. The lock ends exactly at
// LockedUntil: locked at 10:00 for 15 minutes means refused at 10:14:59, allowed at
// 10:15:00.
func (s State) Locked(now time.Time) bool {
	return !s.LockedUntil.IsZero() && now.Before(s.LockedUntil)
}

// Remaining is how long the lock still lasts at now (0 if not locked).
func (s State) Remaining(now time.Time) time.Duration {
	if !s.Locked(now) {
		return 0
	}
	return s.LockedUntil.Sub(now)
}

// ErrLocked is returned by Succeed when the account got locked meanwhile.
var ErrLocked = errors.New("lockout: account locked")

// Account is the principal of a known account.
func Account(id int64) string { return "id:" + strconv.FormatInt(id, 10) }

// Person is the counter of an invited person of an account (modules/people): their
// own, apart from the account holder's.
func Person(id int64) string { return "person:" + strconv.FormatInt(id, 10) }

// Name is the principal of a name that matches no account: folded (trimmed, lower
// case) and hashed, so that "Jan " and "jan" count together and the table never holds
// what somebody typed (often a password typed into the wrong field).
func Name(name string) string {
	h := sha256.Sum256([]byte(Fold(name)))
	return "name:" + hex.EncodeToString(h[:])
}

// Fold is the canonical form of a typed login name: trimmed and lower case.
func Fold(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// Querier reads the counter (a *sql.DB or *sql.Tx).
type Querier = core.Querier

// Get returns the counter of a principal (zero State if none).
func Get(ctx context.Context, q Querier, kind, principal string, now time.Time) (State, error) {
	var s State
	var locked sql.NullString
	var last string
	err := q.QueryRowContext(ctx, `SELECT failures, locked_until, last_failure FROM lockouts WHERE kind = ? AND principal = ?`,
		kind, principal).Scan(&s.Failures, &locked, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return State{}, nil
	}
	if err != nil {
		return State{}, err
	}
	s.LastFailure = core.ParseTime(last)
	if locked.Valid {
		s.LockedUntil = core.ParseTime(locked.String)
	}
	// A lock that has run out, or failures long ago, no longer count.
	if (!s.LockedUntil.IsZero() && !s.Locked(now)) || now.Sub(s.LastFailure) >= ResetAfter {
		return State{}, nil
	}
	return s, nil
}

// Fail records a failed attempt in tx and returns the new state. While the account is
// locked nothing is counted. The MaxFailures-th failure sets the lock.
func Fail(ctx context.Context, tx *sql.Tx, kind, principal string, now time.Time, p Policy) (State, error) {
	s, err := Get(ctx, tx, kind, principal, now)
	if err != nil {
		return s, err
	}
	if s.Locked(now) {
		return s, nil
	}
	s.Failures++
	s.LastFailure = now
	var locked any
	if p.MaxFailures > 0 && s.Failures >= p.MaxFailures {
		s.LockedUntil = now.Add(p.LockFor)
		locked = core.Now(s.LockedUntil)
	}
	// Delete-then-insert instead of an upsert: portable, and inside the IMMEDIATE
	// transaction nobody can slip in between.
	if _, err := tx.ExecContext(ctx, `DELETE FROM lockouts WHERE kind = ? AND principal = ?`, kind, principal); err != nil {
		return s, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO lockouts (kind, principal, failures, locked_until, last_failure) VALUES (?, ?, ?, ?, ?)`,
		kind, principal, s.Failures, locked, core.Now(now)); err != nil {
		return s, err
	}
	// Keep the table small: rows of names nobody tried for a day are worthless.
	_, err = tx.ExecContext(ctx, `DELETE FROM lockouts WHERE last_failure < ? AND (locked_until IS NULL OR locked_until < ?)`,
		core.Now(now.Add(-ResetAfter)), core.Now(now))
	return s, err
}

// Succeed is called in the transaction of a successful login: it refuses with
// ErrLocked when the account is locked (it may have been locked by parallel attempts
// while the password was being checked) and otherwise clears the counter.
func Succeed(ctx context.Context, tx *sql.Tx, kind, principal string, now time.Time) error {
	s, err := Get(ctx, tx, kind, principal, now)
	if err != nil {
		return err
	}
	if s.Locked(now) {
		return ErrLocked
	}
	return Clear(ctx, tx, kind, principal)
}

// Clear deletes the counter: staff unlocking an account, or a password reset.
func Clear(ctx context.Context, q Querier, kind, principal string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM lockouts WHERE kind = ? AND principal = ?`, kind, principal)
	return err
}
