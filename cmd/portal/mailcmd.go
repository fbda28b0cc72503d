package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/mail"
)

func init() {
	builtin["mail"] = builtinCmd{"list [--status S]|show ID|retry ID|send", "the outbox: list, show (with body), retry a failed mail, or send what is due now", mailCmd}
}

func mailCmd(ctx context.Context, e *app.Env, io app.IO, args []string) error {
	if len(args) == 0 {
		return usageError{"usage: portal mail list [--status queued|sending|sent|failed] | show ID | retry ID | send"}
	}
	r := e.Deps.DB.R
	switch args[0] {
	case "list":
		f := mail.ListFilter{Limit: 100}
		for i := 1; i < len(args); i++ {
			if args[i] == "--status" && i+1 < len(args) {
				f.Status = args[i+1]
				i++
				continue
			}
			return usageError{"usage: portal mail list [--status S]"}
		}
		list, err := mail.List(ctx, r, f)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(io.Out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tCREATED\tSTATUS\tTRIES\tPURPOSE\tTO\tSUBJECT")
		for _, m := range list {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\t%s\n", m.ID, m.CreatedAt.Local().Format("2006-01-02 15:04"), m.Status, m.Attempts,
				m.Purpose, strings.Join(m.To, ", "), m.Subject)
		}
		return tw.Flush()
	case "show", "retry":
		if len(args) != 2 {
			return usageError{"usage: portal mail " + args[0] + " ID"}
		}
		id, err := strconv.ParseInt(args[1], 10, 64)
		if err != nil {
			return usageError{"mail id must be a number"}
		}
		if args[0] == "retry" {
			if err := mail.Retry(ctx, e.Deps.DB, id); err != nil {
				return err
			}
			fmt.Fprintln(io.Out, "Mail", id, "queued again.")
			return nil
		}
		m, err := mail.Get(ctx, r, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(io.Out, "Message-ID: %s\nStatus: %s (attempts %d)\nTo: %s\nSubject: %s\n", m.MessageID, m.Status, m.Attempts,
			strings.Join(m.To, ", "), m.Subject)
		if m.LastError != "" {
			fmt.Fprintf(io.Out, "Last error: %s\n", m.LastError)
		}
		fmt.Fprintf(io.Out, "\n%s\n", m.Text)
		if m.Text == "" {
			fmt.Fprintln(io.Out, "(The body of this mail was not kept.)")
		}
		return nil
	case "send":
		sent, failed, err := e.MailWorker.RunOnce(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(io.Out, "Sent %d, failed %d.\n", sent, failed)
		return nil
	}
	return usageError{fmt.Sprintf("unknown mail action %q", args[0])}
}
