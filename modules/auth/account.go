package auth

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/lockout"
)

// account is what a typed login name stands for.
type account struct {
	// principal is the lockout counter: the client's id for a name that belongs to a
	// client (by number or username alike), else the folded name.
	principal string
	client    *core.Client
	// canLogin is false when the name belongs to a client who may not log in with it:
	// a client who has a custom username logs in with that, never with the number
	// (the seed: "that username is used, regardless of any future setting changes").
	canLogin bool
	// person is the invited person of client's account the name belongs to
	// (modules/people through app.Hooks.People), nil for the account holder.
	person *app.Person
}

// resolvePerson maps a name that is no client's to an invited person of an account,
// when the people module is mounted; the lockout counter is the person's own.
func (m *Module) resolvePerson(ctx context.Context, q core.Querier, acc account, name string) (account, error) {
	if acc.client != nil || m.d.Hooks == nil || m.d.Hooks.People.Find == nil {
		return acc, nil
	}
	p, err := m.d.Hooks.People.Find(ctx, q, name)
	if errors.Is(err, core.ErrNotFound) {
		return acc, nil
	}
	if err != nil {
		return acc, err
	}
	cl, err := core.ClientByID(ctx, q, p.ClientID)
	if err != nil {
		return acc, err
	}
	return account{principal: lockout.Person(p.ID), client: &cl, canLogin: p.Active, person: &p}, nil
}

// resolveLogin maps a typed login name to an account. The username is tried first
// (without regard to case), then the client number.
func resolveLogin(ctx context.Context, q core.Querier, name string) (account, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > maxName || !utf8.ValidString(name) {
		return account{principal: lockout.Name(name)}, nil
	}
	c, err := core.ClientByUsername(ctx, q, name)
	if err == nil {
		return account{principal: lockout.Account(c.ID), client: &c, canLogin: true}, nil
	}
	if !errors.Is(err, core.ErrNotFound) {
		return account{}, err
	}
	c, err = core.ClientByNumber(ctx, q, name)
	if err == nil {
		return account{principal: lockout.Account(c.ID), client: &c, canLogin: c.Username == ""}, nil
	}
	if !errors.Is(err, core.ErrNotFound) {
		return account{}, err
	}
	return account{principal: lockout.Name(name)}, nil
}

// ClientByLogin finds a client by number or username, for staff tools (CLI, console),
// which may use either.
func ClientByLogin(ctx context.Context, q core.Querier, login string) (core.Client, error) {
	login = strings.TrimSpace(login)
	if c, err := core.ClientByUsername(ctx, q, login); err == nil || !errors.Is(err, core.ErrNotFound) {
		return c, err
	}
	return core.ClientByNumber(ctx, q, login)
}

// looksLikeNumber reports whether a typed login name has the shape of a client
// number (digits only), for the hint after a failed login.
func looksLikeNumber(name string) bool {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 32 {
		return false
	}
	for _, r := range name {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// usernamesExist reports whether any client has a custom username: only then can a
// client number fail because its client must use a username instead.
func usernamesExist(ctx context.Context, q core.Querier) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM clients WHERE username IS NOT NULL LIMIT 1`).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
