package contact

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/settings"
)

func (m *Module) commands() []app.Command {
	return []app.Command{
		{Name: "contact set", Usage: "[--group ID] < contact.html",
			Help: "set the Contact page text (HTML from standard input), the default or for one invoice group; empty input removes a group's text",
			Run:  contactSet},
		{Name: "contact show", Usage: "[--group ID]", Help: "print the Contact page text as stored", Run: contactShow},
	}
}

func groupFlag(name string, stdio app.IO, args []string) (int64, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	group := fs.Int64("group", 0, "invoice group id (default: the text for every group)")
	if err := fs.Parse(args); err != nil {
		return 0, err
	}
	if fs.NArg() > 0 {
		return 0, fmt.Errorf("%s: unexpected argument %q", name, fs.Arg(0))
	}
	if *group < 0 {
		return 0, fmt.Errorf("%s: invalid group %d", name, *group)
	}
	return *group, nil
}

func checkGroup(ctx context.Context, d app.Deps, name string, group int64) error {
	if group == 0 {
		return nil
	}
	if _, err := core.GroupByID(ctx, d.DB.R, group); errors.Is(err, core.ErrNotFound) {
		return fmt.Errorf("%s: no invoice group with id %d", name, group)
	} else if err != nil {
		return err
	}
	return nil
}

// contactSet stores the text through the settings store, so it is validated and the
// change audited like any other setting.
func contactSet(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	group, err := groupFlag("contact set", stdio, args)
	if err != nil {
		return err
	}
	if err := checkGroup(ctx, d, "contact set", group); err != nil {
		return err
	}
	body, err := io.ReadAll(io.LimitReader(stdio.In, 1<<20))
	if err != nil {
		return err
	}
	if group != 0 && len(body) == 0 {
		if err := d.Settings.Reset(ctx, settings.ContactText.Key, group, "cli"); err != nil {
			return err
		}
		fmt.Fprintf(stdio.Out, "contact text of group %d removed: the default applies\n", group)
		return nil
	}
	if err := d.Settings.Set(ctx, settings.ContactText.Key, group, string(body), "cli"); err != nil {
		return err
	}
	fmt.Fprintln(stdio.Out, "contact text saved")
	return nil
}

func contactShow(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	group, err := groupFlag("contact show", stdio, args)
	if err != nil {
		return err
	}
	if err := checkGroup(ctx, d, "contact show", group); err != nil {
		return err
	}
	v, stored := d.Settings.Value(settings.ContactText.Def, group)
	if group != 0 && !stored {
		fmt.Fprintf(stdio.Err, "group %d has no text of its own; the default is:\n", group)
	}
	fmt.Fprintln(stdio.Out, v)
	return nil
}
