package buttons

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

func (m *Module) commands() []app.Command {
	return []app.Command{
		{Name: "button list", Help: "list the custom menu buttons", Run: buttonList},
		{Name: "button add", Usage: "--label-en X [--label-cs Y] --url URL [--order N] [--new-tab] [--inactive]",
			Help: "add a custom menu button (http, https or mailto address)", Run: buttonAdd},
		{Name: "button delete", Usage: "ID", Help: "delete a custom menu button", Run: buttonDelete},
	}
}

func buttonList(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("button list: unexpected argument %q", args[0])
	}
	bs, err := ListButtons(ctx, d.DB.R, false)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdio.Out, "ID\tORDER\tACTIVE\tNEW TAB\tLABEL EN\tLABEL CS\tURL")
	for _, b := range bs {
		fmt.Fprintf(stdio.Out, "%d\t%d\t%s\t%s\t%s\t%s\t%s\n", b.ID, b.SortOrder, app.YesNo(b.Active), app.YesNo(b.NewTab), b.LabelEN, b.LabelCS, b.URL)
	}
	return nil
}

func buttonAdd(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	fs := app.Flags("button add", stdio)
	var b Button
	fs.StringVar(&b.LabelEN, "label-en", "", "English label")
	fs.StringVar(&b.LabelCS, "label-cs", "", "Czech label (default: the English one)")
	fs.StringVar(&b.URL, "url", "", "http://, https:// or mailto: address")
	fs.IntVar(&b.SortOrder, "order", 0, "position among the buttons (0-1000)")
	fs.BoolVar(&b.NewTab, "new-tab", false, "open in a new tab")
	inactive := fs.Bool("inactive", false, "store it switched off")
	if err := app.ParseFlags(fs, args); err != nil {
		return err
	}
	b.Active = !*inactive
	var id int64
	err := d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if id, err = Save(ctx, tx, b, d.Now()); err != nil {
			return err
		}
		return app.CLIAudit(ctx, d, tx, "button.add", 0, fmt.Sprintf("button %d %q -> %s", id, b.LabelEN, b.URL))
	})
	if err != nil {
		return app.CommandError("button add", err)
	}
	fmt.Fprintf(stdio.Out, "button %d saved\n", id)
	return nil
}

func buttonDelete(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	id, err := app.OneID("button delete", "button", args)
	if err != nil {
		return err
	}
	err = d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := DeleteButton(ctx, tx, id); errors.Is(err, core.ErrNotFound) {
			return fmt.Errorf("button delete: no button %d", id)
		} else if err != nil {
			return err
		}
		return app.CLIAudit(ctx, d, tx, "button.delete", 0, fmt.Sprintf("button %d", id))
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdio.Out, "button %d deleted\n", id)
	return nil
}
