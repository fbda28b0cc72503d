package files

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/core"
)

func commands() []app.Command {
	return []app.Command{
		{Name: "file add", Usage: "--title TITLE [--description TEXT] [--group ID ...] [--external-id ID] FILE",
			Help: "Publish a file to every client, or only to clients of the given invoice groups", Run: runFileAdd},
		{Name: "file list", Help: "List published files with their group restriction", Run: runFileList},
		{Name: "file delete", Usage: "ID", Help: "Delete a published file (row and stored file)", Run: runFileDelete},
	}
}

func runFileAdd(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	fs := app.Flags("file add", io)
	title := fs.String("title", "", "title shown to clients")
	desc := fs.String("description", "", "optional description")
	ext := fs.String("external-id", "", "billing system id; an existing file with this id is replaced")
	var groups []int64
	fs.Func("group", "invoice group id the file is restricted to (repeat for several; none = every client)", func(s string) error {
		id, ok := core.ParseID(strings.TrimSpace(s))
		if !ok {
			return fmt.Errorf("group id %q is not a number", s)
		}
		groups = append(groups, id)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("file add: give exactly one FILE")
	}
	f := File{ExternalID: *ext, Title: *title, Description: *desc, FileName: blob.SafeName(filepath.Base(fs.Arg(0)), ""), Groups: groups}
	id, err := AddFile(ctx, d, f, fs.Arg(0))
	var fe *core.FieldError
	if errors.As(err, &fe) {
		return fmt.Errorf("file add: --%s %v", fe.Field, fe.Err) // the flag that names the field
	}
	if err != nil {
		return fmt.Errorf("file add: %w", err)
	}
	fmt.Fprintf(io.Out, "file %d published\n", id)
	return nil
}

// AddFile publishes the file at path (see Publish); the CLI has no audit actor.
func AddFile(ctx context.Context, d app.Deps, f File, path string) (int64, error) {
	fh, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer fh.Close()
	return Publish(ctx, d, f, fh, nil)
}

func runFileList(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	if err := app.NoArgs("file list", args); err != nil {
		return err
	}
	files, err := ListFiles(ctx, d.DB.R)
	if err != nil {
		return err
	}
	groups, err := core.Groups(ctx, d.DB.R)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, g := range groups {
		names[g.ID] = g.Name
	}
	tb := app.NewTable(io.Out, "ID", "PUBLISHED", "SIZE", "TYPE", "GROUPS", "TITLE", "FILE")
	for _, f := range files {
		who := "everybody"
		if len(f.Groups) > 0 {
			var parts []string
			for _, g := range f.Groups {
				parts = append(parts, fmt.Sprintf("%d %s", g, names[g]))
			}
			who = strings.Join(parts, ", ")
		}
		tb.Row(f.ID, f.CreatedAt.Format("2006-01-02"), f.SizeText(), f.ContentType, who, f.Title, f.FileName)
	}
	return tb.Flush()
}

func runFileDelete(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	id, err := app.IDArg(args, "file delete: give exactly one file ID", "file delete: ")
	if err != nil {
		return err
	}
	err = Delete(ctx, d, id, nil)
	if errors.Is(err, core.ErrNotFound) {
		return fmt.Errorf("file delete: no file with id %d", id)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "file %d deleted\n", id)
	return nil
}
