package signup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

func (m *Module) commands() []app.Command {
	return []app.Command{
		{Name: "signup list", Usage: "[--state pending|approved|rejected|unverified]",
			Help: "list self sign-ups, the newest first", Run: m.cmdList},
		{Name: "signup approve", Usage: "ID", Help: "approve a pending sign-up: its account may log in", Run: m.cmdApprove},
		{Name: "signup reject", Usage: "ID --reason TEXT", Help: "reject a sign-up: its account is deactivated and the person told",
			Run: m.cmdReject},
	}
}

func (m *Module) cmdList(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	fs := app.Flags("signup list", stdio)
	state := fs.String("state", "", "only sign-ups in this state")
	if err := app.ParseFlags(fs, args); err != nil {
		return err
	}
	switch *state {
	case "", StatePending, StateApproved, StateRejected, StateUnverified:
	default:
		return fmt.Errorf("signup list: --state must be pending, approved, rejected or unverified")
	}
	list, err := List(ctx, d.DB.R, Filter{State: *state, Limit: 500})
	if err != nil {
		return err
	}
	t := app.NewTable(stdio.Out, "ID", "CREATED", "STATE", "CLIENT", "LOGIN", "NAME", "E-MAIL")
	for _, s := range list {
		t.Row(s.ID, core.Now(s.CreatedAt), s.State, s.ClientNumber, s.Username, s.Name, s.Email)
	}
	return t.Flush()
}

// cmdDecide runs a decision from the CLI, audited as "cli".
func (m *Module) cmdDecide(ctx context.Context, d app.Deps, stdio app.IO, name, action string, id int64,
	run func(tx *sql.Tx) (Signup, error)) error {
	var s Signup
	err := d.DB.Tx(ctx, func(tx *sql.Tx) (err error) {
		if s, err = run(tx); err != nil {
			return err
		}
		return app.CLIAudit(ctx, d, tx, action, s.ClientID, fmt.Sprintf("sign-up %d: %s %s", s.ID, s.State, s.Reason))
	})
	if errors.Is(err, core.ErrNotFound) {
		return fmt.Errorf("%s: no sign-up with id %d", name, id)
	}
	if err != nil {
		return app.CommandError(name, err)
	}
	m.kickMail()
	fmt.Fprintf(stdio.Out, "sign-up %d (client %s): %s\n", s.ID, s.ClientNumber, s.State)
	return nil
}

func (m *Module) cmdApprove(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	id, err := app.OneID("signup approve", "sign-up", args)
	if err != nil {
		return err
	}
	return m.cmdDecide(ctx, d, stdio, "signup approve", "signups.approve", id, func(tx *sql.Tx) (Signup, error) {
		return m.Approve(ctx, tx, id, "cli", d.Now())
	})
}

func (m *Module) cmdReject(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	fs := app.Flags("signup reject", stdio)
	reason := fs.String("reason", "", "why the sign-up is rejected (told to the person)")
	rest, err := app.Positional(fs, args)
	if err != nil {
		return err
	}
	id, err := app.OneID("signup reject", "sign-up", rest)
	if err != nil {
		return err
	}
	return m.cmdDecide(ctx, d, stdio, "signup reject", "signups.reject", id, func(tx *sql.Tx) (Signup, error) {
		return m.Reject(ctx, tx, id, strings.TrimSpace(*reason), "cli", d.Now())
	})
}
