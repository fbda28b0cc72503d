package notify

import (
	"context"
	"fmt"
	"strings"

	"github.com/ispportal/portal/internal/app"
)

// commands are the module's CLI: a notice from a script (a monitoring system
// announcing an outage) and a client's choices.
func (m *Module) commands() []app.Command {
	return []app.Command{
		{Name: "notify announce", Usage: "--title T --text X [--group ID | --client NUMBER] [--external-id ID]",
			Help: "send an outage or maintenance notice to every active client, an invoice group or one client", Run: m.runAnnounce},
		{Name: "notify preferences", Usage: "CLIENT", Help: "show a client's notification choices and quiet hours", Run: runPreferences},
	}
}

func (m *Module) runAnnounce(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	fs := app.Flags("notify announce", stdio)
	var n Notice
	fs.StringVar(&n.Title, "title", "", "title: the SMS text and push title (at most 140 characters)")
	fs.StringVar(&n.Text, "text", "", "text of the notice")
	fs.Int64Var(&n.GroupID, "group", 0, "only the clients of this invoice group")
	client := fs.String("client", "", "only this client (number)")
	fs.StringVar(&n.ExternalID, "external-id", "", "send once per this id, however often the command runs")
	if err := app.ParseFlags(fs, args); err != nil {
		return err
	}
	n.Audience = "all"
	switch {
	case *client != "" && n.GroupID != 0:
		return fmt.Errorf("notify announce: give --group or --client, not both")
	case *client != "":
		cl, err := app.ClientFlag(ctx, d, *client)
		if err != nil {
			return fmt.Errorf("notify announce: %w", err)
		}
		n.Audience, n.ClientID = "client", cl.ID
	case n.GroupID != 0:
		n.Audience = "group"
	}
	n, created, err := m.Announce(ctx, n, "cli", "")
	if err != nil {
		return app.CommandError("notify announce", err)
	}
	if !created {
		fmt.Fprintf(stdio.Out, "notice %d was sent before (external id %s); nothing sent\n", n.ID, n.ExternalID)
		return nil
	}
	fmt.Fprintf(stdio.Out, "notice %d sent to %d client(s)\n", n.ID, n.Clients)
	return nil
}

func runPreferences(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	cl, err := app.OneClient(ctx, d, "notify preferences", args)
	if err != nil {
		return err
	}
	p, err := LoadPrefs(ctx, d.DB.R, cl.ID)
	if err != nil {
		return err
	}
	saved := "saved"
	if !p.Saved {
		saved = "defaults"
	}
	fmt.Fprintf(stdio.Out, "client %s (%s), quiet hours %s–%s\n", cl.Number, saved, p.QuietFrom, p.QuietTo)
	t := app.NewTable(stdio.Out, "TOPIC", "CHANNELS")
	for _, topic := range Topics {
		var on []string
		for _, ch := range Channels {
			if p.Wants(topic, ch) {
				on = append(on, ch)
			}
		}
		t.Row(topic, strings.Join(on, " "))
	}
	return t.Flush()
}
