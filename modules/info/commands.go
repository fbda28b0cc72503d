package info

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

func (m *Module) commands() []app.Command {
	return []app.Command{
		{Name: "message add", Usage: "--kind private|global|group [--client NUMBER] [--group ID] --title T [--from DATE] [--until DATE] [--external-id X] < body.html",
			Help: "add a message for one client, every client or an invoice group (HTML body from standard input)", Run: messageAdd},
		{Name: "message list", Usage: "[--kind private|global|group] [--limit N]", Help: "list messages, newest first (every one unless --limit)", Run: messageList},
		{Name: "message delete", Usage: "ID", Help: "delete a message", Run: messageDelete},
	}
}

// parseDate reads 2026-11-30 (the whole day, local time) or an RFC 3339 moment. For an
// end date the day is included: the message stays until the next midnight.
func parseDate(s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, time.Local)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: use YYYY-MM-DD or RFC 3339", s)
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

func messageAdd(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	fs := flag.NewFlagSet("message add", flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	kind := fs.String("kind", "", "private, global or group")
	client := fs.String("client", "", "client number (private messages)")
	group := fs.Int64("group", 0, "invoice group id (group messages)")
	title := fs.String("title", "", "title")
	from := fs.String("from", "", "valid from (YYYY-MM-DD)")
	until := fs.String("until", "", "valid until, inclusive (YYYY-MM-DD)")
	ext := fs.String("external-id", "", "id in the billing system (updates the message with this id)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("message add: unexpected argument %q", fs.Arg(0))
	}
	// Up to MaxBody characters of up to 4 bytes each, and one byte more, so that
	// PublishMessage refuses a longer body instead of a silently cut one.
	body, err := io.ReadAll(io.LimitReader(stdio.In, 4*MaxBody+1))
	if err != nil {
		return err
	}
	msg := Message{Kind: *kind, GroupID: *group, Title: *title, Body: strings.TrimSpace(string(body)), ExternalID: *ext}
	if msg.ValidFrom, err = parseDate(*from, false); err != nil {
		return err
	}
	if msg.ValidUntil, err = parseDate(*until, true); err != nil {
		return err
	}
	var id int64
	err = d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if *client != "" {
			cl, err := core.ClientByNumber(ctx, tx, *client)
			if errors.Is(err, core.ErrNotFound) {
				return fmt.Errorf("message add: no client with number %q", *client)
			}
			if err != nil {
				return err
			}
			msg.ClientID = cl.ID
		}
		var err error
		id, err = PublishMessage(ctx, tx, msg, d.Now(), func(id int64) error {
			return core.Audit(ctx, tx, core.AuditEntry{At: d.Now(), Actor: "cli", Action: "message.add", ClientID: msg.ClientID,
				Detail: fmt.Sprintf("message %d (%s): %s", id, msg.Kind, msg.Title)})
		})
		if errors.Is(err, ErrNoGroup) {
			return fmt.Errorf("message add: no invoice group with id %d", msg.GroupID)
		}
		if fe, ok := errors.AsType[*core.FieldError](err); ok {
			return fmt.Errorf("message add: %w", fe.Err)
		}
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdio.Out, "message %d saved\n", id)
	return nil
}

func messageList(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	fs := app.Flags("message list", stdio)
	kind := fs.String("kind", "", "only messages of this kind: private, global or group")
	limit := fs.Int("limit", 0, "at most this many, the newest (0: every one)")
	if err := app.ParseFlags(fs, args); err != nil {
		return err
	}
	if *kind != "" && !slices.Contains(Kinds, *kind) {
		return fmt.Errorf("message list: --kind %q: use private, global or group", *kind)
	}
	if *limit < 0 {
		return fmt.Errorf("message list: --limit %d: use 0 (every message) or more", *limit)
	}
	msgs, err := ListMessages(ctx, d.DB.R, MessageFilter{Kind: *kind, Limit: *limit})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdio.Out, "ID\tKIND\tFOR\tFROM\tUNTIL\tTITLE")
	for _, msg := range msgs {
		target := "-"
		switch msg.Kind {
		case KindPrivate:
			target = "client " + msg.ClientNumber
		case KindGroup:
			target = "group " + strconv.FormatInt(msg.GroupID, 10)
		}
		fmt.Fprintf(stdio.Out, "%d\t%s\t%s\t%s\t%s\t%s\n", msg.ID, msg.Kind, target, day(msg.ValidFrom), day(msg.ValidUntil), msg.Title)
	}
	return nil
}

func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}

func messageDelete(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	if len(args) != 1 {
		return errors.New("message delete: give one message ID")
	}
	id, ok := core.ParseID(args[0])
	if !ok {
		return fmt.Errorf("message delete: %q is not a message id", args[0])
	}
	err := d.DB.Tx(ctx, func(tx *sql.Tx) error {
		err := DeleteMessage(ctx, tx, id, func() error {
			return core.Audit(ctx, tx, core.AuditEntry{At: d.Now(), Actor: "cli", Action: "message.delete", Detail: fmt.Sprintf("message %d", id)})
		})
		if errors.Is(err, core.ErrNotFound) {
			return fmt.Errorf("message delete: no message %d", id)
		}
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdio.Out, "message %d deleted\n", id)
	return nil
}
