package documents

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/core"
)

func commands() []app.Command {
	return []app.Command{
		{Name: "document add", Usage: "--client NUMBER --title TITLE [--kind contract|annex|other] [--date YYYY-MM-DD] [--hidden] [--external-id ID] FILE",
			Help: "Upload a document for a client (shown in the portal unless --hidden)", Run: runDocumentAdd},
		{Name: "document show", Usage: "ID", Help: "Display a document in the portal", Run: runDocumentVisibility(true)},
		{Name: "document hide", Usage: "ID", Help: "Hide a document from the portal", Run: runDocumentVisibility(false)},
		{Name: "document list", Usage: "CLIENT", Help: "List a client's documents (by client number), hidden ones too", Run: runDocumentList},
	}
}

func runDocumentAdd(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	fs := app.Flags("document add", io)
	client := fs.String("client", "", "client number")
	title := fs.String("title", "", "document title shown to the client")
	kind := fs.String("kind", KindOther, "contract, annex or other")
	date := fs.String("date", "", "document date YYYY-MM-DD (default today)")
	hidden := fs.Bool("hidden", false, "do not display in the portal")
	ext := fs.String("external-id", "", "billing system id; an existing document with this id is replaced")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("document add: give exactly one FILE")
	}
	if *client == "" || *title == "" {
		return errors.New("document add: --client and --title are required")
	}
	if !ValidKind(*kind) {
		return fmt.Errorf("document add: --kind %q must be contract, annex or other", *kind)
	}
	var when time.Time
	if *date != "" {
		t, err := time.Parse("2006-01-02", *date)
		if err != nil {
			return fmt.Errorf("document add: --date %q must be YYYY-MM-DD", *date)
		}
		when = t
	}
	cl, err := core.ClientByNumber(ctx, d.DB.R, *client)
	if errors.Is(err, core.ErrNotFound) {
		return fmt.Errorf("document add: no client with number %q", *client)
	} else if err != nil {
		return err
	}
	doc := Document{ExternalID: *ext, ClientID: cl.ID, Title: *title, Kind: *kind, Date: when, Visible: !*hidden,
		FileName: blob.SafeName(filepath.Base(fs.Arg(0)), "")}
	id, err := AddDocument(ctx, d, doc, fs.Arg(0))
	if err != nil {
		return fmt.Errorf("document add: %w", err)
	}
	fmt.Fprintf(io.Out, "document %d added for client %s\n", id, cl.Number)
	return nil
}

// AddDocument stores the file at path and saves doc pointing at it, in one step for
// the CLI and console. A replaced document's old file is removed after the commit; a
// failed save removes the new file, so no orphan stays on disk.
func AddDocument(ctx context.Context, d app.Deps, doc Document, path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return AddDocumentFrom(ctx, d, doc, f)
}

// AddDocumentFrom is AddDocument for content from a reader (an upload form, the API).
func AddDocumentFrom(ctx context.Context, d app.Deps, doc Document, r io.Reader) (int64, error) {
	var id int64
	err := blob.Put(ctx, d.DB, d.DataDir, StoreDir, r, func(tx *sql.Tx, s blob.Stored) (string, error) {
		doc.StoredPath, doc.Size, doc.ContentType = s.Path, s.Size, s.ContentType
		var old string
		if doc.ExternalID != "" {
			if prev, err := DocumentByExternalID(ctx, tx, doc.ExternalID); err == nil {
				old = prev.StoredPath
			}
		}
		var err error
		id, err = SaveDocument(ctx, tx, doc, d.Now())
		return old, err
	})
	return id, err
}

func runDocumentVisibility(visible bool) func(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	return func(ctx context.Context, d app.Deps, io app.IO, args []string) error {
		id, err := app.IDArg(args, "give exactly one document ID", "document ")
		if err != nil {
			return err
		}
		err = d.DB.Tx(ctx, func(tx *sql.Tx) error { return SetDocumentVisible(ctx, tx, id, visible) })
		if errors.Is(err, core.ErrNotFound) {
			return fmt.Errorf("no document with id %d", id)
		}
		if err != nil {
			return err
		}
		state := "hidden from"
		if visible {
			state = "displayed in"
		}
		fmt.Fprintf(io.Out, "document %d is %s the portal\n", id, state)
		return nil
	}
}

func runDocumentList(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	cl, err := app.OneClient(ctx, d, "document list", args)
	if err != nil {
		return err
	}
	docs, err := ListDocuments(ctx, d.DB.R, cl.ID, false)
	if err != nil {
		return err
	}
	tb := app.NewTable(io.Out, "ID", "DATE", "KIND", "SHOWN", "SIZE", "TYPE", "TITLE", "FILE")
	for _, doc := range docs {
		tb.Row(doc.ID, doc.Date.Format("2006-01-02"), doc.Kind, app.YesNo(doc.Visible), doc.SizeText(), doc.ContentType, doc.Title, doc.FileName)
	}
	return tb.Flush()
}
