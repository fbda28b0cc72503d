package sms

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

func commands() []app.Command {
	return []app.Command{{
		Name:  "sms queue",
		Usage: "[--client NUMBER] [--status queued|sending|sent|failed]",
		Help:  "list queued and sent SMS, newest first",
		Run:   listQueue,
	}}
}

// listQueue prints the SMS queue for staff.
func listQueue(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	fs := flag.NewFlagSet("sms queue", flag.ContinueOnError)
	fs.SetOutput(io.Err)
	client := fs.String("client", "", "client number")
	status := fs.String("status", "", "queued, sending, sent or failed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch *status {
	case "", StatusQueued, StatusSending, StatusSent, StatusFailed:
	default:
		return fmt.Errorf("unknown status %q: use queued, sending, sent or failed", *status)
	}
	q := `SELECT ` + queueCols + queueFrom + ` WHERE (? = '' OR status = ?)`
	qargs := []any{*status, *status}
	if *client != "" {
		c, err := core.ClientByNumber(ctx, d.DB.R, *client)
		if err != nil {
			return fmt.Errorf("client %q: %w", *client, err)
		}
		q += ` AND client_id = ?`
		qargs = append(qargs, c.ID)
	}
	rows, err := d.DB.R.QueryContext(ctx, q+` ORDER BY created_at DESC, id DESC LIMIT 200`, qargs...)
	if err != nil {
		return err
	}
	defer rows.Close()
	tw := tabwriter.NewWriter(io.Out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCREATED\tCLIENT\tNUMBER\tPARTS\tSTATUS\tTRIES\tERROR")
	for rows.Next() {
		m, err := scanQueued(rows)
		if err != nil {
			return err
		}
		who := m.ClientNumber
		if who == "" {
			who = "-" // sent for no client
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%d\t%s\n", m.ID, m.CreatedAt.Local().Format("2006-01-02 15:04"), who,
			m.Number, m.Parts, m.Status, m.Attempts, m.LastError)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return tw.Flush()
}
