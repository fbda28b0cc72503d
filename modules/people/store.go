package people

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/ispportal/portal/internal/core"
)

// Person is one invited person of an account.
type Person struct {
	ID         int64
	ClientID   int64
	Email      string
	Login      string // "" until the invitation is accepted
	Role       string
	Active     bool
	InvitedBy  string
	CreatedAt  time.Time
	AcceptedAt time.Time
	LastLogin  time.Time
	// InviteExpires is when an unaccepted invitation's link dies.
	InviteExpires time.Time
	hash          string
}

// Pending reports whether the person has not accepted the invitation yet.
func (p Person) Pending() bool { return p.Login == "" }

// Expired reports whether a pending invitation's link has died at now.
func (p Person) Expired(now time.Time) bool { return p.Pending() && !now.Before(p.InviteExpires) }

const personCols = `id, client_id, email, COALESCE(login, ''), password_hash, role, active, invited_by, created_at,
	COALESCE(accepted_at, ''), COALESCE(last_login, ''), COALESCE(invite_expires, '')`

func scanPerson(row core.Row) (Person, error) {
	var p Person
	var created, accepted, last, expires string
	err := row.Scan(&p.ID, &p.ClientID, &p.Email, &p.Login, &p.hash, &p.Role, &p.Active, &p.InvitedBy, &created,
		&accepted, &last, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return p, core.ErrNotFound
	}
	p.CreatedAt, p.AcceptedAt, p.LastLogin, p.InviteExpires = core.ParseTime(created), core.ParseTime(accepted),
		core.ParseTime(last), core.ParseTime(expires)
	return p, err
}

// List returns the people of a client's account, oldest invitation first.
func List(ctx context.Context, q core.Querier, clientID int64) ([]Person, error) {
	return core.List(ctx, q, scanPerson, `SELECT `+personCols+` FROM people WHERE client_id = ? ORDER BY id`, clientID)
}

// byID returns a person of a client's account; another account's person is
// core.ErrNotFound, so an id from a request never reaches another account.
func byID(ctx context.Context, q core.Querier, clientID, id int64) (Person, error) {
	return scanPerson(q.QueryRowContext(ctx, `SELECT `+personCols+` FROM people WHERE id = ? AND client_id = ?`, id, clientID))
}

// byLogin returns the person whose accepted login is name (without regard to case).
func byLogin(ctx context.Context, q core.Querier, name string) (Person, error) {
	return scanPerson(q.QueryRowContext(ctx, `SELECT `+personCols+` FROM people WHERE login = ?`, name))
}

// byInvite returns the pending person whose invitation token hashes to hash.
func byInvite(ctx context.Context, q core.Querier, hash string) (Person, error) {
	return scanPerson(q.QueryRowContext(ctx, `SELECT `+personCols+` FROM people WHERE invite_hash = ? AND login IS NULL`, hash))
}
