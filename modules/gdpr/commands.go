package gdpr

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

func commands() []app.Command {
	return []app.Command{
		{Name: "consent add", Usage: `--title TITLE [--purposes "a,b,c"] [--external-id ID] < text.html`,
			Help: "Publish a consent document (its text, staff HTML, is read from standard input)", Run: runConsentAdd},
		{Name: "consent version", Usage: "ID < text.html",
			Help: "Publish a new version of a consent document's text (from standard input)", Run: runConsentVersion},
		{Name: "consent list", Help: "List consent documents with version and purposes", Run: runConsentList},
		{Name: "consent retire", Usage: "ID", Help: "Stop offering a consent document (given consents can still be withdrawn)",
			Run: runConsentActive(false)},
		{Name: "consent offer", Usage: "ID", Help: "Offer a retired consent document again", Run: runConsentActive(true)},
		{Name: "consent history", Usage: "CLIENT", Help: "Show a client's consent history (by client number)", Run: runConsentHistory},
	}
}

func readText(in io.Reader) (string, error) {
	if in == nil {
		return "", errors.New("the text is read from standard input, which is not available")
	}
	b, err := io.ReadAll(io.LimitReader(in, MaxTextBytes+1))
	if err != nil {
		return "", err
	}
	return checkText(string(b))
}

func runConsentAdd(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	fs := flag.NewFlagSet("consent add", flag.ContinueOnError)
	fs.SetOutput(io.Err)
	title := fs.String("title", "", "title shown to clients")
	purposes := fs.String("purposes", "", "comma-separated purposes the client can tick (none: a plain agreement)")
	ext := fs.String("external-id", "", "billing system id")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("consent add: unexpected argument %q (the text comes from standard input)", fs.Arg(0))
	}
	if *title == "" {
		return errors.New("consent add: --title is required")
	}
	text, err := readText(io.In)
	if fe, ok := errors.AsType[*core.FieldError](err); ok {
		err = fe.Err // its text names the field already
	}
	if err != nil {
		return fmt.Errorf("consent add: %w", err)
	}
	var list []string
	if *purposes != "" {
		list = strings.Split(*purposes, ",")
	}
	var id int64
	err = d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = AddDocument(ctx, tx, *ext, *title, text, list, d.Now())
		return err
	})
	if fe, ok := errors.AsType[*core.FieldError](err); ok {
		err = fe.Err // its text names the field already
	}
	if err != nil {
		return fmt.Errorf("consent add: %w", err)
	}
	fmt.Fprintf(io.Out, "consent document %d published (version 1)\n", id)
	return nil
}

func runConsentVersion(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	if len(args) != 1 {
		return errors.New("consent version: give exactly one document ID (the text comes from standard input)")
	}
	id, ok := core.ParseID(args[0])
	if !ok {
		return fmt.Errorf("consent version: id %q is not a number", args[0])
	}
	text, err := readText(io.In)
	if fe, ok := errors.AsType[*core.FieldError](err); ok {
		err = fe.Err
	}
	if err != nil {
		return fmt.Errorf("consent version: %w", err)
	}
	var v int
	err = d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		v, err = NewVersion(ctx, tx, id, text, d.Now())
		return err
	})
	if errors.Is(err, core.ErrNotFound) {
		return fmt.Errorf("consent version: no consent document with id %d", id)
	}
	if fe, ok := errors.AsType[*core.FieldError](err); ok {
		err = fe.Err
	}
	if err != nil {
		return fmt.Errorf("consent version: %w", err)
	}
	fmt.Fprintf(io.Out, "consent document %d is now at version %d; clients who agreed to an older version are asked to review\n", id, v)
	return nil
}

func runConsentActive(active bool) func(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	return func(ctx context.Context, d app.Deps, io app.IO, args []string) error {
		if len(args) != 1 {
			return errors.New("give exactly one consent document ID")
		}
		id, ok := core.ParseID(args[0])
		if !ok {
			return fmt.Errorf("id %q is not a number", args[0])
		}
		err := d.DB.Tx(ctx, func(tx *sql.Tx) error { return SetActive(ctx, tx, id, active, d.Now()) })
		if errors.Is(err, core.ErrNotFound) {
			return fmt.Errorf("no consent document with id %d", id)
		}
		if err != nil {
			return err
		}
		state := "retired"
		if active {
			state = "offered"
		}
		fmt.Fprintf(io.Out, "consent document %d is %s\n", id, state)
		return nil
	}
}

func runConsentList(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	if len(args) != 0 {
		return errors.New("consent list takes no arguments")
	}
	docs, err := ListDocuments(ctx, d.DB.R)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tVERSION\tOFFERED\tTITLE\tPURPOSES")
	for _, doc := range docs {
		var ps []string
		for _, p := range doc.Purposes {
			ps = append(ps, p.Name)
		}
		offered := "no"
		if doc.Active {
			offered = "yes"
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\n", doc.ID, doc.Version, offered, doc.Title, strings.Join(ps, ", "))
	}
	return tw.Flush()
}

func runConsentHistory(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	if len(args) != 1 {
		return errors.New("consent history: give exactly one client number")
	}
	cl, err := core.ClientByNumber(ctx, d.DB.R, args[0])
	if errors.Is(err, core.ErrNotFound) {
		return fmt.Errorf("consent history: no client with number %q", args[0])
	} else if err != nil {
		return err
	}
	hist, err := ConsentHistory(ctx, d.DB.R, cl.ID, 0)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME (UTC)\tDOCUMENT\tSEQ\tVERSION\tACTION\tPURPOSES\tIP\tBY\tUSER AGENT")
	for _, e := range hist {
		fmt.Fprintf(tw, "%s\t%d %s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n", core.Now(e.At), e.DocumentID, e.DocumentTitle, e.Seq, e.Version,
			e.Action, strings.Join(e.Purposes, ", "), e.IP, e.Actor, e.UserAgent)
	}
	return tw.Flush()
}
