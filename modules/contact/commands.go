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

// groupFlag reads the command's --group flag and checks that the group exists; 0 is the
// text for every group.
func groupFlag(ctx context.Context, d app.Deps, name string, stdio app.IO, args []string) (int64, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	group := fs.Int64("group", 0, "invoice group id (default: the text for every group)")
	if err := app.ParseFlags(fs, args); err != nil {
		return 0, err
	}
	switch {
	case *group < 0:
		return 0, fmt.Errorf("%s: invalid group %d", name, *group)
	case *group == 0:
		return 0, nil
	}
	if _, err := core.GroupByID(ctx, d.DB.R, *group); errors.Is(err, core.ErrNotFound) {
		return 0, fmt.Errorf("%s: no invoice group with id %d", name, *group)
	} else if err != nil {
		return 0, err
	}
	return *group, nil
}

// contactSet stores the text through the settings store, so it is validated and the
// change audited like any other setting.
func contactSet(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	group, err := groupFlag(ctx, d, "contact set", stdio, args)
	if err != nil {
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
	group, err := groupFlag(ctx, d, "contact show", stdio, args)
	if err != nil {
		return err
	}
	v, stored := d.Settings.Value(settings.ContactText.Def, group)
	if group != 0 && !stored {
		fmt.Fprintf(stdio.Err, "group %d has no text of its own; the default is:\n", group)
	}
	fmt.Fprintln(stdio.Out, v)
	return nil
}
