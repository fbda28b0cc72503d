package gdpr

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
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
		{Name: "client export", Usage: "[--format json|pdf] [--lang en|cs] CLIENT > file",
			Help: "Write everything the portal holds about a client (the GDPR own-data export) to standard output (audited)", Run: runClientExport},
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
	fs := app.Flags("consent add", io)
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
	if err != nil {
		return app.CommandError("consent add", err)
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
	if err != nil {
		return app.CommandError("consent add", err)
	}
	fmt.Fprintf(io.Out, "consent document %d published (version 1)\n", id)
	return nil
}

func runConsentVersion(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	id, err := app.IDArg(args, "consent version: give exactly one document ID (the text comes from standard input)", "consent version: ")
	if err != nil {
		return err
	}
	text, err := readText(io.In)
	if err != nil {
		return app.CommandError("consent version", err)
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
	if err != nil {
		return app.CommandError("consent version", err)
	}
	fmt.Fprintf(io.Out, "consent document %d is now at version %d; clients who agreed to an older version are asked to review\n", id, v)
	return nil
}

func runConsentActive(active bool) func(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	return func(ctx context.Context, d app.Deps, io app.IO, args []string) error {
		id, err := app.IDArg(args, "give exactly one consent document ID", "")
		if err != nil {
			return err
		}
		err = d.DB.Tx(ctx, func(tx *sql.Tx) error { return SetActive(ctx, tx, id, active, d.Now()) })
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
	if err := app.NoArgs("consent list", args); err != nil {
		return err
	}
	docs, err := ListDocuments(ctx, d.DB.R)
	if err != nil {
		return err
	}
	tb := app.NewTable(io.Out, "ID", "VERSION", "OFFERED", "TITLE", "PURPOSES")
	for _, doc := range docs {
		var ps []string
		for _, p := range doc.Purposes {
			ps = append(ps, p.Name)
		}
		tb.Row(doc.ID, doc.Version, app.YesNo(doc.Active), doc.Title, strings.Join(ps, ", "))
	}
	return tb.Flush()
}

func runConsentHistory(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	cl, err := app.OneClient(ctx, d, "consent history", args)
	if err != nil {
		return err
	}
	hist, err := ConsentHistory(ctx, d.DB.R, cl.ID, 0)
	if err != nil {
		return err
	}
	tb := app.NewTable(io.Out, "TIME (UTC)", "DOCUMENT", "SEQ", "VERSION", "ACTION", "PURPOSES", "IP", "BY", "USER AGENT")
	for _, e := range hist {
		tb.Row(core.Now(e.At), fmt.Sprintf("%d %s", e.DocumentID, e.DocumentTitle), e.Seq, e.Version,
			e.Action, strings.Join(e.Purposes, ", "), e.IP, e.Actor, e.UserAgent)
	}
	return tb.Flush()
}

// runClientExport writes a client's own-data export, the same as the portal's and the
// card's, to standard output, audited as privacy.export.cli.
func runClientExport(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	fs := app.Flags("client export", io)
	format := fs.String("format", "json", "json or pdf")
	lang := fs.String("lang", "en", "language of the PDF's labels (en or cs)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *format != "json" && *format != "pdf" {
		return errors.New("client export: --format is json or pdf")
	}
	if !web.Supported(*lang) {
		return fmt.Errorf("client export: unknown language %q", *lang)
	}
	cl, err := app.OneClient(ctx, d, "client export", fs.Args())
	if err != nil {
		return err
	}
	e, err := BuildExport(ctx, d, cl.ID)
	if err != nil {
		return err
	}
	if err := app.CLIAudit(ctx, d, d.DB.W, "privacy.export.cli", cl.ID, *format); err != nil {
		return err
	}
	if *format == "pdf" {
		return WritePDF(io.Out, e, func(key string, args ...any) string { return d.Web.Catalog.T(*lang, key, args...) })
	}
	return WriteJSON(io.Out, e)
}
