package requests

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

func (m *Module) commands() []app.Command {
	return []app.Command{
		{Name: "request list", Usage: "[--state new|in_progress|done|rejected] [--client NUMBER]",
			Help: "list support requests, newest first", Run: requestList},
		{Name: "request state", Usage: "ID new|in_progress|done|rejected", Help: "change the state of a support request", Run: requestState},
		{Name: "request assign", Usage: "ID LOGIN... | ID -", Help: "assign a support request to these staff members (- to nobody), as the console does", Run: requestAssign},
	}
}

func requestList(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	fs := app.Flags("request list", stdio)
	state := fs.String("state", "", "only requests in this state")
	client := fs.String("client", "", "only this client's requests (client number)")
	if err := app.ParseFlags(fs, args); err != nil {
		return err
	}
	if *state != "" && !slices.Contains(States, *state) {
		return fmt.Errorf("request list: state must be one of %s", strings.Join(States, ", "))
	}
	f := Filter{State: *state, Limit: 1000}
	if *client != "" {
		cl, err := core.ClientByNumber(ctx, d.DB.R, *client)
		if errors.Is(err, core.ErrNotFound) {
			return fmt.Errorf("request list: no client with number %q", *client)
		} else if err != nil {
			return err
		}
		f.ClientID = cl.ID
	}
	list, err := ListRequests(ctx, d.DB.R, f)
	if err != nil {
		return err
	}
	numbers := map[int64]string{}
	fmt.Fprintln(stdio.Out, "ID\tDATE\tCLIENT\tSTATE\tCATEGORY\tSUBJECT")
	for _, r := range list {
		n, ok := numbers[r.ClientID]
		if !ok {
			if cl, err := core.ClientByID(ctx, d.DB.R, r.ClientID); err == nil {
				n = cl.Number
			}
			numbers[r.ClientID] = n
		}
		fmt.Fprintf(stdio.Out, "%d\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.CreatedAt.Local().Format("2006-01-02 15:04"), n, r.State, r.Category, r.Subject)
	}
	return nil
}

func requestState(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	if len(args) != 2 {
		return errors.New("request state: give the request ID and the new state")
	}
	id, ok := core.ParseID(args[0])
	if !ok {
		return fmt.Errorf("request state: %q is not a request id", args[0])
	}
	state := args[1]
	err := d.DB.Tx(ctx, func(tx *sql.Tx) error {
		r, err := SetState(ctx, tx, id, state, d.Now())
		if errors.Is(err, core.ErrNotFound) {
			return fmt.Errorf("request state: no request %d", id)
		}
		if err != nil {
			return fmt.Errorf("request state: %w", err)
		}
		return app.CLIAudit(ctx, d, tx, "request.state", r.ClientID, fmt.Sprintf("request %d -> %s", id, state))
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdio.Out, "request %d is now %s\n", id, state)
	return nil
}
