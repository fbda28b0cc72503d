package requests

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// requestAssign is `portal request assign ID LOGIN...`: Update with the new assignees,
// as the console's request form and the API's requests.update ("-" alone: nobody).
func requestAssign(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	if len(args) < 2 {
		return errors.New("usage: portal request assign ID LOGIN... (or ID - for nobody)")
	}
	id, ok := core.ParseID(args[0])
	if !ok {
		return fmt.Errorf("request assign: %q is not a request id", args[0])
	}
	var names []string
	err := d.DB.Tx(ctx, func(tx *sql.Tx) error {
		ids := []int64{}
		if !(len(args) == 2 && args[1] == "-") {
			for _, login := range args[1:] {
				s, err := core.StaffByLogin(ctx, tx, login)
				if errors.Is(err, core.ErrNotFound) || (err == nil && !s.Active) {
					return fmt.Errorf("request assign: no active staff member %q", login)
				} else if err != nil {
					return err
				}
				ids = append(ids, s.ID)
				names = append(names, s.Name)
			}
		}
		r, detail, err := Update(ctx, tx, id, Change{Assignees: ids}, "", d.Now())
		var fe *core.FieldError
		switch {
		case errors.Is(err, core.ErrNotFound):
			return fmt.Errorf("request assign: no request %d", id)
		case errors.As(err, &fe):
			return fmt.Errorf("request assign: %w", fe.Err)
		case err != nil:
			return err
		}
		return app.CLIAudit(ctx, d, tx, "request.update", r.ClientID, detail)
	})
	if err != nil {
		return err
	}
	if len(names) == 0 {
		names = []string{"nobody"}
	}
	fmt.Fprintf(stdio.Out, "request %d is assigned to %s\n", id, strings.Join(names, ", "))
	return nil
}
