package sms

import (
	"context"
	"fmt"

	"github.com/ispportal/portal/internal/app"
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
	fs := app.Flags("sms queue", io)
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
	c, err := app.ClientFlag(ctx, d, *client)
	if err != nil {
		return err
	}
	if c.ID != 0 {
		q += ` AND client_id = ?`
		qargs = append(qargs, c.ID)
	}
	rows, err := d.DB.R.QueryContext(ctx, q+` ORDER BY created_at DESC, id DESC LIMIT 200`, qargs...)
	if err != nil {
		return err
	}
	defer rows.Close()
	// The table's minimum cell width was 2, which its padding of 2 already gives.
	tb := app.NewTable(io.Out, "ID", "CREATED", "CLIENT", "NUMBER", "PARTS", "STATUS", "TRIES", "ERROR")
	for rows.Next() {
		m, err := scanQueued(rows)
		if err != nil {
			return err
		}
		who := m.ClientNumber
		if who == "" {
			who = "-" // sent for no client
		}
		tb.Row(m.ID, m.CreatedAt.Local().Format("2006-01-02 15:04"), who, m.Number, m.Parts, m.Status, m.Attempts, m.LastError)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return tb.Flush()
}
