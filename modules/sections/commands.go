package sections

import (
	"context"
	"fmt"

	"github.com/ispportal/portal/internal/app"
)

func (m *Module) commands() []app.Command {
	return []app.Command{{Name: "client sections", Usage: "CLIENT [+SECTION | -SECTION | =SECTION ...]",
		Help: "show a client's portal sections, or force one shown (+), hidden (-) or back to the settings (=)",
		Run: func(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
			if len(args) == 0 {
				return fmt.Errorf("client sections: give a client number")
			}
			cl, err := app.OneClient(ctx, d, "client sections", args[:1])
			if err != nil {
				return err
			}
			if len(args) > 1 {
				changes, err := parseArgs(args[1:])
				if err != nil {
					return fmt.Errorf("client sections: %w", err)
				}
				if err := m.Apply(ctx, cl.ID, changes, "cli", ""); err != nil {
					return app.CommandError("client sections", err)
				}
				if cl, err = app.OneClient(ctx, d, "client sections", args[:1]); err != nil {
					return err
				}
			}
			st := m.States(cl)
			t := app.NewTable(stdio.Out, "SECTION", "STATE")
			for _, s := range d.Declared.Sections() {
				t.Row(s.Name, st[s.Name])
			}
			return t.Flush()
		}}}
}
