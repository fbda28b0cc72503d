package helpdesk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// ticketEdit is `portal ticket edit`: EditTicket, as the console's form and tickets.edit.
func ticketEdit(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	fs := app.Flags("ticket edit", stdio)
	state := fs.String("state", "", "open, waiting or closed (default: unchanged)")
	dept := fs.Int64("department", 0, "department id (default: unchanged)")
	client := fs.String("client", "", "client number; - removes the client (default: unchanged)")
	staff := fs.String("staff", "", "staff login to assign; - assigns nobody (default: unchanged)")
	pos, err := app.Positional(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("usage: portal ticket edit ID [--state S] [--department ID] [--client NUMBER|-] [--staff LOGIN|-]")
	}
	id, err := ticketID(pos[0])
	if err != nil {
		return err
	}
	var t Ticket
	err = d.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := TicketByID(ctx, tx, id)
		if err != nil {
			return err
		}
		e := TicketEdit{State: old.State, DepartmentID: old.DepartmentID, StaffID: old.StaffID}
		if old.ClientID != 0 {
			cl, err := core.ClientByID(ctx, tx, old.ClientID)
			if err != nil {
				return err
			}
			e.ClientNumber = cl.Number
		}
		if *state != "" {
			e.State = *state
		}
		if *dept != 0 {
			e.DepartmentID = *dept
		}
		switch *client {
		case "":
		case "-":
			e.ClientNumber = ""
		default:
			e.ClientNumber = *client
		}
		switch *staff {
		case "":
		case "-":
			e.StaffID = 0
		default:
			s, err := core.StaffByLogin(ctx, tx, *staff)
			if errors.Is(err, core.ErrNotFound) {
				return &core.FieldError{Field: "staff", Err: ErrNoStaff}
			} else if err != nil {
				return err
			}
			e.StaffID = s.ID
		}
		var detail string
		if t, detail, err = EditTicket(ctx, tx, id, e, d.Now()); err != nil {
			return err
		}
		return app.CLIAudit(ctx, d, tx, "ticket.edit", t.ClientID, detail)
	})
	if err != nil {
		return cliError(id, err)
	}
	fmt.Fprintf(stdio.Out, "ticket %d: %s, department %d, client %d, staff %d\n", t.ID, t.State, t.DepartmentID, t.ClientID, t.StaffID)
	return nil
}

// ticketLog is `portal ticket log`: LogItem, as the console's log form and tickets.log.
func ticketLog(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	fs := app.Flags("ticket log", stdio)
	typ := fs.String("type", "", "phone, in_person or note")
	dir := fs.String("direction", "", "in (the client called or came) or out (staff did); for phone and in_person")
	author := fs.String("author", "Support", "who logs it")
	pos, err := app.Positional(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("usage: portal ticket log ID --type phone|in_person|note [--direction in|out] [--author NAME] < text.txt")
	}
	id, err := ticketID(pos[0])
	if err != nil {
		return err
	}
	text, err := readText(stdio, "text")
	if err != nil {
		return err
	}
	var item int64
	err = d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if item, err = LogItem(ctx, tx, id, *typ, *dir, strings.TrimSpace(*author), text, d.Now()); err != nil {
			return err
		}
		t, err := TicketByID(ctx, tx, id)
		if err != nil {
			return err
		}
		return app.CLIAudit(ctx, d, tx, "ticket.log", t.ClientID, fmt.Sprintf("ticket %d log %s item %d", id, *typ, item))
	})
	if err != nil {
		return cliError(id, err)
	}
	fmt.Fprintf(stdio.Out, "ticket %d: %s logged as item %d\n", id, *typ, item)
	return nil
}

// cliError says what was wrong in the CLI's words.
func cliError(id int64, err error) error {
	var fe *core.FieldError
	switch {
	case errors.Is(err, core.ErrNotFound):
		return fmt.Errorf("ticket %d not found", id)
	case errors.As(err, &fe):
		return fmt.Errorf("%s: %w", fe.Field, fe.Err)
	}
	return err
}
