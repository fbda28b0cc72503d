package helpdesk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// maxReplyBytes bounds a reply read from standard input.
const maxReplyBytes = 1 << 20

func commands() []app.Command {
	return []app.Command{
		{Name: "ticket list", Usage: "[--client NUMBER] [--state open|waiting|closed]",
			Help: "list helpdesk tickets, most recently changed first", Run: ticketList},
		{Name: "ticket reply", Usage: "ID [--author NAME] < body.txt",
			Help: "reply to a ticket by e-mail (body from standard input); the client gets a link to the portal", Run: ticketReply},
		{Name: "ticket state", Usage: "ID open|waiting|closed", Help: "change a ticket's state", Run: ticketState},
		{Name: "ticket edit", Usage: "ID [--state open|waiting|closed] [--department ID] [--client NUMBER|-] [--staff LOGIN|-]",
			Help: "change a ticket's state, department, client and assignee as the console does (- removes)", Run: ticketEdit},
		{Name: "ticket log", Usage: "ID --type phone|in_person|note [--direction in|out] [--author NAME] < text.txt",
			Help: "log a phone call, an in-person visit or an internal note on a ticket (text from standard input)", Run: ticketLog},
		{Name: "department add", Usage: "NAME [--portal]",
			Help: "add a helpdesk department; --portal makes it take tickets from the portal", Run: departmentAdd},
		{Name: "department list", Usage: "", Help: "list helpdesk departments", Run: departmentList},
	}
}

func ticketID(s string) (int64, error) {
	id, ok := core.ParseID(s)
	if !ok {
		return 0, fmt.Errorf("ticket id %q must be a positive number", s)
	}
	return id, nil
}

func ticketList(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	fs := app.Flags("ticket list", io)
	client := fs.String("client", "", "client number")
	state := fs.String("state", "", "open, waiting or closed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	f := TicketFilter{State: *state}
	if *state != "" && !ValidState(*state) {
		return fmt.Errorf("state %q: %w", *state, ErrBadState)
	}
	c, err := app.ClientFlag(ctx, d, *client)
	if err != nil {
		return err
	}
	f.ClientID = c.ID
	list, err := ListTickets(ctx, d.DB.R, f)
	if err != nil {
		return err
	}
	// The tables' minimum cell width was 2, which their padding of 2 already gives.
	tb := app.NewTable(io.Out, "ID", "UPDATED", "STATE", "CLIENT", "DEPARTMENT", "SUBJECT")
	for _, t := range list {
		client := "-"
		if t.ClientNumber != "" {
			client = t.ClientNumber
		}
		tb.Row(t.ID, t.UpdatedAt.Local().Format("2006-01-02 15:04"), t.State, client, t.DepartmentName, t.Subject)
	}
	return tb.Flush()
}

// readText reads a text from standard input, at most maxReplyBytes, with plain line ends.
func readText(stdio app.IO, what string) (string, error) {
	data, err := io.ReadAll(io.LimitReader(stdio.In, maxReplyBytes+1))
	if err != nil {
		return "", err
	}
	if len(data) > maxReplyBytes {
		return "", fmt.Errorf("%s longer than %d bytes", what, maxReplyBytes)
	}
	return strings.ReplaceAll(string(data), "\r\n", "\n"), nil
}

func ticketReply(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	fs := app.Flags("ticket reply", stdio)
	author := fs.String("author", "Support", "name shown as the reply's author")
	pos, err := app.Positional(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New("usage: portal ticket reply ID [--author NAME] < body.txt")
	}
	id, err := ticketID(pos[0])
	if err != nil {
		return err
	}
	body, err := readText(stdio, "reply")
	if err != nil {
		return err
	}
	if strings.TrimSpace(body) == "" {
		return errors.New("empty reply: write the text to standard input")
	}
	var res ReplyResult
	err = d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = StaffReply(ctx, tx, d, id, strings.TrimSpace(*author), body, "")
		return err
	})
	if errors.Is(err, ErrTooLong) {
		return fmt.Errorf("reply longer than %d characters", MaxBody)
	}
	if errors.Is(err, core.ErrNotFound) {
		return fmt.Errorf("ticket %d not found", id)
	}
	if err != nil {
		return err
	}
	if d.KickMail != nil {
		d.KickMail()
	}
	switch {
	case res.NoMail == NoMailNoClient:
		fmt.Fprintf(stdio.Out, "reply %d stored; no e-mail sent: the ticket has no client\n", res.ItemID)
	case res.NoMail == NoMailNoEmail:
		fmt.Fprintf(stdio.Out, "reply %d stored; no e-mail sent: the client has no e-mail address\n", res.ItemID)
	case res.NoMail == NoMailPreference:
		fmt.Fprintf(stdio.Out, "reply %d stored; no e-mail sent: the client chose no e-mail of ticket replies\n", res.ItemID)
	case res.Link == "":
		fmt.Fprintf(stdio.Out, "reply %d stored; e-mail %d queued without a portal link\n", res.ItemID, res.MailID)
	default:
		fmt.Fprintf(stdio.Out, "reply %d stored; e-mail %d queued with link %s\n", res.ItemID, res.MailID, res.Link)
	}
	return nil
}

// ticketState is `portal ticket state ID STATE`, short for `ticket edit ID --state
// STATE`: the same service function and the same audit entry.
func ticketState(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	if len(args) != 2 {
		return errors.New("usage: portal ticket state ID open|waiting|closed")
	}
	return ticketEdit(ctx, d, io, []string{args[0], "--state", args[1]})
}

func departmentAdd(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	fs := app.Flags("department add", io)
	portal := fs.Bool("portal", false, "take tickets created in the portal")
	pos, err := app.Positional(fs, args)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(strings.Join(pos, " "))
	if name == "" {
		return errors.New("usage: portal department add NAME [--portal]")
	}
	var id int64
	err = d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = SaveDepartmentChecked(ctx, tx, Department{Name: name, PortalRequests: *portal}, d.Now())
		return err
	})
	if errors.Is(err, ErrTooLong) {
		return fmt.Errorf("department name longer than %d characters", MaxDepartmentName)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "department %d %q added\n", id, name)
	return nil
}

func departmentList(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q", args[0])
	}
	list, err := ListDepartments(ctx, d.DB.R)
	if err != nil {
		return err
	}
	tb := app.NewTable(io.Out, "ID", "PORTAL", "NAME")
	for _, dp := range list {
		tb.Row(dp.ID, app.YesNo(dp.PortalRequests), dp.Name)
	}
	return tb.Flush()
}
