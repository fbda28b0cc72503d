package people

import (
	"context"
	"fmt"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

func commands() []app.Command {
	return []app.Command{
		{Name: "people list", Usage: "CLIENT", Help: "list the people invited to log in to a client's account", Run: peopleList},
		{Name: "people invite", Usage: "CLIENT EMAIL ROLE", Help: "invite a person by e-mail (role: billing, technical, readonly)", Run: peopleInvite},
		{Name: "people role", Usage: "CLIENT ID ROLE", Help: "change an invited person's role", Run: personCommand("people role", 1)},
		{Name: "people disable", Usage: "CLIENT ID", Help: "disable an invited person's login", Run: personCommand("people disable", 0)},
		{Name: "people enable", Usage: "CLIENT ID", Help: "enable an invited person's login again", Run: personCommand("people enable", 0)},
		{Name: "people remove", Usage: "CLIENT ID", Help: "remove an invited person", Run: personCommand("people remove", 0)},
	}
}

func peopleList(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	cl, err := app.OneClient(ctx, d, "people list", args)
	if err != nil {
		return err
	}
	ps, err := List(ctx, d.DB.R, cl.ID)
	if err != nil {
		return err
	}
	t := app.NewTable(stdio.Out, "ID", "LOGIN", "EMAIL", "ROLE", "ACTIVE", "LAST LOGIN")
	for _, p := range ps {
		login, last := p.Login, "never"
		if p.Pending() {
			login = "(invited)"
		}
		if !p.LastLogin.IsZero() {
			last = core.Now(p.LastLogin)
		}
		t.Row(p.ID, login, p.Email, p.Role, app.YesNo(p.Active), last)
	}
	return t.Flush()
}

func peopleInvite(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	if len(args) != 3 {
		return fmt.Errorf("people invite: give CLIENT EMAIL ROLE")
	}
	cl, err := app.OneClient(ctx, d, "people invite", args[:1])
	if err != nil {
		return err
	}
	p, err := Invite(ctx, d, cl.ID, args[1], args[2], "cli", "")
	if err != nil {
		return app.CommandError("people invite", err)
	}
	fmt.Fprintf(stdio.Out, "invited person %d <%s>; the link is in their mail\n", p.ID, p.Email)
	return nil
}

// personCommand is a change of one person: CLIENT ID plus extra arguments (the role).
func personCommand(name string, extra int) func(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	return func(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
		if len(args) != 2+extra {
			return fmt.Errorf("%s: give CLIENT ID%s", name, map[int]string{0: "", 1: " ROLE"}[extra])
		}
		cl, err := app.OneClient(ctx, d, name, args[:1])
		if err != nil {
			return err
		}
		id, err := app.OneID(name, "person", args[1:2])
		if err != nil {
			return err
		}
		var ch Change
		action := ""
		switch name {
		case "people role":
			ch, action = SetRole(args[2]), "person.role"
		case "people disable", "people enable":
			on := name == "people enable"
			ch, action = SetActive(on), ActiveAction(on)
		default:
			ch, action = Remove, "person.remove"
		}
		if err := Apply(ctx, d, cl.ID, id, ch, action, "cli", ""); err != nil {
			return app.CommandError(name, err)
		}
		fmt.Fprintf(stdio.Out, "%s: person %d done\n", name, id)
		return nil
	}
}
